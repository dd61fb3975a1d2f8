"""Does the encoder's similarity between the question and a candidate's context help the ranker?

Cross-validates, on the development half only (the held-out questions are never read), the
answer-span ranker with and without two encoder cues: the question's cosine with the
candidate's sentence (``sentence_similarity``, already a ranker feature left at weight 0) and
with a window of +-N characters around the candidate occurrence (``window_similarity``,
built here). 5 folds x 3 shuffles, L2 0.3, as ``fit_answer_ranker.py``.

    python benchmarks/qa/window_similarity_cv.py --index dev500.qaidx.h5 \\
        --paths-cache /tmp/paths_dev.pkl [--window 60] [--examples-cache /tmp/window60.pkl]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_answer_ranker as far  # noqa: E402

from mstool.schemas.qa import QARecipe  # noqa: E402
from mstool.toolkit.qa import Encoder, load_index, ranker  # noqa: E402
from mstool.toolkit.qa.dataset import question_half, read_questions  # noqa: E402
from mstool.toolkit.qa.metrics import best_answer_scores  # noqa: E402
from mstool.toolkit.qa.question import classify_question  # noqa: E402


def window_around(text: str, start: int, end: int, reach: int) -> str:
    """The text within ``reach`` characters of [start, end), widened to whole words."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return text[lo:hi]


def build(index, questions, paths, encoder, reach: int) -> list:
    """fit_answer_ranker's examples with one more column: the question-window cosine."""
    recorded: list[tuple[str, bool]] = []
    features = ranker.occurrence_features

    def recording(span, sent, ctx):
        row = features(span, sent, ctx)
        window = window_around(sent.text, span.start, span.start + len(span.text), reach)
        recorded.append((window, row[ranker._POSITION["inside"]] > 0.5))  # occurrences() drops these
        return row

    ranker.occurrence_features = recording
    examples = []
    try:
        for q in questions:
            qtype = classify_question(q.question)
            if qtype.answer_type == "yesno" or qtype.options:
                continue
            recorded.clear()
            texts, matrix = ranker.path_candidates(index, paths[q.qid], q.question, qtype,
                                                   QARecipe().answer.max_answer_tokens, encoder)
            if not texts:
                continue
            windows = [w for w, dropped in recorded if not dropped]
            unique = list(dict.fromkeys(windows))
            vectors = encoder.encode([q.question] + unique)
            similarity = dict(zip(unique, vectors[1:] @ vectors[0], strict=True))
            column = np.array([[float(similarity[w])] for w in windows])
            f1 = np.array([best_answer_scores(t, q.answers)[1] for t in texts])
            examples.append(("development", texts, np.hstack([matrix, column]), f1, qtype.label,
                             len(paths[q.qid])))
    finally:
        ranker.occurrence_features = features
    return examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=far.DEFAULT_DATA)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--paths-cache", type=Path, help="pickle of the top paths (written once, then read)")
    parser.add_argument("--examples-cache", type=Path)
    parser.add_argument("--window", type=int, default=60, help="characters on each side of the candidate")
    args = parser.parse_args()
    questions = [q for q in read_questions(args.data) if question_half(q.qid) == "development"]
    index = load_index(args.index)
    paths = far.top_paths(index, questions, args.paths_cache)
    if args.examples_cache is not None and args.examples_cache.exists():
        examples = pickle.loads(args.examples_cache.read_bytes())
    else:
        start = time.perf_counter()
        examples = build(index, questions, paths, Encoder(), args.window)
        print(f"{len(examples)} development questions, features in {time.perf_counter() - start:.0f} s")
        if args.examples_cache is not None:
            args.examples_cache.write_bytes(pickle.dumps(examples))
    far.FEATURES = ranker.FEATURES + ("window_similarity",)
    base = [f for f in ranker.FEATURES if f != "sentence_similarity"]
    sets = {"shipped (no similarity)": base,
            "+ sentence similarity": base + ["sentence_similarity"],
            f"+ window similarity (+-{args.window} chars)": base + ["window_similarity"],
            "+ both similarities": base + ["sentence_similarity", "window_similarity"]}
    for name, names in sets.items():
        score = far.cross_validate(far.restrict(examples, names), 0.3)
        print(f"| {name} | {100 * score:.2f} |", flush=True)


if __name__ == "__main__":
    main()
