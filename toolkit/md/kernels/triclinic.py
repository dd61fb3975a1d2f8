"""Numba kernels for triclinic cells (truncated octahedra, crystal cells): minimum image with
reduced box vectors, a cell list in fractional coordinates and the half-list LJ + Coulomb
pair sum.

Orthorhombic boxes keep their own faster kernels; these run only when the box has angles.
``box`` is (3, 3) with rows a, b, c in reduced form; ``recip`` is its inverse.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants
from mstool.toolkit.md.kernels.neighbors import _is_excluded
from mstool.toolkit.md.kernels.nonbonded import balanced_rows, lj_types_present, near_pair_forces, row_scratch
from mstool.toolkit.md.kernels.pairs import COULOMB_CONSTANT
from mstool.toolkit.md.kernels.pairs import triclinic_image as min_image

__all__ = ["min_image", "cell_list", "half_shell_list", "z_runs", "pair_forces_half"]


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
def _bin_fractional(pos, box, recip, ncell):
    """(cell of each atom, cell start, atoms in cell order, positions moved into the cell in
    cell order (3, n))."""
    n = pos.shape[0]
    cell_of = np.empty(n, dtype=np.int64)
    inside = np.empty((n, 3))
    for i in range(n):
        idx = 0
        for d in range(3):
            f = pos[i, 0] * recip[0, d] + pos[i, 1] * recip[1, d] + pos[i, 2] * recip[2, d]
            f -= math.floor(f)
            c = int(f * ncell[d])
            if c >= ncell[d]:
                c = ncell[d] - 1
            idx = idx * ncell[d] + c
            if d == 0:
                inside[i, 0] = f * box[0, 0]
                inside[i, 1] = f * box[0, 1]
                inside[i, 2] = f * box[0, 2]
            else:
                inside[i, 0] += f * box[d, 0]
                inside[i, 1] += f * box[d, 1]
                inside[i, 2] += f * box[d, 2]
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
    sorted_inside = np.empty((3, n))
    for s in range(n):
        for k in range(3):
            sorted_inside[k, s] = inside[order[s], k]
    return cell_of, start, order, sorted_inside


FULL, HALF_SHELL, HALF_ALL = 0, 1, 2  # list kinds of :func:`cell_list`


def cell_list(pos, box, recip, rlist, ncell, offsets, excl_start, excl_list, table, half, fixed_images):
    """Neighbours within ``rlist`` from a cell list in fractional coordinates; rows of ``table``
    (n, capacity) are filled in place, returns (table, counts).

    Every partner lies in one of the ``offsets`` cells. ``half``: FULL lists each pair for both
    atoms; HALF_SHELL (``offsets`` one of each +/- pair of steps, distinct cells) lists it once,
    in the own cell only partners j > i; HALF_ALL (``offsets`` every distinct cell) takes
    j > i everywhere. The reduced-vector image is the nearest one below half the smallest
    width, so the 27 images around it are tried only when ``rlist`` reaches beyond that.
    With ``fixed_images`` (every step reaches a distinct cell, cells at least ``rlist / 3``
    high: one image of a partner within reach) each step's lattice shift is taken from the
    cell wrap, and no image search is done per candidate."""
    n = pos.shape[0]
    capacity = table.shape[1]
    cell_of, start, order, inside = _bin_fractional(pos, box, recip, ncell)
    rank = np.empty(n, dtype=np.int64)
    for s in range(n):
        rank[order[s]] = s
    counts = np.zeros(n, dtype=np.int64)
    r2max = rlist * rlist
    half_width = 0.5 * min(box[0, 0], box[1, 1], box[2, 2])
    beyond_half_width = r2max > half_width * half_width
    for i in numba.prange(n):
        ci = cell_of[i]
        cz = ci % ncell[2]
        cy = (ci // ncell[2]) % ncell[1]
        cx = ci // (ncell[1] * ncell[2])
        xi = inside[0, rank[i]]
        yi = inside[1, rank[i]]
        zi = inside[2, rank[i]]
        c = 0
        for o in range(offsets.shape[0]):
            own_cell = offsets[o, 0] == 0 and offsets[o, 1] == 0 and offsets[o, 2] == 0
            upper_only = half == HALF_ALL or (half == HALF_SHELL and own_cell)
            ux, uy, uz = cx + offsets[o, 0], cy + offsets[o, 1], cz + offsets[o, 2]
            nx = ux % ncell[0]
            ny = uy % ncell[1]
            nz = uz % ncell[2]
            cell = (nx * ncell[1] + ny) * ncell[2] + nz
            # Lattice shift of the searched cell's image (distinct steps: the image is fixed).
            wa, wb, wc = (ux - nx) // ncell[0], (uy - ny) // ncell[1], (uz - nz) // ncell[2]
            ox = wa * box[0, 0] + wb * box[1, 0] + wc * box[2, 0] - xi
            oy = wb * box[1, 1] + wc * box[2, 1] - yi
            oz = wc * box[2, 2] - zi
            for s in range(start[cell], start[cell + 1]):
                j = order[s]
                if j == i or (upper_only and j < i):
                    continue
                if fixed_images:
                    dx, dy, dz = inside[0, s] + ox, inside[1, s] + oy, inside[2, s] + oz
                    r2 = dx * dx + dy * dy + dz * dz
                else:
                    dx, dy, dz = min_image(inside[0, s] - xi, inside[1, s] - yi, inside[2, s] - zi, box)
                    r2 = dx * dx + dy * dy + dz * dz
                    if beyond_half_width and r2 >= r2max:
                        r2 = _nearest_r2(dx, dy, dz, box)
                if r2 < r2max and not _is_excluded(excl_start, excl_list, i, j):
                    if c < capacity:
                        table[i, c] = j
                    c += 1
        counts[i] = c
    return table, counts


def z_runs(offsets):
    """Cell steps grouped into runs (a, b, c_first, c_last) of consecutive c steps: the cells of a
    run that does not wrap lie next to each other in cell order, so one run is one contiguous
    stretch of binned atoms (see :func:`half_shell_list`).

    >>> z_runs(np.array([[0, 0, 0], [0, 0, 1], [0, 1, -1], [0, 1, 0], [0, 1, 2]])).tolist()
    [[0, 0, 0, 1], [0, 1, -1, 0], [0, 1, 2, 2]]
    """
    runs: list[list[int]] = []
    for a, b, c in sorted(map(tuple, np.asarray(offsets).tolist())):
        if runs and runs[-1][:2] == [a, b] and runs[-1][3] == c - 1:
            runs[-1][3] = c
        else:
            runs.append([a, b, c, c])
    return np.array(runs, dtype=np.int64).reshape(-1, 4)


@numba.njit(cache=True, error_model="numpy", inline="always")
def _near_in_stretch(inside, s0, s1, ox, oy, oz, r2max, r2, near):
    """Places s in [s0, s1) of the binned atoms within ``rlist`` of the point at minus
    (ox, oy, oz) into ``near``; returns how many. Distances in one vectorised pass, then a
    branch-free fill."""
    m = s1 - s0
    for k in range(m):
        dx = inside[0, s0 + k] + ox
        dy = inside[1, s0 + k] + oy
        dz = inside[2, s0 + k] + oz
        r2[k] = dx * dx + dy * dy + dz * dz
    found = 0
    for k in range(m):
        near[found] = s0 + k
        found += r2[k] < r2max
    return found


def half_shell_list(pos, box, recip, rlist, ncell, runs, excl_start, excl_list, table, n_chunks):
    """:func:`cell_list` for a half list over distinct steps (HALF_SHELL with fixed images), by
    runs of consecutive c steps (:func:`z_runs`): each run is at most two stretches of binned
    atoms with one lattice shift each, scanned without per-atom branches; an atom's excluded
    partners are marked by their place in the binned order, so a partner within reach costs
    one look-up. Rows of ``table`` are filled in place; returns (table, counts).

    >>> from mstool.toolkit.md.box import box_vectors
    >>> from mstool.toolkit.md.neighbors import half_shell, triclinic_search
    >>> box = box_vectors(np.full(3, 4.0), np.full(3, 109.4712206))
    >>> pos = np.random.default_rng(0).random((300, 3)) @ box
    >>> ncell, steps, _ = triclinic_search(box, 1.0)
    >>> args = (pos, box, np.linalg.inv(box), 1.0, ncell)
    >>> no_exclusions = (np.zeros(301, dtype=np.int64), np.zeros(0, dtype=np.int64))
    >>> runs = z_runs(half_shell(steps))
    >>> _, counts = half_shell_list_serial(*args, runs, *no_exclusions, np.empty((300, 64), np.int32), 1)
    >>> _, by_cell = cell_list_serial(*args, half_shell(steps), *no_exclusions,
    ...                               np.empty((300, 64), np.int32), HALF_SHELL, True)
    >>> int(counts.sum()) == int(by_cell.sum()) > 0
    True
    """
    n = pos.shape[0]
    capacity = table.shape[1]
    cell_of, start, order, inside = _bin_fractional(pos, box, recip, ncell)
    counts = np.zeros(n, dtype=np.int64)
    r2max = rlist * rlist
    most_in_cell = 0
    for cell in range(start.shape[0] - 1):
        most_in_cell = max(most_in_cell, start[cell + 1] - start[cell])
    longest_run = 0
    for r in range(runs.shape[0]):
        longest_run = max(longest_run, runs[r, 3] - runs[r, 2] + 1)
    width = most_in_cell * longest_run
    nx_, ny_, nz_ = ncell[0], ncell[1], ncell[2]
    rank = np.empty(n, dtype=np.int64)
    for s in range(n):
        rank[order[s]] = s
    for t in numba.prange(n_chunks):
        r2 = np.empty(width)
        near = np.empty(width, dtype=np.int64)
        mark = np.full(n, -1, dtype=np.int64)  # mark[s] == si: binned atom s is not a partner of si
        for si in range(n * t // n_chunks, n * (t + 1) // n_chunks):
            i = order[si]
            mark[si] = si
            for e in range(excl_start[i], excl_start[i + 1]):
                mark[rank[excl_list[e]]] = si
            ci = cell_of[i]
            own_lo, own_hi = start[ci], start[ci + 1]
            cz = ci % nz_
            cy = (ci // nz_) % ny_
            cx = ci // (ny_ * nz_)
            xi, yi, zi = inside[0, si], inside[1, si], inside[2, si]
            c = 0
            for r in range(runs.shape[0]):
                ux, uy = cx + runs[r, 0], cy + runs[r, 1]
                nx, ny = ux % nx_, uy % ny_
                wa, wb = (ux - nx) // nx_, (uy - ny) // ny_
                uz, z_end = cz + runs[r, 2], cz + runs[r, 3]
                while uz <= z_end:
                    nz = uz % nz_
                    wc = (uz - nz) // nz_
                    last = min(z_end, uz - nz + nz_ - 1)  # the run's last cell before it wraps
                    first_cell = (nx * ny_ + ny) * nz_ + nz
                    s0, s1 = start[first_cell], start[first_cell + last - uz + 1]
                    ox = wa * box[0, 0] + wb * box[1, 0] + wc * box[2, 0] - xi
                    oy = wb * box[1, 1] + wc * box[2, 1] - yi
                    oz = wc * box[2, 2] - zi
                    found = _near_in_stretch(inside, s0, s1, ox, oy, oz, r2max, r2, near)
                    for k in range(found):
                        s = near[k]
                        j = order[s]
                        if mark[s] == si or (s >= own_lo and s < own_hi and j < i):
                            continue
                        if c < capacity:
                            table[i, c] = j
                        c += 1
                    uz = last + 1
            counts[i] = c
    return table, counts


@numba.njit(cache=True, error_model="numpy")
def _packed_in_cell(pos, box, charges, kc):
    """Rows (x, y, z, kc q) with positions moved into the reduced cell (fractional coordinates
    in [0, 1)); box rows a, b, c are lower triangular, so the fractions come by substitution."""
    out = np.empty((pos.shape[0], 4))
    for i in range(pos.shape[0]):
        x, y, z = pos[i, 0], pos[i, 1], pos[i, 2]
        fc = math.floor(z / box[2, 2])
        x -= fc * box[2, 0]
        y -= fc * box[2, 1]
        z -= fc * box[2, 2]
        fb = math.floor(y / box[1, 1])
        x -= fb * box[1, 0]
        y -= fb * box[1, 1]
        x -= math.floor(x / box[0, 0]) * box[0, 0]
        out[i, 0] = x
        out[i, 1] = y
        out[i, 2] = z
        out[i, 3] = charges[i] * kc
    return out


@numba.njit(cache=True, error_model="numpy", inline="always")
def _row_offsets(i, packed, box, row, count, rows):
    """Minimum-image offsets to atom ``i``'s list partners and their r^2 into ``rows[0:4]``,
    scaled charges into ``rows[4]`` (partner records copied out first, as in the orthorhombic
    kernel, so the image arithmetic runs over contiguous rows)."""
    xs, ys, zs, r2, qs = rows[0], rows[1], rows[2], rows[3], rows[4]
    for s in range(count):
        j = row[s]
        xs[s] = packed[j, 0]
        ys[s] = packed[j, 1]
        zs[s] = packed[j, 2]
        qs[s] = packed[j, 3]
    xi, yi, zi = packed[i, 0], packed[i, 1], packed[i, 2]
    for s in range(count):
        dx, dy, dz = min_image(xi - xs[s], yi - ys[s], zi - zs[s], box)
        xs[s] = dx
        ys[s] = dy
        zs[s] = dz
        r2[s] = dx * dx + dy * dy + dz * dz


@numba.njit(cache=True, error_model="numpy", inline="always")
def _row_forces(i, inputs, scratch, buf):
    """(Coulomb, LJ) energy of atom ``i``'s half-list row; its forces are added to ``buf``."""
    packed, box, table, counts, types, lj_a, lj_b, has_lj, params, knots = inputs
    row = table[i]
    _row_offsets(i, packed, box, row, counts[i], scratch[0])
    qi = packed[i, 3] / params[COULOMB_CONSTANT]
    return near_pair_forces(
        i, row, counts[i], qi, types[i], types, lj_a, lj_b, has_lj, params, knots, scratch, buf
    )


