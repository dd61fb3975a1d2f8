"""Verlet neighbour lists with a skin: cell lists when the box allows, all pairs otherwise.

The list is rebuilt when the box changed or when the two atoms that moved furthest since the
last build moved more than the skin together: no pair can have come closer by more.
"""

from __future__ import annotations

import functools
import itertools
import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import neighbors as kernels
from mstool.toolkit.md.kernels import pick
from mstool.toolkit.md.kernels import triclinic as triclinic_kernels


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


def column_steps(reach: int, width: np.ndarray, rlist: float, half: bool) -> np.ndarray:
    """x-y column steps within ``reach`` whose closest points lie within ``rlist``.

    With ``half`` only the zero step and the lexicographically positive one of each +/- pair.

    >>> len(column_steps(1, np.ones(2), 1.0, False)), len(column_steps(1, np.ones(2), 1.0, True))
    (9, 5)
    >>> len(column_steps(3, np.full(2, 0.4), 1.2, True))
    25
    """
    steps = np.arange(-reach, reach + 1)
    grid = np.array(np.meshgrid(steps, steps, indexing="ij")).reshape(2, -1).T
    gap = np.maximum(np.abs(grid) - 1, 0) * width
    keep = np.einsum("ij,ij->i", gap, gap) < rlist * rlist
    if half:
        keep &= (grid[:, 0] > 0) | ((grid[:, 0] == 0) & (grid[:, 1] >= 0))
    return np.ascontiguousarray(grid[keep], dtype=np.int64)


def column_grid(box: np.ndarray, rlist: float) -> tuple[int, np.ndarray] | None:
    """(reach, columns along x and y) for the column search, or None when the box is too small.

    Columns are at least ``rlist / reach`` wide and searched ``reach`` deep, with
    ``2 reach + 1`` columns per edge at least: reach 3 (measured fastest), deeper in boxes
    only a little over two list radii wide; z needs ``rlist`` below half its edge.

    >>> column_grid(np.array([3.2852863, 3.2861648, 3.1855098]), 1.2)
    (3, array([8, 8]))
    >>> column_grid(np.array([2.7, 2.7, 2.7]), 1.2)
    (4, array([9, 9]))
    >>> column_grid(np.array([2.0, 2.0, 2.0]), 1.2) is None
    True
    """
    if 2.0 * rlist >= float(np.min(box)):
        return None
    for reach in range(3, 9):
        ncol = np.floor(box[:2] * reach / rlist).astype(np.int64)
        if ncol.min() >= 2 * reach + 1:
            return reach, ncol
    return None


@functools.lru_cache(maxsize=8)
def _cell_offsets(cell_vectors: tuple, rlist: float, reach: int) -> np.ndarray:
    """Cell steps u in [-reach, reach]^3 whose two cells can hold points closer than ``rlist``:
    the shortest (u + t) C with t in [-1, 1]^3 (a bounded least-squares problem) is below it."""
    from scipy.optimize import lsq_linear

    c = np.array(cell_vectors).reshape(3, 3)
    kept = []
    for u in itertools.product(range(-reach, reach + 1), repeat=3):
        shift = np.asarray(u, dtype=float) @ c
        if np.linalg.norm(shift) < rlist or lsq_linear(c.T, -shift, bounds=(-1.0, 1.0)).cost * 2.0 < rlist**2:
            kept.append(u)
    return np.array(kept, dtype=np.int64)


def triclinic_search(box: np.ndarray, rlist: float) -> tuple[np.ndarray, np.ndarray, bool]:
    """(cells per edge, cell steps to search, whether opposite steps reach distinct cells) for a
    triclinic cell list.

    Cells are at least ``rlist / 3`` high (``rlist / 2`` in smaller boxes) and the steps pruned
    to those that can reach within ``rlist``; a box with under 5 cells on an edge gets cells
    ``rlist`` high and every distinct step (its +/- steps may meet in one cell, so a half list
    there filters by atom index instead of by step). The pruning is done once per 2 % band of box
    scale, on the smallest box of the band, so it stays valid while a barostat rescales.

    >>> ncell, steps, distinct = triclinic_search(np.diag([4.0, 4.0, 4.0]), 1.0)
    >>> ncell.tolist(), len(steps), distinct
    ([12, 12, 12], 335, True)
    """
    heights = 1.0 / np.linalg.norm(np.linalg.inv(box), axis=0)  # plane spacing along each edge
    for reach in (3, 2):
        ncell = np.floor(heights * reach / rlist).astype(np.int64)
        if ncell.min() >= 2 * reach + 1:
            band = math.floor(math.log(box[0][0] / rlist) / math.log(1.02))
            smallest = np.asarray(box) * (rlist * 1.02**band / box[0][0])
            cells = np.round(smallest / ncell[:, None], 12)
            return ncell, _cell_offsets(tuple(cells.ravel().tolist()), float(rlist), reach), True
    ncell = np.maximum(1, np.floor(heights / rlist)).astype(np.int64)
    steps = [(-1, 0, 1) if k >= 3 else tuple(range(k)) for k in ncell]
    return ncell, np.array(list(itertools.product(*steps)), dtype=np.int64), False


