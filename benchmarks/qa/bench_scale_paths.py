"""Multi-hop path retrieval (what ``qa ask`` runs) at scale, exact dense scores against ``--ann``.

The corpus and the synthetic vectors are those of ``bench_scale.py`` (speed test only):
per question, :meth:`PathRetriever.retrieve` with the default settings (2 hops, beam 12),
once on the exact index and once with the ANN index at ``--probe``; wall and CPU
milliseconds p50/p95, and how often the two return the same best path.

    python benchmarks/qa/bench_scale_paths.py --paragraphs 100000 \
        --out benchmarks/results/qa_scale/paths_100k.json
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from bench_scale import (
    DATA,
    ZeroEncoder,
    peak_rss_mib,
    percentiles,
    perturbed_corpus,
    synthetic_vectors,
    timed,
    unit_rows,
    write,
)

from mstool.schemas.qa import RetrievalSettings
from mstool.toolkit.qa import PathRetriever, build_index, read_corpus
from mstool.toolkit.qa.ann import build_ann
from mstool.toolkit.qa.dataset import read_questions


class FixedVectors:
    """Hands the retriever each question's synthetic search vector (the encoder's cost is in bench_scale)."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode(self, texts, advance=None):
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)


def time_paths(retriever: PathRetriever, questions) -> tuple[dict, list[list[int]]]:
    wall, cpu, best = [], [], []
    retriever.retrieve(questions[0].question)  # warm-up: kernels compiled, faiss lists built
    for q in questions:
        start, cpu_start = time.perf_counter(), time.process_time()
        paths = retriever.retrieve(q.question)
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - cpu_start))
        best.append(paths[0].paragraphs if paths else [])
    return {**percentiles(wall, "ms"), **percentiles(cpu, "cpu_ms")}, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--probe", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result: dict = {"paragraphs": args.paragraphs, "load_average_start": os.getloadavg()}

    base = read_corpus(args.data)
    corpus, origin = perturbed_corpus(base, args.paragraphs, args.seed)
    index = build_index(corpus, ZeroEncoder(384))
    del corpus
    rng = np.random.default_rng(args.seed)
    directions = unit_rows(rng.normal(size=(len(base), 384)))
    index.embeddings = synthetic_vectors(origin, directions, 0.48, args.seed + 1)
    questions = read_questions(args.data, None)[: args.queries]
    first_title = {p.title: i for i, p in enumerate(base)}
    gold = np.array([first_title.get(next(iter(q.gold_titles), ""), 0) for q in questions])
    encoder = FixedVectors(dict(zip([q.question for q in questions],
                                    synthetic_vectors(gold, directions, 0.8, args.seed + 2), strict=True)))

    settings = RetrievalSettings(ann_probe=args.probe)
    exact, result["retriever_setup_s"], result["retriever_setup_cpu_s"] = timed(
        lambda: PathRetriever(index, encoder, settings))
    result["exact"], exact_best = time_paths(exact, questions)
    write(result, args.out)

    index.ann, result["ann_build_s"], _ = timed(lambda: build_ann(index.embeddings))
    approx = PathRetriever(index, encoder, settings)
    result["ann"], ann_best = time_paths(approx, questions)
    result["ann"]["probe"] = args.probe
    same = [a == b for a, b in zip(exact_best, ann_best, strict=True)]
    result.update(same_best_path=round(float(np.mean(same)), 3), queries=len(questions),
                  peak_rss_mib=round(peak_rss_mib()), load_average_end=os.getloadavg())
    write(result, args.out)


if __name__ == "__main__":
    main()
