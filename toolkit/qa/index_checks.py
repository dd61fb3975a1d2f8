"""Consistency checks of a ``qa-index`` read from disk, before any kernel indexes its arrays.

The BM25, dense and graph kernels trust their offsets and ids; a crafted or damaged file must
fail here with one ``InputError`` line, not read out of bounds.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError


def check_offsets(name: str, indptr: np.ndarray, count: int, total: int, where: str) -> None:
    """``indptr`` is a CSR offset array of ``count + 1`` ints from 0 to ``total``, never falling.

    >>> check_offsets("graph/indptr", np.array([0, 2, 3]), 2, 3, "x.h5")
    >>> check_offsets("graph/indptr", np.array([0, 4, 3]), 2, 3, "x.h5")
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: x.h5: graph/indptr must rise from 0 to 3 in 3 steps
    """
    ok = (indptr.ndim == 1 and indptr.dtype.kind in "iu" and len(indptr) == count + 1
          and (count < 0 or (indptr[0] == 0 and indptr[-1] == total and bool(np.all(np.diff(indptr) >= 0)))))
    if not ok:
        raise InputError(f"{name} must rise from 0 to {total} in {count + 1} steps", where=where)


def check_ids(name: str, ids: np.ndarray, upper: int, where: str) -> None:
    """Every entry of ``ids`` is an integer in ``[0, upper)``.

    >>> check_ids("bm25/doc", np.array([0, 1]), 1, "x.h5")
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: x.h5: bm25/doc holds ids outside [0, 1)
    """
    if ids.ndim != 1 or ids.dtype.kind not in "iu":
        raise InputError(f"{name} must be a 1-D integer array", where=where)
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= upper):
        raise InputError(f"{name} holds ids outside [0, {upper})", where=where)


def check_values(name: str, values: np.ndarray, shape: tuple[int | None, ...], where: str) -> None:
    """``values`` is an array of finite numbers of ``shape`` (None: any size on that axis).

    >>> check_values("bm25/doc_len", np.array([1.0, np.nan]), (2,), "x.h5")
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: x.h5: bm25/doc_len must be finite numbers of shape (2,)
    """
    fits = values.ndim == len(shape) and all(
        want is None or want == got for want, got in zip(shape, values.shape, strict=True))
    if not fits or values.dtype.kind not in "iuf" or not bool(np.all(np.isfinite(values))):
        raise InputError(f"{name} must be finite numbers of shape {shape}", where=where)


def check_index_arrays(arrays: dict, where: str) -> None:
    """Check every array a :class:`QAIndex` is built from against the others' sizes."""
    n = len(arrays["titles"])
    check_offsets("sentences/indptr", arrays["sent_indptr"], n, len(arrays["sentences"]), where)
    postings = len(arrays["postings_doc"])
    check_offsets("bm25/indptr", arrays["postings_indptr"], len(arrays["vocab"]), postings, where)
    check_ids("bm25/doc", arrays["postings_doc"], n, where)
    check_values("bm25/tf", arrays["postings_tf"], (postings,), where)
    check_values("bm25/doc_len", arrays["doc_len"], (n,), where)
    if np.any(arrays["postings_tf"] < 0) or np.any(arrays["doc_len"] < 0):
        raise InputError("bm25/tf and bm25/doc_len must not be negative", where=where)
    check_values("dense/embeddings", arrays["embeddings"], (n, None), where)
    check_offsets("graph/indptr", arrays["link_indptr"], n, len(arrays["link_targets"]), where)
    check_ids("graph/targets", arrays["link_targets"], n, where)
    for name in ("links_explicit", "doc_ids", "urls", "doc_fields"):
        if len(arrays[name]) not in (0, n):
            raise InputError(f"{name} has {len(arrays[name])} entries for {n} paragraphs", where=where)


def check_ann_arrays(ann: dict, embeddings: np.ndarray, where: str) -> None:
    """The approximate-search arrays (``dense/ann``) fit the vectors they index.

    >>> emb = np.zeros((3, 2), np.float32)
    >>> check_ann_arrays({"centroids": np.zeros((1, 2)), "sq_ranges": np.zeros(4),
    ...                   "assignment": np.array([0, 0, 1])}, emb, "x.h5")
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: x.h5: dense/ann/assignment holds ids outside [0, 1)
    """
    n, dim = embeddings.shape
    check_values("dense/ann/centroids", ann["centroids"], (None, dim), where)
    lists = ann["centroids"].shape[0]
    if not 1 <= lists <= max(n, 1):
        raise InputError(f"dense/ann/centroids has {lists} lists for {n} vectors", where=where)
    check_values("dense/ann/sq_ranges", ann["sq_ranges"], (2 * dim,), where)
    check_ids("dense/ann/assignment", ann["assignment"], lists, where)
    if ann["assignment"].shape != (n,):
        raise InputError(f"dense/ann/assignment must have {n} entries", where=where)
