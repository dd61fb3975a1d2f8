"""Fit the chain stopping score on the development half of a question set; score retrieval.

The development half is :func:`mstool.toolkit.qa.dataset.question_half` (parity of sha256 of
the question id). For every development question whose two gold paragraphs are in the
pooled index, the gold first paragraph (either order) is a "continue" example and the
gold two-paragraph path a "stop" example; features come from the retriever itself
(:mod:`mstool.toolkit.qa.chains`). ``--calibrate`` picks the first-hop stopping threshold on the
development half (the lowest of GRID at which max-2-hop path EM@1, within half a point,
and recall@10 are not below fixed two-hop paths); ``--write`` stores weights and threshold in
toolkit/qa/stop_weights.py. ``--score HALF`` prints path EM@1 and recall@10 with and
without stopping for max hops 2 and 4 (score the held-out half once, at the end).

    python benchmarks/qa/fit_stop_model.py --index dev500.qaidx.h5 --calibrate --write
    python benchmarks/qa/fit_stop_model.py --index dev500.qaidx.h5 --score held-out
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from mstool.schemas.qa import RetrievalSettings
from mstool.toolkit.qa import Encoder, PathRetriever, build_index, load_index, read_corpus
from mstool.toolkit.qa.chains import FEATURES, StopModel, fit_logistic
from mstool.toolkit.qa.dataset import question_half, read_questions
from mstool.toolkit.qa.evaluate import titles_to_ids
from mstool.toolkit.qa.retrieve import ReasoningPath, _softmax_top
from mstool.toolkit.qa.stop_weights import FIRST_HOP_THRESHOLD

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "qa" / "hotpotqa_dev500.jsonl"
WEIGHTS = Path(__file__).resolve().parents[2] / "toolkit" / "qa" / "stop_weights.py"
GRID = (0.95, 0.9, 0.8, 0.7, 0.6, 0.5)
EM_TOLERANCE = 0.5  # points of path EM@1 a threshold may lose on the (all two-hop) development half


def gold_ids(question, by_title) -> list[int] | None:
    ids = [min(by_title[t]) for t in question.gold_titles if by_title.get(t)]
    return ids if len(ids) == 2 == len(question.gold_titles) else None


def examples(retriever: PathRetriever, questions, by_title) -> tuple[np.ndarray, np.ndarray]:
    cfg = retriever.settings
    rows, labels = [], []
    for q in questions:
        gold = gold_ids(q, by_title)
        if gold is None:
            continue
        retriever.first_hop_scores(q.question)
        q_terms, q_vec = retriever._last
        bonus = retriever.title_scores(q.question, q_terms)
        for prefix, label in (([gold[0]], 0), ([gold[1]], 0), (gold, 1), (gold[::-1], 1)):
            row = retriever._next_hop_scores([prefix], q_terms, q_vec, bonus)[0]
            nxt, nprobs = _softmax_top(row, cfg.next_candidates, cfg.temperature)
            path = ReasoningPath(prefix, [1.0] * len(prefix), 0.0)
            retriever._stop_probability(path, nxt, nprobs, q_terms)
            rows.append([1.0] + [path.stop_features[f] for f in FEATURES[1:]])
            labels.append(label)
    return np.array(rows), np.array(labels, dtype=float)


def score(index, encoder, questions, by_title, hops: int, model: StopModel) -> dict[str, float]:
    retriever = PathRetriever(index, encoder, RetrievalSettings(hops=hops), stop_model=model)
    em, r10, lengths = [], [], []
    for q in questions:
        gold = [by_title.get(t, set()) for t in q.gold_titles]
        if not gold or not all(gold):
            continue
        paths = retriever.retrieve(q.question)
        top = set(paths[0].paragraphs)
        em.append(all(g & top for g in gold) and len(top) == len(gold))
        ranked = set(retriever.ranked_paragraphs(paths, 10))
        r10.append(all(g & ranked for g in gold))
        lengths.append(len(paths[0].paragraphs))
    counts = np.bincount(lengths, minlength=5)[1:]
    return {"path_em_at_1": 100 * float(np.mean(em)), "recall_at_10": 100 * float(np.mean(r10)),
            "questions": len(em), "top_path_hops_1_to_4": counts.tolist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--index", type=Path, help="the pooled index of --data (built if absent)")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--calibrate", action="store_true",
                        help="choose the threshold on the development half")
    parser.add_argument("--write", action="store_true", help="write toolkit/qa/stop_weights.py")
    parser.add_argument("--score", choices=["development", "held-out"], help="score this half")
    parser.add_argument("--limit", type=int, help="first N questions of the half only")
    args = parser.parse_args()

    encoder = Encoder()
    if args.index and args.index.exists():
        index = load_index(args.index)
    else:
        index = build_index(read_corpus(args.data), encoder)
        if args.index:
            index.save(args.index)
    by_title = titles_to_ids(index.titles)
    questions = read_questions(args.data, None)
    development = [q for q in questions if question_half(q.qid) == "development"]
    x, y = examples(PathRetriever(index, encoder), development, by_title)
    weights = fit_logistic(x, y, l2=args.l2)
    p = 1 / (1 + np.exp(-(x @ weights)))
    named = dict(zip(FEATURES, np.round(weights, 3).tolist(), strict=True))
    print(f"{len(y)} development examples; weights {named}; "
          f"accuracy {100 * np.mean((p > 0.5) == y):.1f} %")
    threshold = FIRST_HOP_THRESHOLD
    if args.calibrate:
        threshold = calibrate(index, encoder, development[: args.limit], by_title, weights)
    if args.write:
        values = ", ".join(f"{w:.3f}" for w in weights)
        WEIGHTS.write_text(
            '"""Stopping-score weights (bias, coverage, gain, next_confidence) and thresholds; written by\n'
            'benchmarks/qa/fit_stop_model.py from the development half of the HotpotQA dev500 questions'
            f' (L2 {args.l2:g})."""\n\nSTOP_WEIGHTS = ({values})\nSTOP_THRESHOLD = 0.5\n'
            f'FIRST_HOP_THRESHOLD = {threshold:g}\n')
    if args.score:
        half = [q for q in questions if question_half(q.qid) == args.score][: args.limit]
        model = StopModel(tuple(float(w) for w in weights), 0.5, threshold)
        print(f"| {args.score} half | max hops | stopping | path EM@1 | R@10 | top path hops 1/2/3/4 | s |")
        print("|---|---|---|---|---|---|---|")
        for hops, name, m in ((2, "off (always 2)", never_stop(weights)), (2, f"on ({threshold:g})", model),
                              (4, f"on ({threshold:g})", model)):
            print_row(index, encoder, half, by_title, hops, name, m)


