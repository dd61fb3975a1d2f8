"""Numba kernels for triclinic cells (truncated octahedra, crystal cells): minimum image with
reduced box vectors, a cell list in fractional coordinates and the LJ + Coulomb pair sum.

Orthorhombic boxes keep their own faster kernels; these run only when the box has angles.
``box`` is (3, 3) with rows a, b, c in reduced form; ``recip`` is its inverse.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants
from mstool.toolkit.md.kernels.neighbors import _is_excluded
from mstool.toolkit.md.kernels.nonbonded import _pair_terms


@numba.njit(cache=True, error_model="numpy", inline="always")
def min_image(dx, dy, dz, box):
    """Subtract c, then b, then a: the nearest image below half of min(a_x, b_y, c_z)."""
    n = math.floor(dz / box[2, 2] + 0.5)
    dx -= n * box[2, 0]
    dy -= n * box[2, 1]
    dz -= n * box[2, 2]
    n = math.floor(dy / box[1, 1] + 0.5)
    dx -= n * box[1, 0]
    dy -= n * box[1, 1]
    n = math.floor(dx / box[0, 0] + 0.5)
    dx -= n * box[0, 0]
    return dx, dy, dz


@numba.njit(cache=True, error_model="numpy", inline="always")
def _nearest_r2(dx, dy, dz, box):
    """Squared distance to the nearest of the 27 images around the reduced one (list building
    beyond half the box width, where the reduced image may not be the nearest)."""
    best = 1e300
    for u in range(-1, 2):
        for v in range(-1, 2):
            for w in range(-1, 2):
                x = dx + u * box[0, 0] + v * box[1, 0] + w * box[2, 0]
                y = dy + v * box[1, 1] + w * box[2, 1]
                z = dz + w * box[2, 2]
                r2 = x * x + y * y + z * z
                if r2 < best:
                    best = r2
    return best


@numba.njit(cache=True, error_model="numpy")
def _bin_fractional(pos, recip, ncell):
    n = pos.shape[0]
    cell_of = np.empty(n, dtype=np.int64)
    for i in range(n):
        idx = 0
        for d in range(3):
            f = pos[i, 0] * recip[0, d] + pos[i, 1] * recip[1, d] + pos[i, 2] * recip[2, d]
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


def cell_list(pos, box, recip, rlist, ncell, offsets, excl_start, excl_list, capacity):
    """Full neighbour list within ``rlist``: cells in fractional coordinates at least ``rlist``
    high, so every partner lies in one of the ``offsets`` cells (27, or fewer distinct ones
    when an edge has under 3 cells)."""
    n = pos.shape[0]
    cell_of, start, order = _bin_fractional(pos, recip, ncell)
    table = np.empty((n, capacity), dtype=np.int32)
    counts = np.zeros(n, dtype=np.int64)
    r2max = rlist * rlist
    half_width = 0.5 * min(box[0, 0], box[1, 1], box[2, 2])
    exact2 = half_width * half_width
    for i in numba.prange(n):
        ci = cell_of[i]
        cz = ci % ncell[2]
        cy = (ci // ncell[2]) % ncell[1]
        cx = ci // (ncell[1] * ncell[2])
        c = 0
        for o in range(offsets.shape[0]):
            nx = (cx + offsets[o, 0]) % ncell[0]
            ny = (cy + offsets[o, 1]) % ncell[1]
            nz = (cz + offsets[o, 2]) % ncell[2]
            cell = (nx * ncell[1] + ny) * ncell[2] + nz
            for s in range(start[cell], start[cell + 1]):
                j = order[s]
                if j == i:
                    continue
                dx, dy, dz = min_image(
                    pos[j, 0] - pos[i, 0], pos[j, 1] - pos[i, 1], pos[j, 2] - pos[i, 2], box
                )
                r2 = dx * dx + dy * dy + dz * dz
                if r2 >= exact2 and r2 >= r2max:
                    r2 = _nearest_r2(dx, dy, dz, box)
                if r2 < r2max and not _is_excluded(excl_start, excl_list, i, j):
                    if c < capacity:
                        table[i, c] = j
                    c += 1
        counts[i] = c
    return table, counts


def pair_forces(
    pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, table_g, table_dg, forces
):
    """The full-list pair sum of :func:`kernels.nonbonded.pair_forces` with the triclinic
    minimum image; sets ``forces`` and returns (Coulomb energy, LJ energy)."""
    n = pos.shape[0]
    rcut = params[0]
    mode = int(params[1])
    k_rf, c_rf, rswitch, kc, inv_h = params[3], params[4], params[5], params[6], params[7]
    rc2 = rcut * rcut
    use_switch = rswitch > 0.0 and rswitch < rcut
    e_coul = np.zeros(n)
    e_lj = np.zeros(n)
    for i in numba.prange(n):
        fx = 0.0
        fy = 0.0
        fz = 0.0
        ec = 0.0
        el = 0.0
        qi = charges[i] * kc
        ti = types[i]
        for s in range(counts[i]):
            j = table[i, s]
            dx, dy, dz = min_image(pos[i, 0] - pos[j, 0], pos[i, 1] - pos[j, 1], pos[i, 2] - pos[j, 2], box)
            r2 = dx * dx + dy * dy + dz * dz
            if r2 >= rc2:
                continue
            tj = types[j]
            e, elj, f_over_r = _pair_terms(
                r2,
                qi * charges[j],
                lj_a[ti, tj],
                lj_b[ti, tj],
                mode,
                table_g,
                table_dg,
                inv_h,
                k_rf,
                c_rf,
                use_switch,
                rswitch,
                rcut,
            )
            ec += e
            el += elj
            fx += f_over_r * dx
            fy += f_over_r * dy
            fz += f_over_r * dz
        forces[i, 0] = fx
        forces[i, 1] = fy
        forces[i, 2] = fz
        e_coul[i] = 0.5 * ec
        e_lj[i] = 0.5 * el
    return e_coul.sum(), e_lj.sum()


cell_list_parallel, cell_list_serial = compile_variants(cell_list, error_model="numpy")
pair_forces_parallel, pair_forces_serial = compile_variants(pair_forces, error_model="numpy", fastmath=True)
