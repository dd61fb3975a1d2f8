"""Which approximate nearest-neighbour library for ``qa index --ann``: faiss (IVF and HNSW over
int8 codes) against hnswlib (HNSW over float32), on the same synthetic vectors.

Vectors: ``--base`` random unit directions stand for distinct paragraphs; each of ``--vectors``
is a base direction plus noise (cosine about 0.9 to it, like a perturbed copy), and each query
a base direction plus more noise (cosine about 0.78). Measured per library: build wall and CPU
seconds, query milliseconds (one query at a time), recall@10 against exact inner-product search.
hnswlib is not an mstool dependency: `pip install hnswlib` (it compiles) to run this.

    python benchmarks/qa/bench_ann_choice.py --vectors 100000 \
        --out benchmarks/results/qa_scale/ann_choice_100k.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np


def synthetic_vectors(n: int, base: int, dim: int, noise: float, seed: int) -> np.ndarray:
    """Unit vectors clustered around ``base`` random directions (noise 0.48: cosine ~0.9)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(base, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), np.float32)
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        noise_block = noise / np.sqrt(dim) * rng.normal(size=(hi - lo, dim))
        block = centres[rng.integers(0, base, hi - lo)] + noise_block
        out[lo:hi] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def recall_at(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True)]))


def timed(fn):
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - start, time.process_time() - cpu


def per_query(search, queries: np.ndarray) -> tuple[np.ndarray, float]:
    ids, times = [], []
    for q in queries:
        start = time.perf_counter()
        ids.append(search(q[None, :]))
        times.append(1000 * (time.perf_counter() - start))
    return np.vstack(ids), float(np.percentile(times, 50))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=4_858)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import faiss
    import hnswlib

    vectors = synthetic_vectors(args.vectors, args.base, args.dim, 0.48, 0)
    queries = synthetic_vectors(args.queries, args.base, args.dim, 0.8, 0)  # same centres (seed 0)
    exact_ids, exact_ms = per_query(lambda q: np.argsort(-(vectors @ q[0]))[:10], queries)
    rows = [{"library": "exact numpy", "query_ms_p50": round(exact_ms, 2), "recall_at_10": 1.0}]

    lists = int(4 * np.sqrt(args.vectors))
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(args.dim), args.dim, lists,
                                        faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    _, wall, cpu = timed(lambda: (ivf.train(vectors[:50 * lists]), ivf.add(vectors)))
    for probe in (8, 16, 32):
        ivf.nprobe = probe
        ids, ms = per_query(lambda q: ivf.search(q, 10)[1], queries)
        rows.append({"library": f"faiss IVF{lists},SQ8 nprobe {probe}", "build_s": round(wall, 1),
                     "build_cpu_s": round(cpu, 1), "query_ms_p50": round(ms, 2),
                     "recall_at_10": round(recall_at(ids, exact_ids), 3)})

    hnsw_sq = faiss.IndexHNSWSQ(args.dim, faiss.ScalarQuantizer.QT_8bit, 32, faiss.METRIC_INNER_PRODUCT)
    _, wall, cpu = timed(lambda: (hnsw_sq.train(vectors[:20_000]), hnsw_sq.add(vectors)))
    hnsw_sq.hnsw.efSearch = 64
    ids, ms = per_query(lambda q: hnsw_sq.search(q, 10)[1], queries)
    rows.append({"library": "faiss HNSW32,SQ8 ef 64", "build_s": round(wall, 1), "build_cpu_s": round(cpu, 1),
                 "query_ms_p50": round(ms, 2), "recall_at_10": round(recall_at(ids, exact_ids), 3)})

    graph = hnswlib.Index(space="ip", dim=args.dim)
    graph.init_index(max_elements=args.vectors, M=16, ef_construction=100)
    _, wall, cpu = timed(lambda: graph.add_items(vectors))
    graph.set_ef(64)
    ids, ms = per_query(lambda q: graph.knn_query(q, 10)[0], queries)
    rows.append({"library": "hnswlib M16 ef 64 (float32)", "build_s": round(wall, 1),
                 "build_cpu_s": round(cpu, 1),
                 "query_ms_p50": round(ms, 2), "recall_at_10": round(recall_at(ids, exact_ids), 3)})

    result = {"vectors": args.vectors, "dim": args.dim, "queries": args.queries,
              "load_average": os.getloadavg(), "cpu_count": os.cpu_count(), "rows": rows}
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