class NeighborList:
    """A full neighbour list within ``cutoff + skin``, rebuilt on demand.

    >>> pos = np.array([[0.0, 0, 0], [0.3, 0, 0], [2.0, 0, 0]])
    >>> nl = NeighborList(3, cutoff=1.0, skin=0.1, excluded=np.zeros((0, 2), np.int64))
    >>> table, counts = nl.get(pos, np.array([5.0, 5.0, 5.0]))
    >>> counts.tolist()
    [1, 1, 0]
    """

    def __init__(
        self,
        n_atoms: int,
        cutoff: float,
        skin: float,
        excluded: np.ndarray,
        half: bool = False,
        sorted_numbering: bool = False,
    ) -> None:
        self.n_atoms = n_atoms
        self.half = half
        # With ``sorted_numbering`` a column-search table numbers atoms in column order: row and
        # partner s are atom ``numbering[s]`` (for kernels that gain from spatial locality).
        self.sorted_numbering = sorted_numbering
        self.numbering = np.arange(n_atoms, dtype=np.int64)
        self.cutoff = cutoff
        self.skin = skin
        self.excl_start, self.excl_list = exclusion_csr(n_atoms, excluded)
        self.capacity = 64
        self.table: np.ndarray | None = None
        self.counts: np.ndarray | None = None
        self.ref_positions: np.ndarray | None = None
        self.ref_box: np.ndarray | None = None
        self.builds = 0
        self.order: np.ndarray | None = None  # atoms in column order at the last build

    def needs_rebuild(self, positions: np.ndarray, box: np.ndarray | None) -> bool:
        if self.table is None or self.ref_positions is None:
            return True
        if box is not None and (self.ref_box is None or not np.array_equal(box, self.ref_box)):
            return True
        first, second = kernels.two_largest_displacements(positions, self.ref_positions)
        return first + second > self.skin

    def _build_triclinic(self, positions: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """List in a triclinic cell: cells in fractional coordinates, searched over the
        neighbouring cells that can hold a partner within ``rlist`` (one of each +/- pair of
        steps for a half list)."""
        rlist = self.cutoff + self.skin
        box = np.ascontiguousarray(box, dtype=float)
        recip = np.ascontiguousarray(np.linalg.inv(box))
        ncell, offsets, distinct_steps = triclinic_search(box, rlist)
        kind = triclinic_kernels.FULL
        if self.half:
            kind = triclinic_kernels.HALF_SHELL if distinct_steps else triclinic_kernels.HALF_ALL
            offsets = half_shell(offsets) if distinct_steps else offsets
        # Runs of neighbouring cells: 50 -> 22 ms CPU per build on trpzip2_truncoct (5,827 atoms).
        if kind == triclinic_kernels.HALF_SHELL:
            build = pick(triclinic_kernels, "half_shell_list", self.n_atoms)
            chunks = 4 * numba.get_num_threads() if build is triclinic_kernels.half_shell_list_parallel else 1
            search = (triclinic_kernels.z_runs(offsets), self.excl_start, self.excl_list)
            extra = (chunks,)
        else:
            build = pick(triclinic_kernels, "cell_list", self.n_atoms)
            search = (offsets, self.excl_start, self.excl_list)
            extra = (kind, distinct_steps)
        while True:
            table, counts = build(positions, box, recip, rlist, ncell, *search, self._table_buffer(), *extra)
            if not len(counts) or int(counts.max()) <= self.capacity:
                return table, counts
            self.capacity = int(math.ceil(int(counts.max()) * 1.25)) + 8

    def build(self, positions: np.ndarray, box: np.ndarray | None) -> None:
        rlist = self.cutoff + self.skin
        periodic = box is not None
        if periodic and np.ndim(box) == 2:
            self.table, self.counts = self._build_triclinic(positions, box)
            self.ref_positions = positions.copy()
            self.ref_box = np.array(box, dtype=float)
            self.builds += 1
            return
        box_arr = np.asarray(box, dtype=float) if periodic else np.ones(3)
        columns = column_grid(box_arr, rlist) if periodic else None
        if columns is not None:
            reach, ncol = columns
            steps = column_steps(reach, box_arr[:2] / ncol, rlist, self.half)
            if self.order is None:
                self.order = np.arange(self.n_atoms, dtype=np.int64)
            sorted_atoms = kernels.sort_into_columns(positions, box_arr, ncol, self.order)
            self.order = sorted_atoms[0]
            column_list = pick(kernels, "column_list", self.n_atoms)
            chunks = 4 * numba.get_num_threads() if column_list is kernels.column_list_parallel else 1
        while True:
            if columns is not None:
                table, counts = column_list(
                    *sorted_atoms,
                    box_arr,
                    ncol,
                    steps,
                    rlist,
                    self.excl_start,
                    self.excl_list,
                    self._table_buffer(),
                    self.half,
                    chunks,
                    self.sorted_numbering,
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
        sorted_table = columns is not None and self.sorted_numbering
        self.numbering = self.order if sorted_table else np.arange(self.n_atoms, dtype=np.int64)
        self.ref_positions = positions.copy()
        self.ref_box = None if box is None else np.array(box, dtype=float)
        self.builds += 1

    def _table_buffer(self) -> np.ndarray:
        """The previous table when its shape still fits: refilling it avoids the page faults
        of a fresh array (tens of MB for 20,000 atoms) on every build."""
        if self.table is None or self.table.shape != (self.n_atoms, self.capacity):
            return np.empty((self.n_atoms, self.capacity), dtype=np.int32)
        return self.table

    def get(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The (table, counts) arrays, rebuilding first when needed (atoms numbered by
        :attr:`numbering`)."""
        if self.needs_rebuild(positions, box):
            self.build(positions, box)
        return self.table, self.counts
