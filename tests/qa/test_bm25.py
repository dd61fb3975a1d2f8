"""BM25 kernel and postings against a dense numpy reference."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.qa.kernels import bm25_idf, bm25_scores_many, build_postings, length_norm


def _dense_reference(doc_terms, vocab, queries, k1, b):
    tf = np.zeros((len(doc_terms), vocab))
    for d, ts in enumerate(doc_terms):
        for t in ts:
            tf[d, t] += 1
    n = len(doc_terms)
    df = (tf > 0).sum(axis=0)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    lengths = tf.sum(axis=1)
    out = np.zeros((len(queries), n))
    for qi, (terms, weights) in enumerate(queries):
        for t, w in zip(terms, weights, strict=True):
            denom = tf[:, t] + k1 * (1 - b + b * lengths / lengths.mean())
            out[qi] += w * idf[t] * tf[:, t] / denom
    return out


def test_bm25_matches_dense_reference():
    rng = np.random.default_rng(3)
    vocab = 40
    doc_terms = [rng.integers(0, vocab, size=rng.integers(1, 30)) for _ in range(60)]
    queries = [(rng.integers(0, vocab, size=5), rng.uniform(0.1, 2.0, size=5)) for _ in range(7)]
    indptr, docs, tfs = build_postings(doc_terms, vocab)
    doc_len = np.array([len(t) for t in doc_terms])
    for k1, b in [(0.9, 0.4), (1.2, 0.75), (2.0, 0.0)]:
        got = bm25_scores_many(queries, indptr, docs, tfs, length_norm(doc_len, b),
                               bm25_idf(np.diff(indptr), len(doc_terms)), k1)
        np.testing.assert_allclose(got, _dense_reference(doc_terms, vocab, queries, k1, b), rtol=1e-10)


def test_postings_are_csr_by_term():
    doc_terms = [np.array([2, 0, 2]), np.array([1]), np.array([2, 1])]
    indptr, docs, tfs = build_postings(doc_terms, 3)
    assert indptr.tolist() == [0, 1, 3, 5]
    assert docs.tolist() == [0, 1, 2, 0, 2]
    assert tfs.tolist() == [1, 1, 1, 2, 1]


def test_empty_query_list():
    indptr, docs, tfs = build_postings([np.array([0])], 1)
    assert bm25_scores_many([], indptr, docs, tfs, np.ones(1), np.ones(1), 0.9).shape == (0, 1)
