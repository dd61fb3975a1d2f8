"""Retrieval and QA benchmark on the pooled HotpotQA dev500 corpus: BM25, dense, hybrid, mstool paths.

Pools every question's paragraphs into one corpus, indexes it (paragraphs/s), then
for each question ranks paragraphs with BM25, dense and hybrid scores (single hop;
their top-2 taken as a path) and with mstool's path retrieval, and answers with
the top path. Prints a Markdown table with wall and CPU seconds.

    python benchmarks/qa/bench_retrieval.py --limit 100
    python benchmarks/qa/bench_retrieval.py --index /tmp/dev500.qaidx.h5   # reuse an index
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from mstool.toolkit.qa import Encoder, build_index, load_index, read_corpus
from mstool.toolkit.qa.dataset import read_questions
from mstool.toolkit.qa.evaluate import RECALL_KS, evaluate, titles_to_ids
from mstool.toolkit.qa.pipeline import QASystem

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "qa" / "hotpotqa_dev500.jsonl"


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def single_hop_rows(system: QASystem, questions, by_title) -> dict[str, dict[str, float]]:
    """Recall of all gold paragraphs @k and 'top-2 as a path' exact match per single-hop ranker."""
    rows = {}
    for method in ("bm25", "dense", "hybrid"):
        hits = {k: [] for k in RECALL_KS}
        path_em = []
        start = time.perf_counter()
        for q in questions:
            gold = [by_title[t] for t in q.gold_titles]
            ranked = system.retriever.rank_paragraphs(q.question, method, max(RECALL_KS))
            for k in RECALL_KS:
                hits[k].append(all(g & set(ranked[:k]) for g in gold))
            path_em.append(all(g & set(ranked[:2]) for g in gold))
        seconds = time.perf_counter() - start
        rows[method] = {"path_em_at_1": 100 * np.mean(path_em),
                        **{f"recall_all_gold_at_{k}": 100 * np.mean(v) for k, v in hits.items()},
                        "questions_per_second": len(questions) / seconds}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--index", type=Path, help="reuse this index (skips the indexing timing)")
    parser.add_argument("--save-index", type=Path, help="write the pooled index here")
    parser.add_argument("--limit", type=int, default=None, help="first N questions only")
    parser.add_argument("--start", type=int, default=0, help="skip the first N questions")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()

    encoder = Encoder()
    if args.index:
        index, index_wall, index_cpu = load_index(args.index), None, None
    else:
        paragraphs = read_corpus(args.data)
        index, index_wall, index_cpu = timed(lambda: build_index(paragraphs, encoder))
        if args.save_index:
            index.save(args.save_index)
    questions = read_questions(args.data, None)[args.start:]
    questions = questions[: args.limit] if args.limit else questions
    system = QASystem(index, encoder)
    by_title = titles_to_ids(index.titles)
    rows = single_hop_rows(system, questions, by_title)
    (summary, _), wall, cpu = timed(lambda: evaluate(system, questions))
    rows["mstool paths"] = {**{k: v for k, v in summary.items() if isinstance(v, float | int)},
                            "cpu_seconds_per_question": cpu / len(questions)}
    print(f"corpus: {index.size} paragraphs; questions: {len(questions)}")
    if index_wall is not None:
        print(f"indexing: {index.size / index_wall:.1f} paragraphs/s wall "
              f"({index_wall:.1f} s wall, {index_cpu:.1f} s CPU)")
    print(f"mstool answering: {len(questions) / wall:.2f} questions/s wall "
          f"({wall:.1f} s wall, {cpu:.1f} s CPU)")
    keys = ["path_em_at_1"] + [f"recall_all_gold_at_{k}" for k in RECALL_KS] + ["questions_per_second"]
    print("\n| retriever | path EM@1 | R@2 | R@5 | R@10 | R@20 | q/s |\n|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(f"{row[k]:.1f}" for k in keys) + " |")
    print("\n| answer EM | answer F1 | sp EM | sp F1 | joint EM | joint F1 | questions with sp |\n"
          "|---|---|---|---|---|---|---|")
    answer_keys = ("answer_em", "answer_f1", "sp_em", "sp_f1", "joint_em", "joint_f1",
                   "questions_with_supporting_facts")
    print("| " + " | ".join(str(summary[k]) for k in answer_keys) + " |")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "index_seconds": index_wall,
                                         "index_cpu_seconds": index_cpu, "paragraphs": index.size}, indent=1))


if __name__ == "__main__":
    main()
