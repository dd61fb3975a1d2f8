"""Approximate nearest-neighbour search over the dense paragraph vectors (``qa index --ann``).

An inverted file over int8 codes (faiss ``IndexIVFScalarQuantizer``, 8-bit) proposes
candidates from the ``probe`` lists nearest a query; the float vectors then re-score them,
so every returned score is exact and, probing every list, so is the result. The artifact
keeps the structure as plain arrays (list centroids, the int8 ranges, each vector's list),
checked like any other array before faiss sees them; the index is rebuilt from them on load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mstool.toolkit.extras import require

SAMPLE_PER_LIST = 50  # k-means training points per list (faiss warns below 39)
REFINE = 4  # int8 scores pick REFINE * k candidates; their float scores pick the k


def default_lists(n_vectors: int) -> int:
    """Inverted lists for ``n_vectors``: about sqrt(n), with >= 39 training points each.

    >>> default_lists(10), default_lists(100_000), default_lists(1_000_000)
    (1, 316, 1000)
    """
    return max(1, min(int(round(np.sqrt(n_vectors))), n_vectors // 39))


def _faiss():
    require("faiss", extra="qa", what="approximate search (--ann)")
    import faiss

    return faiss


@dataclass
class AnnIndex:
    """An IVF-SQ8 index over ``vectors`` (held by reference, float32, one row per paragraph).

    >>> rng = np.random.default_rng(0)
    >>> vecs = rng.normal(size=(400, 8)).astype(np.float32)
    >>> vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    >>> ann = build_ann(vecs, lists=4)
    >>> ids, scores = ann.search(vecs[:2], k=3, probe=4)
    >>> ids[:, 0].tolist(), bool(np.allclose(scores, np.sort(vecs[:2] @ vecs.T, axis=1)[:, ::-1][:, :3]))
    ([0, 1], True)
    """

    vectors: np.ndarray
    centroids: np.ndarray
    sq_ranges: np.ndarray
    assignment: np.ndarray
    _ivf: Any = None

    @property
    def lists(self) -> int:
        return int(self.centroids.shape[0])

    def _index(self):
        if self._ivf is None:
            faiss = _faiss()
            n, dim = self.vectors.shape
            quantizer = faiss.IndexFlatIP(dim)
            quantizer.add(np.ascontiguousarray(self.centroids, dtype=np.float32))
            ivf = faiss.IndexIVFScalarQuantizer(quantizer, dim, self.lists, faiss.ScalarQuantizer.QT_8bit,
                                                faiss.METRIC_INNER_PRODUCT)
            faiss.copy_array_to_vector(np.ascontiguousarray(self.sq_ranges, dtype=np.float32), ivf.sq.trained)
            ivf.is_trained = True
            vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
            lists = np.ascontiguousarray(self.assignment, dtype=np.int64)
            ivf.add_core(n, faiss.swig_ptr(vectors), None, faiss.swig_ptr(lists))
            self._ivf = (ivf, quantizer)  # the quantizer must outlive the index that points to it
        return self._ivf[0]

    def search(self, queries: np.ndarray, k: int, probe: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best paragraphs per query row, best first, with exact inner products.

        The int8 codes rank ``REFINE * k`` candidates of the probed lists, the float vectors
        re-score them. Rows with fewer than ``k`` candidates are padded with id -1 and score -inf.
        """
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        ivf = self._index()
        ivf.nprobe = max(1, min(int(probe), self.lists))
        k = max(1, min(int(k), self.vectors.shape[0]))
        _, ids = ivf.search(queries, min(REFINE * k, self.vectors.shape[0]))
        scores = np.full(ids.shape, -np.inf, dtype=np.float64)
        for row, (query, found) in enumerate(zip(queries, ids, strict=True)):
            valid = found >= 0
            scores[row, valid] = self.vectors[found[valid]] @ query
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(ids, order, axis=1), np.take_along_axis(scores, order, axis=1)


def build_ann(vectors: np.ndarray, lists: int | None = None, seed: int = 0) -> AnnIndex:
    """Train the list centroids (k-means on a sample) and the int8 ranges, and assign every vector.

    >>> ann = build_ann(np.eye(4, dtype=np.float32).repeat(20, axis=0), lists=2)
    >>> ann.lists, ann.assignment.shape
    (2, (80,))
    """
    faiss = _faiss()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    lists = int(lists or default_lists(n))
    if not 1 <= lists <= n:
        raise ValueError(f"lists must be in [1, {n}], not {lists}")
    rng = np.random.default_rng(seed)
    sample = vectors[np.sort(rng.choice(n, min(n, SAMPLE_PER_LIST * lists), replace=False))]
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, lists, faiss.ScalarQuantizer.QT_8bit,
                                        faiss.METRIC_INNER_PRODUCT)
    ivf.cp.seed = seed
    ivf.cp.max_points_per_centroid = SAMPLE_PER_LIST
    ivf.cp.min_points_per_centroid = 1  # a small corpus gets one list; no warning about it
    ivf.train(sample)
    _, assignment = ivf.quantizer.search(vectors, 1)
    return AnnIndex(vectors, ivf.quantizer.reconstruct_n(0, lists), faiss.vector_to_array(ivf.sq.trained),
                    assignment.ravel().astype(np.int32))
