"""Numba kernels for neighbour lists: cell lists and an all-pairs fallback, skipping exclusions.

Lists are full (each pair appears for both atoms, for per-atom GPU threads) or half
(each pair once, for the CPU kernel with per-thread force buffers).

The production builder is the column search (:func:`sort_into_columns` then
:func:`column_list`): atoms are binned into x-y columns and sorted by z inside each column,
so for every atom and nearby column the candidates within the list radius are one
contiguous z window, whose edges move a step or two from one atom to the next.
:func:`cell_list` (cubic cells) and :func:`all_pairs_list` remain as references and fallbacks.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants


@numba.njit(cache=True, error_model="numpy", inline="always")
def _is_excluded(excl_start, excl_list, i, j):
    for e in range(excl_start[i], excl_start[i + 1]):
        value = excl_list[e]
        if value == j:
            return True
        if value > j:
            return False
    return False


def all_pairs_list(pos, box, periodic, rlist, excl_start, excl_list, capacity, half=False):
    """Neighbours within ``rlist`` by checking every pair; returns (table, counts).

    With ``half`` only partners j > i are listed (each pair once)."""
    n = pos.shape[0]
    table = np.empty((n, capacity), dtype=np.int32)
    counts = np.zeros(n, dtype=np.int64)
    r2max = rlist * rlist
    for i in numba.prange(n):
        c = 0
        for j in range(i + 1 if half else 0, n):
            if j == i:
                continue
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            if periodic:
                dx -= box[0] * math.floor(dx / box[0] + 0.5)
                dy -= box[1] * math.floor(dy / box[1] + 0.5)
                dz -= box[2] * math.floor(dz / box[2] + 0.5)
            if dx * dx + dy * dy + dz * dz < r2max and not _is_excluded(excl_start, excl_list, i, j):
                if c < capacity:
                    table[i, c] = j
                c += 1
        counts[i] = c
    return table, counts


@numba.njit(cache=True, error_model="numpy")
def _bin_atoms(pos, box, ncell):
    n = pos.shape[0]
    cell_of = np.empty(n, dtype=np.int64)
    for i in range(n):
        idx = 0
        for d in range(3):
            f = pos[i, d] / box[d]
            f -= math.floor(f)
            c = int(f * ncell[d])
            if c >= ncell[d]:
                c = ncell[d] - 1
            idx = idx * ncell[d] + c
        cell_of[i] = idx
    total = ncell[0] * ncell[1] * ncell[2]
    start = np.zeros(total + 1, dtype=np.int64)
    for i in range(n):
        start[cell_of[i] + 1] += 1
    for c in range(total):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        order[fill[cell_of[i]]] = i
        fill[cell_of[i]] += 1
    return cell_of, start, order


def cell_list(pos, box, rlist, ncell, offsets, excl_start, excl_list, capacity, half=False):
    """Neighbours within ``rlist`` using cells at least ``rlist / reach`` wide.

    ``offsets`` (k, 3) are the neighbouring-cell steps to search (those whose nearest
    point is within ``rlist``; needs ``2 reach + 1`` cells per edge). With ``half`` each
    pair is listed once: pass one step of every +/- pair (see :func:`half_shell`), and
    within an atom's own cell only partners j > i are taken."""
    n = pos.shape[0]
    cell_of, start, order = _bin_atoms(pos, box, ncell)
    inv_box = 1.0 / box
    table = np.empty((n, capacity), dtype=np.int32)
    counts = np.zeros(n, dtype=np.int64)
    r2max = rlist * rlist
    for i in numba.prange(n):
        ci = cell_of[i]
        cz = ci % ncell[2]
        cy = (ci // ncell[2]) % ncell[1]
        cx = ci // (ncell[1] * ncell[2])
        c = 0
        for o in range(offsets.shape[0]):
            own_cell = offsets[o, 0] == 0 and offsets[o, 1] == 0 and offsets[o, 2] == 0
            nx = (cx + offsets[o, 0]) % ncell[0]
            ny = (cy + offsets[o, 1]) % ncell[1]
            nz = (cz + offsets[o, 2]) % ncell[2]
            cell = (nx * ncell[1] + ny) * ncell[2] + nz
            for s in range(start[cell], start[cell + 1]):
                j = order[s]
                if j == i or (half and own_cell and j < i):
                    continue
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                dz = pos[j, 2] - pos[i, 2]
                dx -= box[0] * math.floor(dx * inv_box[0] + 0.5)
                dy -= box[1] * math.floor(dy * inv_box[1] + 0.5)
                dz -= box[2] * math.floor(dz * inv_box[2] + 0.5)
                r2 = dx * dx + dy * dy + dz * dz
                if r2 < r2max and not _is_excluded(excl_start, excl_list, i, j):
                    if c < capacity:
                        table[i, c] = j
                    c += 1
        counts[i] = c
    return table, counts


@numba.njit(cache=True, error_model="numpy")
def sort_into_columns(pos, box, ncol, previous):
    """Bin atoms into ``ncol[0] x ncol[1]`` columns along x-y and sort each column by z.

    Atoms are visited in ``previous`` order (last build's), so columns come out nearly
    sorted and the insertion sort is close to linear. Returns (order, column start,
    column of each sorted atom, rank = sorted index of each atom, sorted wrapped x, y, z).
    """
    n = pos.shape[0]
    ncx, ncy = ncol[0], ncol[1]
    col_of = np.empty(n, dtype=np.int64)
    wrapped = np.empty((n, 3))
    for i in range(n):
        cell = 0
        for d in range(3):
            f = pos[i, d] / box[d]
            f -= math.floor(f)
            if f >= 1.0:
                f = 0.0
            wrapped[i, d] = f * box[d]
            if d < 2:
                c = min(int(f * ncol[d]), ncol[d] - 1)
                cell = cell * ncol[1] + c if d == 1 else c
        col_of[i] = cell
    start = np.zeros(ncx * ncy + 1, dtype=np.int64)
    for i in range(n):
        start[col_of[i] + 1] += 1
    for c in range(ncx * ncy):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for k in range(n):
        i = previous[k]
        order[fill[col_of[i]]] = i
        fill[col_of[i]] += 1
    for c in range(ncx * ncy):  # insertion sort of each column by z
        for s in range(start[c] + 1, start[c + 1]):
            atom = order[s]
            z = wrapped[atom, 2]
            t = s - 1
            while t >= start[c] and wrapped[order[t], 2] > z:
                order[t + 1] = order[t]
                t -= 1
            order[t + 1] = atom
    scol = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    sx, sy, sz = np.empty(n), np.empty(n), np.empty(n)
    for s in range(n):
        i = order[s]
        scol[s] = col_of[i]
        rank[i] = s
        sx[s] = wrapped[i, 0]
        sy[s] = wrapped[i, 1]
        sz[s] = wrapped[i, 2]
    return order, start, scol, rank, sx, sy, sz


@numba.njit(cache=True, error_model="numpy", inline="always")
def _first_at_least(sz, a, b, guess, value):
    """First index in [a, b] with sz >= value (sz sorted on [a, b), b if none), walking
    from ``guess``: the previous atom's answer, a step or two away."""
    t = guess
    while t < b and sz[t] < value:
        t += 1
    while t > a and sz[t - 1] >= value:
        t -= 1
    return t


@numba.njit(cache=True, error_model="numpy", inline="always")
def _scan(q0, q1, offset, p, i, xyz, order, mark, r2max, table, c):
    """Append to row ``i`` the sorted atoms q in [q0, q1) within the list radius and not
    excluded; ``offset`` is (image shift - atom ``p``'s position) per axis."""
    sx, sy, sz = xyz
    for q in range(q0, q1):
        dx = sx[q] + offset[0]
        dy = sy[q] + offset[1]
        dz = sz[q] + offset[2]
        # Branch-free: always store, advance only on a hit (half the candidates miss).
        if c < table.shape[1]:
            table[i, c] = order[q]
        c += (dx * dx + dy * dy + dz * dz < r2max) & (mark[q] != p)
    return c


@numba.njit(cache=True, error_model="numpy", inline="always")
def _wrap_column(u, ncol, edge):
    """(column index, periodic shift) of the possibly out-of-range column ``u``."""
    if u < 0:
        return u + ncol, -edge
    if u >= ncol:
        return u - ncol, edge
    return u, 0.0


@numba.njit(cache=True, error_model="numpy", inline="always")
def _atom_row(p, i, home, grid, steps, reach_z, edges, start, xyz, order, mark, r2max, half, table):
    """Fill row ``i`` (sorted atom ``p`` in column ``home``); returns its partner count.

    ``grid`` = (ncx, ncy, column width x, y, box x, y, z). ``edges[o]`` holds the window
    edges of step ``o`` for the previous atom of the column, walked from there."""
    ncx, ncy, wx, wy, bx, by, lz = grid
    cx = home // ncy
    cy = home - cx * ncy
    xi, yi, zi = xyz[0][p], xyz[1][p], xyz[2][p]
    sz = xyz[2]
    c = 0
    for o in range(steps.shape[0]):
        ux = cx + steps[o, 0]
        uy = cy + steps[o, 1]
        gx = max(0.0, ux * wx - xi, xi - (ux + 1) * wx)
        gy = max(0.0, uy * wy - yi, yi - (uy + 1) * wy)
        if gx * gx + gy * gy >= r2max:
            continue  # the whole column is out of reach of this atom
        dzw = reach_z[o]  # the column's z reach, not this atom's: keeps the edges monotone in z
        ux, shx = _wrap_column(ux, ncx, bx)
        uy, shy = _wrap_column(uy, ncy, by)
        a = start[ux * ncy + uy]
        b = start[ux * ncy + uy + 1]
        offset = (shx - xi, shy - yi, -zi)
        q1 = edges[o, 1] = _first_at_least(sz, a, b, edges[o, 1], zi + dzw)
        if half and steps[o, 0] == 0 and steps[o, 1] == 0:
            q0 = p + 1  # own column of a half list: partners above only
        else:
            q0 = edges[o, 0] = _first_at_least(sz, a, b, edges[o, 0], zi - dzw)
            if zi - dzw < 0.0:
                w0 = edges[o, 2] = _first_at_least(sz, a, b, edges[o, 2], zi - dzw + lz)
                below = (offset[0], offset[1], -lz - zi)
                c = _scan(w0, b, below, p, i, xyz, order, mark, r2max, table, c)
        c = _scan(q0, q1, offset, p, i, xyz, order, mark, r2max, table, c)
        if zi + dzw > lz:
            w1 = edges[o, 3] = _first_at_least(sz, a, b, edges[o, 3], zi + dzw - lz)
            above = (offset[0], offset[1], lz - zi)
            c = _scan(a, w1, above, p, i, xyz, order, mark, r2max, table, c)
    return c


def column_list(
    order,
    start,
    scol,
    rank,
    sx,
    sy,
    sz,
    box,
    ncol,
    steps,
    rlist,
    excl_start,
    excl_list,
    table,
    half,
    chunks,
    sorted_numbering=False,
):
    """Neighbours within ``rlist`` from columns sorted by :func:`sort_into_columns`; returns
    (table, counts), rows of ``table`` (n, capacity) filled in place (reused between builds).
    With ``sorted_numbering`` rows and partners are numbered in column order (row ``s`` is
    atom ``order[s]``), else by the atoms' own indices.

    ``steps`` (k, 2) are the column steps to search, each within ``2 reach + 1 <= ncol``;
    with ``half`` only one of each pair of opposite steps (see :func:`column_steps`) and, in
    an atom's own column, only partners above it in z (periodically), so each pair is
    listed once. Needs ``rlist`` below half of every box edge. Columns a whole list radius
    away in x-y from the atom are skipped; in the others the z window is
    ``+/- sqrt(rlist^2 - gap^2)``, wrapped through the periodic z boundary. Atoms of one
    column are visited in z order, so each window edge is walked from the previous atom's.
    """
    n = order.shape[0]
    ncx, ncy = ncol[0], ncol[1]
    grid = (ncx, ncy, box[0] / ncx, box[1] / ncy, box[0], box[1], box[2])
    r2max = rlist * rlist
    xyz = (sx, sy, sz)
    counts = np.zeros(n, dtype=np.int64)
    ids = np.arange(n) if sorted_numbering else order
    size = (ncx * ncy + chunks - 1) // chunks
    for k in numba.prange(chunks):
        mark = np.full(n, -1, dtype=np.int64)  # mark[q] == p: q is excluded from p's row
        edges = np.empty((steps.shape[0], 4), dtype=np.int64)
        reach_z = np.empty(steps.shape[0])
        for o in range(steps.shape[0]):
            gx = max(abs(steps[o, 0]) - 1, 0) * grid[2]
            gy = max(abs(steps[o, 1]) - 1, 0) * grid[3]
            reach_z[o] = math.sqrt(max(r2max - gx * gx - gy * gy, 0.0))
        for home in range(k * size, min(ncx * ncy, (k + 1) * size)):
            for o in range(steps.shape[0]):
                ux, _ = _wrap_column(home // ncy + steps[o, 0], ncx, box[0])
                uy, _ = _wrap_column(home % ncy + steps[o, 1], ncy, box[1])
                edges[o, :] = start[ux * ncy + uy]
            for p in range(start[home], start[home + 1]):
                i = order[p]
                for e in range(excl_start[i], excl_start[i + 1]):
                    mark[rank[excl_list[e]]] = p
                mark[p] = p
                row = p if sorted_numbering else i
                counts[row] = _atom_row(
                    p, row, home, grid, steps, reach_z, edges, start, xyz, ids, mark, r2max, half, table
                )
    return table, counts


@numba.njit(cache=True, error_model="numpy")
def two_largest_displacements(pos, ref):
    """The two largest distances any atoms moved since ``ref`` (for the Verlet-skin test):
    a pair came closer by at most their sum."""
    first = 0.0
    second = 0.0
    for i in range(pos.shape[0]):
        dx = pos[i, 0] - ref[i, 0]
        dy = pos[i, 1] - ref[i, 1]
        dz = pos[i, 2] - ref[i, 2]
        d2 = dx * dx + dy * dy + dz * dz
        if d2 > second:
            if d2 > first:
                second = first
                first = d2
            else:
                second = d2
    return math.sqrt(first), math.sqrt(second)


all_pairs_list_parallel, all_pairs_list_serial = compile_variants(all_pairs_list, error_model="numpy")
cell_list_parallel, cell_list_serial = compile_variants(cell_list, error_model="numpy")
column_list_parallel, column_list_serial = compile_variants(column_list, error_model="numpy")
