"""Numba kernels for neighbour lists: cell lists and an all-pairs fallback, skipping exclusions.

Lists are full (each pair appears for both atoms, for per-atom GPU threads) or half
(each pair once, for the CPU kernel with per-thread force buffers).
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


def max_displacement2(pos, ref):
    """Largest squared displacement of any atom since ``ref`` (for the Verlet-skin test)."""
    n = pos.shape[0]
    best = np.zeros(n)
    for i in numba.prange(n):
        dx = pos[i, 0] - ref[i, 0]
        dy = pos[i, 1] - ref[i, 1]
        dz = pos[i, 2] - ref[i, 2]
        best[i] = dx * dx + dy * dy + dz * dz
    return best.max()


all_pairs_list_parallel, all_pairs_list_serial = compile_variants(all_pairs_list, error_model="numpy")
cell_list_parallel, cell_list_serial = compile_variants(cell_list, error_model="numpy")
max_displacement2_parallel, max_displacement2_serial = compile_variants(
    max_displacement2, error_model="numpy"
)
