"""Index build and query speed at 100,000+ paragraphs (speed test only, not accuracy).

The shared HotpotQA paragraphs are repeated with perturbations until the corpus has
``--paragraphs`` entries: copy k of a paragraph gets the title "<title> <k>", its
sentences in a shuffled order and one word in eight replaced by a random word of the
corpus, so that BM25 postings and titles do not simply repeat. Measured:

- BM25-only build: :func:`build_index` with a zero-vector encoder (postings, idf,
  mention graph, sentences), wall seconds;
- dense encoding rate of the shipped MiniLM int8 encoder on ``--encode-sample``
  paragraphs (paragraphs/s; the full dense build is extrapolated, not run);
- wall and CPU time of each (the machine may be shared: compare the two);
- peak resident memory of the process (after build and queries);
- query latency p50/p95 for ``--queries`` shared questions: encode the question, BM25
  over the whole corpus, dense re-ranking of the BM25 top 100 (vectors: unit random,
  the cost is the same as real ones).

    python benchmarks/qa/bench_scale.py --paragraphs 100000 --out benchmarks/results/qa_scale/100k.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

from mstool.schemas.qa import EncoderIdentity
from mstool.toolkit.qa import Encoder, build_index, read_corpus
from mstool.toolkit.qa.corpus import Paragraph
from mstool.toolkit.qa.dataset import read_questions
from mstool.toolkit.qa.kernels import bm25_scores_many
from mstool.toolkit.qa.text import terms

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "qa" / "hotpotqa_dev500.jsonl"


class ZeroEncoder:
    """Stands in for the encoder in a BM25-only build (vectors of zeros, real dimension)."""

    def __init__(self, dim: int) -> None:
        self.identity = EncoderIdentity(name="zero", sha256="0", dim=dim, max_length=128)

    def encode(self, texts, advance=None):
        return np.zeros((len(texts), self.identity.dim), np.float32)


def perturbed_corpus(base: list[Paragraph], size: int, seed: int) -> list[Paragraph]:
    rng = np.random.default_rng(seed)
    vocab = sorted({w for p in base for s in p.sentences for w in s.split()})
    out = list(base[:size])
    copy = 1
    while len(out) < size:
        for para in base:
            if len(out) >= size:
                break
            sentences = [para.sentences[i] for i in rng.permutation(len(para.sentences))]
            noisy = []
            for sentence in sentences:
                words = sentence.split()
                for i in np.flatnonzero(rng.random(len(words)) < 0.125):
                    words[i] = vocab[rng.integers(len(vocab))]
                noisy.append(" ".join(words))
            out.append(Paragraph(f"{para.title} {copy}", noisy))
        copy += 1
    return out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--encode-sample", type=int, default=256)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()

    base = read_corpus(args.data)
    start = time.perf_counter()
    corpus = perturbed_corpus(base, args.paragraphs, args.seed)
    make_s = time.perf_counter() - start

    encoder = Encoder()
    sample = [p.title + ". " + p.text for p in corpus[: args.encode_sample]]
    start, cpu = time.perf_counter(), time.process_time()
    encoder.encode(sample)
    encode_rate, encode_cpu = len(sample) / (time.perf_counter() - start), time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    index = build_index(corpus, ZeroEncoder(encoder.identity.dim))
    build_s, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    rng = np.random.default_rng(args.seed)
    vectors = rng.normal(size=(index.size, encoder.identity.dim)).astype(np.float32)
    index.embeddings = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    questions = read_questions(args.data, None)[: args.queries]
    latencies, cpu_ms = [], []
    for q in questions:
        start, cpu = time.perf_counter(), time.process_time()
        q_terms = np.array([index.term_id[t] for t in terms(q.question) if t in index.term_id], np.int64)
        q_vec = encoder.encode([q.question])[0]
        bm25 = bm25_scores_many([(q_terms, np.ones(len(q_terms)))], index.postings_indptr, index.postings_doc,
                                index.postings_tf, index.norm, index.idf, index.k1)[0]
        top = np.argpartition(-bm25, 100)[:100]
        _ = top[np.argsort(-(index.embeddings[top] @ q_vec))]
        latencies.append(1000 * (time.perf_counter() - start))
        cpu_ms.append(1000 * (time.process_time() - cpu))
    result = {
        "paragraphs": index.size, "load_average": os.getloadavg(), "cpu_count": os.cpu_count(),
        "corpus_generation_s": round(make_s, 1), "bm25_only_build_s": round(build_s, 1),
        "bm25_only_build_cpu_s": round(build_cpu, 1), "dense_encode_paragraphs_per_s": round(encode_rate, 1),
        "dense_build_s_extrapolated": round(index.size / encode_rate, 0),
        "query_ms_p50": round(float(np.percentile(latencies, 50)), 1),
        "query_ms_p95": round(float(np.percentile(latencies, 95)), 1), "queries": len(latencies),
        "query_cpu_ms_p50": round(float(np.percentile(cpu_ms, 50)), 1),
        "query_cpu_ms_p95": round(float(np.percentile(cpu_ms, 95)), 1),
        "encode_cpu_s_per_paragraph": round(encode_cpu / len(sample), 4),
        "peak_rss_mib": round(peak_rss_mib(), 0),
    }
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