def pair_forces_half(
    pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, knots, forces, n_chunks
):
    """:func:`kernels.nonbonded.pair_forces_half` (half list, per-worker force buffers, Ewald
    rows of ``hermite_knots``) with the triclinic minimum image; adds into ``forces`` and
    returns (Coulomb energy, LJ energy). ``periodic`` is always true here (kept for the
    common signature)."""
    n = pos.shape[0]
    width = table.shape[1]
    has_lj = lj_types_present(lj_a, lj_b)
    buffers = np.zeros((n_chunks, n, 3))
    e_coul = np.zeros(n_chunks)
    e_lj = np.zeros(n_chunks)
    packed = _packed_in_cell(pos, box, charges, params[COULOMB_CONSTANT])
    inputs = (packed, box, table, counts, types, lj_a, lj_b, has_lj, params, knots)
    bounds = balanced_rows(counts, n_chunks)
    for t in numba.prange(n_chunks):
        scratch = row_scratch(width)
        e_c = 0.0
        e_l = 0.0
        for i in range(bounds[t], bounds[t + 1]):
            ec, el = _row_forces(i, inputs, scratch, buffers[t])
            e_c += ec
            e_l += el
        e_coul[t] = e_c
        e_lj[t] = e_l
    for i in numba.prange(n):
        for d in range(3):
            total = 0.0
            for t in range(n_chunks):
                total += buffers[t, i, d]
            forces[i, d] += total
    return e_coul.sum(), e_lj.sum()


cell_list_parallel, cell_list_serial = compile_variants(cell_list, error_model="numpy")
half_shell_list_parallel, half_shell_list_serial = compile_variants(half_shell_list, error_model="numpy")
pair_forces_half_parallel, pair_forces_half_serial = compile_variants(
    pair_forces_half, error_model="numpy", fastmath=True
)
