"""Numba kernels for BM25 over CSR postings (Lucene-style scoring).

score(d, q) = sum over query terms t of  w_t * idf_t * tf / (tf + k1 * (1 - b + b * len_d / avglen)),
idf_t = ln(1 + (N - df_t + 0.5) / (df_t + 0.5)). Many queries are scored in parallel.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _score_one(terms, weights, indptr, docs, tfs, norm, idf, k1, out):
    for j in range(terms.shape[0]):
        term = terms[j]
        scale = weights[j] * idf[term]
        for p in range(indptr[term], indptr[term + 1]):
            tf = tfs[p]
            doc = docs[p]
            out[doc] += scale * tf / (tf + k1 * norm[doc])


@numba.njit(cache=True, parallel=True)
def _score_many(q_indptr, q_terms, q_weights, indptr, docs, tfs, norm, idf, k1, out):
    for q in numba.prange(q_indptr.shape[0] - 1):
        lo = q_indptr[q]
        hi = q_indptr[q + 1]
        _score_one(q_terms[lo:hi], q_weights[lo:hi], indptr, docs, tfs, norm, idf, k1, out[q])


def length_norm(doc_len: np.ndarray, b: float) -> np.ndarray:
    """Per-document ``1 - b + b * len / avglen`` (float64).

    >>> length_norm(np.array([1, 3]), 0.5).tolist()
    [0.75, 1.25]
    """
    doc_len = np.asarray(doc_len, dtype=np.float64)
    avg = doc_len.mean() if doc_len.size else 1.0
    return 1.0 - b + b * doc_len / max(avg, 1e-12)


def bm25_idf(doc_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """Lucene's BM25 idf, always positive.

    >>> round(float(bm25_idf(np.array([1]), 10)[0]), 4)
    1.9924
    """
    df = np.asarray(doc_freq, dtype=np.float64)
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def bm25_scores_many(queries: list[tuple[np.ndarray, np.ndarray]], indptr: np.ndarray, docs: np.ndarray,
                     tfs: np.ndarray, norm: np.ndarray, idf: np.ndarray, k1: float) -> np.ndarray:
    """BM25 scores of every document for each (term ids, term weights) query: (n_queries, n_docs).

    >>> indptr = np.array([0, 2, 3]); docs = np.array([0, 1, 1]); tfs = np.array([1.0, 2.0, 1.0])
    >>> s = bm25_scores_many([(np.array([0]), np.array([1.0]))], indptr, docs, tfs,
    ...                      np.ones(2), bm25_idf(np.array([2, 1]), 2), 0.9)
    >>> bool(s[0, 1] > s[0, 0] > 0)
    True
    """
    n_docs = norm.shape[0]
    out = np.zeros((len(queries), n_docs), dtype=np.float64)
    if not queries:
        return out
    lengths = np.array([len(t) for t, _ in queries], dtype=np.int64)
    q_indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    q_terms = np.concatenate([np.asarray(t, dtype=np.int64) for t, _ in queries] + [np.zeros(0, np.int64)])
    q_weights = np.concatenate([np.asarray(w, dtype=np.float64) for _, w in queries] + [np.zeros(0)])
    # the index's own dtypes pass through without a copy (at 1M paragraphs a copy of the
    # postings costs more than the scoring itself)
    _score_many(q_indptr, q_terms, q_weights, indptr.astype(np.int64, copy=False),
                docs.astype(np.int32, copy=False), tfs.astype(np.float32, copy=False),
                norm.astype(np.float64, copy=False), idf.astype(np.float64, copy=False), float(k1), out)
    return out


def build_postings(doc_terms: list[np.ndarray], vocab_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR postings (indptr over terms, doc ids, term frequencies) from per-document term ids.

    >>> indptr, docs, tfs = build_postings([np.array([0, 0, 1]), np.array([1])], 2)
    >>> indptr.tolist(), docs.tolist(), tfs.tolist()
    ([0, 1, 3], [0, 0, 1], [2.0, 1.0, 1.0])
    """
    lengths = np.array([len(t) for t in doc_terms], dtype=np.int64)
    doc_indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    tokens = np.concatenate([np.asarray(t, dtype=np.int32) for t in doc_terms] + [np.zeros(0, np.int32)])
    return postings_from_tokens(tokens, doc_indptr, vocab_size)


def postings_from_tokens(tokens: np.ndarray, doc_indptr: np.ndarray,
                         vocab_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR postings from one flat array of term ids, document ``d`` owning
    ``tokens[doc_indptr[d]:doc_indptr[d + 1]]``: two counting passes, no sort, O(tokens).

    >>> indptr, docs, tfs = postings_from_tokens(np.array([2, 0, 2, 1]), np.array([0, 3, 4]), 3)
    >>> indptr.tolist(), docs.tolist(), tfs.tolist()
    ([0, 1, 2, 3], [0, 1, 0], [1.0, 1.0, 2.0])
    """
    tokens = np.ascontiguousarray(tokens, dtype=np.int32)
    doc_indptr = np.ascontiguousarray(doc_indptr, dtype=np.int64)
    if tokens.size and (int(tokens.min()) < 0 or int(tokens.max()) >= vocab_size):
        raise ValueError(f"term ids must lie in [0, {vocab_size})")
    return _postings_kernel(tokens, doc_indptr, int(vocab_size))


@numba.njit(cache=True)
def _postings_kernel(tokens, doc_indptr, vocab_size):
    last_doc = np.full(vocab_size, -1, np.int64)
    counts = np.zeros(vocab_size + 1, np.int64)
    for d in range(doc_indptr.shape[0] - 1):  # pass 1: document frequency of each term
        for p in range(doc_indptr[d], doc_indptr[d + 1]):
            term = tokens[p]
            if last_doc[term] != d:
                last_doc[term] = d
                counts[term + 1] += 1
    indptr = np.cumsum(counts)
    docs = np.empty(indptr[-1], np.int32)
    tfs = np.zeros(indptr[-1], np.float32)
    fill = indptr[:-1].copy()
    last_doc[:] = -1
    for d in range(doc_indptr.shape[0] - 1):  # pass 2: documents arrive in order, so each list is sorted
        for p in range(doc_indptr[d], doc_indptr[d + 1]):
            term = tokens[p]
            if last_doc[term] != d:
                last_doc[term] = d
                docs[fill[term]] = d
                fill[term] += 1
            tfs[fill[term] - 1] += 1.0
    return indptr, docs, tfs
