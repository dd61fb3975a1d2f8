"""Answer scores of earlier ranker weights and the shipped ones on one half (same code, same run).

Run from this folder: python compare_weights.py development|held-out [--choice] [WEIGHTS.py ...]
(needs dev500.qaidx.h5 here; default: previous_ranker_weights.py). Each weights file is a module
with a WEIGHTS dict, as toolkit/qa/ranker_weights.py; the shipped weights run last. ``--choice``
adds a run of the shipped weights with 'Is X or Y ...?' questions answered yes/no, as before
``question.choice_options``.
"""

import importlib.util
import json
import sys

import numpy as np

import mstool.toolkit.qa.answer as answer
import mstool.toolkit.qa.question as question
from mstool.schemas.qa import QARecipe
from mstool.toolkit.qa import Encoder, load_index
from mstool.toolkit.qa.dataset import question_half, read_questions
from mstool.toolkit.qa.evaluate import evaluate
from mstool.toolkit.qa.pipeline import QASystem
from mstool.toolkit.qa.ranker import FEATURES


def load_weights(path: str) -> np.ndarray:
    spec = importlib.util.spec_from_file_location(path.removesuffix(".py"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return np.array([module.WEIGHTS.get(f, 0.0) for f in FEATURES])


half, choice = sys.argv[1], "--choice" in sys.argv
files = [f for f in sys.argv[2:] if f != "--choice"] or ["previous_ranker_weights.py"]
questions = [q for q in read_questions("../../../../shared/data/qa/hotpotqa_dev500.jsonl")
             if question_half(q.qid) == half]
system = QASystem(load_index("dev500.qaidx.h5"), Encoder(), QARecipe())
runs = [(f.removesuffix(".py"), load_weights(f)) for f in files]
runs.append(("shipped", answer._RANKER_WEIGHTS.copy()))
if choice:
    runs.insert(len(runs) - 1, ("shipped, 'X or Y' yes/no as before", answer._RANKER_WEIGHTS.copy()))
with_choice = question.choice_options
for name, weights in runs:
    answer._RANKER_WEIGHTS = weights
    question.choice_options = (lambda text: []) if name.endswith("as before") else with_choice
    summary, _ = evaluate(system, questions)
    keys = ("questions", "answer_em", "answer_f1", "answer_f1_by_type", "answer_f1_by_hops")
    print(name, json.dumps({k: summary[k] for k in keys}), flush=True)
