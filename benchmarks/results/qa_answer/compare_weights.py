"""Answer scores of the previous ranker weights and the shipped ones on one half (same code, same run).

Run from this folder: python compare_weights.py development|held-out (needs dev500.qaidx.h5 here).
"""

import importlib.util
import json
import sys

import numpy as np

import mstool.toolkit.qa.answer as answer
from mstool.schemas.qa import QARecipe
from mstool.toolkit.qa import Encoder, load_index
from mstool.toolkit.qa.dataset import question_half, read_questions
from mstool.toolkit.qa.evaluate import evaluate
from mstool.toolkit.qa.pipeline import QASystem
from mstool.toolkit.qa.ranker import FEATURES

half = sys.argv[1]
spec = importlib.util.spec_from_file_location("previous", "previous_ranker_weights.py")
previous = importlib.util.module_from_spec(spec)
spec.loader.exec_module(previous)
questions = [q for q in read_questions("../../../../shared/data/qa/hotpotqa_dev500.jsonl")
             if question_half(q.qid) == half]
system = QASystem(load_index("dev500.qaidx.h5"), Encoder(), QARecipe())
shipped = answer._RANKER_WEIGHTS.copy()
for name, weights in (("previous weights", np.array([previous.WEIGHTS.get(f, 0.0) for f in FEATURES])),
                      ("typed ranker", shipped)):
    answer._RANKER_WEIGHTS = weights
    summary, _ = evaluate(system, questions)
    keys = ("questions", "answer_em", "answer_f1", "answer_f1_by_type", "answer_f1_by_hops")
    print(name, json.dumps({k: summary[k] for k in keys}), flush=True)