def never_stop(weights) -> StopModel:
    return StopModel(tuple(float(w) for w in weights), threshold=1.1, first_hop_threshold=1.1)


def print_row(index, encoder, questions, by_title, hops: int, name: str, model: StopModel) -> dict:
    start = time.perf_counter()
    row = score(index, encoder, questions, by_title, hops, model)
    print(f"| {row['questions']} | {hops} | {name} | {row['path_em_at_1']:.1f} | "
          f"{row['recall_at_10']:.1f} | {'/'.join(map(str, row['top_path_hops_1_to_4']))} | "
          f"{time.perf_counter() - start:.0f} |", flush=True)
    return row


def calibrate(index, encoder, development, by_title, weights) -> float:
    """The lowest first-hop threshold of GRID whose max-2-hop path EM@1 (within EM_TOLERANCE) and
    R@10 match fixed two-hop paths."""
    print("| development half | max hops | stopping | path EM@1 | R@10 | top path hops 1/2/3/4 | s |")
    print("|---|---|---|---|---|---|---|")
    base = print_row(index, encoder, development, by_title, 2, "off (always 2)", never_stop(weights))
    chosen = 1.0
    for threshold in GRID:
        model = StopModel(tuple(float(w) for w in weights), 0.5, threshold)
        row = print_row(index, encoder, development, by_title, 2, f"on ({threshold:g})", model)
        if (row["path_em_at_1"] < base["path_em_at_1"] - EM_TOLERANCE
                or row["recall_at_10"] < base["recall_at_10"]):
            break
        chosen = threshold
    print(f"calibrated threshold: {chosen:g}")
    return chosen

if __name__ == "__main__":
    main()
