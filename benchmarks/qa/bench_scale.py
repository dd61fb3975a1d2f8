"""Index build and query speed at 100,000 to 1,000,000 paragraphs (speed test only, not accuracy).

Corpus: the shared HotpotQA paragraphs repeated with perturbations until it has
``--paragraphs`` entries: copy k of a paragraph gets the title "<title> <k>", its sentences
in a shuffled order and one word in eight replaced by a random word of the corpus, so
that BM25 postings and titles do not simply repeat. The copies mean nothing; only the
times and sizes do.

Dense vectors: encoding 1,000,000 paragraphs is out of reach on 2 cores (the rate is
measured and the time extrapolated), so the stored vectors are synthetic: paragraph
p's copies get one random unit direction of p plus noise (cosine about 0.9 to it, as
near-copies have), and each question's search vector is its first gold paragraph's
direction plus more noise (cosine about 0.78). The question is still encoded by the
real MiniLM encoder inside the timed query, so the query cost is the real one.

Measured:

- BM25-only build: :func:`build_index` with a zero-vector encoder (postings, idf,
  sentences, mention graph), wall and CPU seconds; then writing the ``qa-index`` file
  (atomic HDF5, with the synthetic vectors) and its size;
- the MiniLM int8 encoding rate on ``--encode-sample`` paragraphs;
- the ANN build (:func:`build_ann`: IVF k-means + int8 ranges + list of each vector);
- per question: (a) the timed query: encode it, BM25 over the whole corpus, dense
  re-ranking of the BM25 top 100 with the stored vectors, p50/p95; (b) exact dense
  search over every vector (top 10), ms; (c) ANN search at each ``--probes`` value,
  ms and recall@10 against (b);
- peak resident memory of the process.

Wall and CPU time are both given: the machine may be shared (the load average is recorded).

    python benchmarks/qa/bench_scale.py --paragraphs 1000000 --out benchmarks/results/qa_scale/1m.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from mstool.schemas.qa import EncoderIdentity
from mstool.toolkit.qa import Encoder, build_index, read_corpus
from mstool.toolkit.qa.ann import build_ann
from mstool.toolkit.qa.corpus import Paragraph
from mstool.toolkit.qa.dataset import read_questions
from mstool.toolkit.qa.kernels import bm25_scores_many
from mstool.toolkit.qa.text import terms

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "qa" / "hotpotqa_dev500.jsonl"
RERANK = 100


class ZeroEncoder:
    """Stands in for the encoder in a BM25-only build (vectors of zeros, real dimension)."""

    def __init__(self, dim: int) -> None:
        self.identity = EncoderIdentity(name="zero", sha256="0", dim=dim, max_length=128)

    def encode(self, texts, advance=None):
        return np.zeros((len(texts), self.identity.dim), np.float32)


def perturbed_corpus(base: list[Paragraph], size: int, seed: int) -> tuple[list[Paragraph], np.ndarray]:
    """The corpus, and for each paragraph the index of the base paragraph it copies."""
    rng = np.random.default_rng(seed)
    words = [np.array([w for s in p.sentences for w in s.split()], dtype=object) for p in base]
    bounds = [np.concatenate([[0], np.cumsum([len(s.split()) for s in p.sentences])]) for p in base]
    vocab = np.array(sorted({w for ws in words for w in ws}), dtype=object)
    out, origin = list(base[:size]), list(range(min(size, len(base))))
    copy = 1
    while len(out) < size:
        for b, para in enumerate(base):
            if len(out) >= size:
                break
            noisy_words = words[b].copy()
            replace = rng.random(len(noisy_words)) < 0.125
            noisy_words[replace] = vocab[rng.integers(len(vocab), size=int(replace.sum()))]
            ends = bounds[b]
            noisy = [" ".join(noisy_words[ends[i]:ends[i + 1]]) for i in rng.permutation(len(ends) - 1)]
            out.append(Paragraph(f"{para.title} {copy}", noisy))
            origin.append(b)
        copy += 1
    return out, np.array(origin, dtype=np.int64)


def unit_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def synthetic_vectors(origin: np.ndarray, directions: np.ndarray, noise: float, seed: int) -> np.ndarray:
    """Row i: the direction of base paragraph origin[i] plus noise, unit length (in blocks)."""
    rng = np.random.default_rng(seed)
    dim = directions.shape[1]
    out = np.empty((len(origin), dim), np.float32)
    for lo in range(0, len(origin), 100_000):
        hi = min(len(origin), lo + 100_000)
        block = directions[origin[lo:hi]] + noise / np.sqrt(dim) * rng.normal(size=(hi - lo, dim))
        out[lo:hi] = unit_rows(block)
    return out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, round(time.perf_counter() - start, 1), round(time.process_time() - cpu, 1)


def percentiles(values: list[float], prefix: str) -> dict:
    return {f"{prefix}_p50": round(float(np.percentile(values, 50)), 1),
            f"{prefix}_p95": round(float(np.percentile(values, 95)), 1)}


def measure_queries(index, encoder, questions, search_vectors, ann, probes: list[int]) -> dict:
    latencies, cpu_ms, exact_ms, exact_top = [], [], [], []
    for q, search in zip(questions, search_vectors, strict=True):
        start, cpu = time.perf_counter(), time.process_time()
        q_terms = np.array([index.term_id[t] for t in terms(q.question) if t in index.term_id], np.int64)
        encoder.encode([q.question])  # the real cost of the question vector; the search uses `search`
        bm25 = bm25_scores_many([(q_terms, np.ones(len(q_terms)))], index.postings_indptr, index.postings_doc,
                                index.postings_tf, index.norm, index.idf, index.k1)[0]
        top = np.argpartition(-bm25, RERANK)[:RERANK]
        _ = top[np.argsort(-(index.embeddings[top] @ search))]
        latencies.append(1000 * (time.perf_counter() - start))
        cpu_ms.append(1000 * (time.process_time() - cpu))
        start = time.perf_counter()
        scores = index.embeddings @ search
        best = np.argpartition(-scores, 10)[:10]
        exact_top.append(set(best[np.argsort(-scores[best])].tolist()))
        exact_ms.append(1000 * (time.perf_counter() - start))
    result = {**percentiles(latencies, "query_ms"), **percentiles(cpu_ms, "query_cpu_ms"),
              **percentiles(exact_ms, "exact_dense_ms"), "ann": []}
    for probe in probes:
        ann.search(search_vectors[:1], 10, probe)  # the first search builds faiss' structure
        times, recall = [], []
        for search, exact in zip(search_vectors, exact_top, strict=True):
            start = time.perf_counter()
            ids, _ = ann.search(search, 10, probe)
            times.append(1000 * (time.perf_counter() - start))
            recall.append(len(exact & set(ids[0].tolist())) / 10)
        result["ann"].append({"probe": probe, **percentiles(times, "ms"),
                              "recall_at_10": round(float(np.mean(recall)), 3)})
    return result


def write(result: dict, out: Path | None) -> None:
    """Print the figures so far, and keep them (a long run that is stopped keeps what it measured)."""
    print(json.dumps(result, indent=1), flush=True)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--encode-sample", type=int, default=128)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--probes", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-save", action="store_true", help="skip writing the index file")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    result: dict = {"paragraphs": args.paragraphs, "cpu_count": os.cpu_count(),
                    "load_average_start": os.getloadavg()}

    base = read_corpus(args.data)
    (corpus, origin), result["corpus_generation_s"], _ = timed(
        lambda: perturbed_corpus(base, args.paragraphs, args.seed))

    encoder = Encoder()
    sample = [p.title + ". " + p.text for p in corpus[: args.encode_sample]]
    _, wall, cpu = timed(lambda: encoder.encode(sample))
    result["dense_encode_paragraphs_per_s"] = round(len(sample) / wall, 1)
    result["dense_encode_cpu_s_per_paragraph"] = round(cpu / len(sample), 4)
    result["dense_build_s_extrapolated"] = round(len(corpus) * wall / len(sample))

    zero = ZeroEncoder(encoder.identity.dim)
    index, result["bm25_only_build_s"], result["bm25_only_build_cpu_s"] = timed(
        lambda: build_index(corpus, zero))  # noqa: F821 (corpus is deleted only after this call)
    result["load_average_after_build"] = os.getloadavg()
    result.update(vocabulary=len(index.vocab), postings=int(index.postings_doc.size),
                  links=int(index.link_targets.size), peak_rss_mib_after_build=round(peak_rss_mib()))
    write(result, args.out)
    rng = np.random.default_rng(args.seed)
    directions = unit_rows(rng.normal(size=(len(base), encoder.identity.dim)))
    index.embeddings = synthetic_vectors(origin, directions, 0.48, args.seed + 1)
    del corpus

    ann, result["ann_build_s"], result["ann_build_cpu_s"] = timed(lambda: build_ann(index.embeddings))
    result["ann_lists"] = ann.lists

    questions = read_questions(args.data, None)[: args.queries]
    first_title = {p.title: i for i, p in enumerate(base)}
    gold = np.array([first_title.get(next(iter(q.gold_titles), ""), 0) for q in questions])
    search_vectors = synthetic_vectors(gold, directions, 0.8, args.seed + 2)
    result.update(measure_queries(index, encoder, questions, search_vectors, ann, args.probes))
    result["queries"] = len(questions)
    write(result, args.out)

    if not args.no_save:
        index.ann = ann
        with tempfile.TemporaryDirectory(dir=args.out.parent if args.out else None) as tmp:
            path = Path(tmp) / "scale.qaidx.h5"
            _, result["save_s"], result["save_cpu_s"] = timed(lambda: index.save(path))
            result["index_file_mib"] = round(path.stat().st_size / 2**20)
    result["peak_rss_mib"] = round(peak_rss_mib())
    result["load_average_end"] = os.getloadavg()
    write(result, args.out)


if __name__ == "__main__":
    main()
