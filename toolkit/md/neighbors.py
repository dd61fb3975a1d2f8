"""Verlet neighbour lists with a skin: cell lists when the box allows, all pairs otherwise.

The list is rebuilt when any atom has moved more than half the skin, or the box changed.
"""

from __future__ import annotations

import math

import numpy as np

from mstool.toolkit.md.kernels import neighbors as kernels
from mstool.toolkit.md.kernels import pick


def exclusion_csr(n_atoms: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-atom sorted exclusion lists (both directions) as (start, flat) arrays.

    >>> start, flat = exclusion_csr(3, np.array([[0, 2]]))
    >>> start.tolist(), flat.tolist()
    ([0, 1, 1, 2], [2, 0])
    """
    both = np.vstack([pairs, pairs[:, ::-1]]) if len(pairs) else np.zeros((0, 2), np.int64)
    order = np.lexsort((both[:, 1], both[:, 0]))
    both = both[order]
    start = np.zeros(n_atoms + 1, dtype=np.int64)
    np.add.at(start, both[:, 0] + 1, 1)
    return np.cumsum(start), both[:, 1].astype(np.int64).copy()


def cell_offsets(reach: int, cell: np.ndarray, rlist: float) -> np.ndarray:
    """Cell steps within ``reach`` whose closest points lie within ``rlist`` (a rounded cube).

    >>> len(cell_offsets(1, np.ones(3), 1.0))
    27
    >>> len(cell_offsets(3, np.full(3, 1 / 3), 1.0)) < 7**3
    True
    """
    steps = np.arange(-reach, reach + 1)
    grid = np.array(np.meshgrid(steps, steps, steps, indexing="ij")).reshape(3, -1).T
    gap = np.maximum(np.abs(grid) - 1, 0) * cell
    keep = np.einsum("ij,ij->i", gap, gap) < rlist * rlist
    return np.ascontiguousarray(grid[keep], dtype=np.int64)


def half_shell(offsets: np.ndarray) -> np.ndarray:
    """The zero step and, of every pair of opposite steps, the lexicographically positive one.

    >>> half_shell(cell_offsets(1, np.ones(3), 1.0)).shape
    (14, 3)
    """
    positive = [tuple(o) >= (0, 0, 0) for o in offsets.tolist()]
    return np.ascontiguousarray(offsets[np.array(positive, dtype=bool)])


class NeighborList:
    """A full neighbour list within ``cutoff + skin``, rebuilt on demand.

    >>> pos = np.array([[0.0, 0, 0], [0.3, 0, 0], [2.0, 0, 0]])
    >>> nl = NeighborList(3, cutoff=1.0, skin=0.1, excluded=np.zeros((0, 2), np.int64))
    >>> table, counts = nl.get(pos, np.array([5.0, 5.0, 5.0]))
    >>> counts.tolist()
    [1, 1, 0]
    """

    def __init__(
        self, n_atoms: int, cutoff: float, skin: float, excluded: np.ndarray, half: bool = False
    ) -> None:
        self.n_atoms = n_atoms
        self.half = half
        self.cutoff = cutoff
        self.skin = skin
        self.excl_start, self.excl_list = exclusion_csr(n_atoms, excluded)
        self.capacity = 64
        self.table: np.ndarray | None = None
        self.counts: np.ndarray | None = None
        self.ref_positions: np.ndarray | None = None
        self.ref_box: np.ndarray | None = None
        self.builds = 0

    def needs_rebuild(self, positions: np.ndarray, box: np.ndarray | None) -> bool:
        if self.table is None or self.ref_positions is None:
            return True
        if box is not None and (self.ref_box is None or not np.array_equal(box, self.ref_box)):
            return True
        return kernels.max_displacement2_serial(positions, self.ref_positions) > (0.5 * self.skin) ** 2

    def build(self, positions: np.ndarray, box: np.ndarray | None) -> None:
        rlist = self.cutoff + self.skin
        periodic = box is not None
        box_arr = np.asarray(box, dtype=float) if periodic else np.ones(3)
        reach, ncell = 1, np.zeros(3, np.int64)
        if periodic:
            # Cells of rlist/reach, searched reach deep: the deepest that fits the box.
            for reach in (3, 2, 1):
                ncell = np.floor(box_arr * reach / rlist).astype(np.int64)
                if ncell.min() >= 2 * reach + 1:
                    break
        use_cells = periodic and ncell.min() >= 2 * reach + 1
        offsets = cell_offsets(reach, box_arr / np.maximum(ncell, 1), rlist) if use_cells else None
        if use_cells and self.half:
            offsets = half_shell(offsets)
        while True:
            if use_cells:
                table, counts = pick(kernels, "cell_list", self.n_atoms)(
                    positions,
                    box_arr,
                    rlist,
                    ncell,
                    offsets,
                    self.excl_start,
                    self.excl_list,
                    self.capacity,
                    self.half,
                )
            else:
                table, counts = pick(kernels, "all_pairs_list", self.n_atoms)(
                    positions,
                    box_arr,
                    periodic,
                    rlist,
                    self.excl_start,
                    self.excl_list,
                    self.capacity,
                    self.half,
                )
            most = int(counts.max()) if len(counts) else 0
            if most <= self.capacity:
                break
            self.capacity = int(math.ceil(most * 1.25)) + 8
        self.table, self.counts = table, counts
        self.ref_positions = positions.copy()
        self.ref_box = None if box is None else np.array(box, dtype=float)
        self.builds += 1

    def get(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The (table, counts) arrays, rebuilding first when needed."""
        if self.needs_rebuild(positions, box):
            self.build(positions, box)
        return self.table, self.counts
