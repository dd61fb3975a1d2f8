"""Numba CPU kernels for Lennard-Jones + Coulomb pairs: the neighbour-list sum (the 1-4 and
Ewald exclusion corrections are in :mod:`.corrections`).

Settings travel as the vector of :mod:`kernels.pairs` (``pair_settings``), read by name; the
Coulomb mode is PLAIN 1/r (no cutoff), REACTION_FIELD or EWALD real space (erfc).
The pair-sum kernels are compiled with fastmath: the OpenMM reference-energy tests (1e-11
relative) and finite-difference force tests run through them.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants
from mstool.toolkit.md.kernels.pairs import (
    COULOMB_CONSTANT,
    COULOMB_MODE,
    CUTOFF,
    EWALD,
    INV_TABLE_SPACING,
    PLAIN,
    REACTION_FIELD,
    RF_C,
    RF_K,
    SWITCH_DISTANCE,
    cutoff_squared,
    orthorhombic_image,
    uses_switch,
)

__all__ = ["PLAIN", "REACTION_FIELD", "EWALD", "pair_forces", "pair_forces_half"]


@numba.njit(cache=True, error_model="numpy", inline="always")
def _switch(r, rswitch, rcut):
    if r <= rswitch:
        return 1.0, 0.0
    x = (r - rswitch) / (rcut - rswitch)
    s = 1.0 - x * x * x * (10.0 - x * (15.0 - 6.0 * x))
    ds = -30.0 * x * x * (1.0 - x) * (1.0 - x) / (rcut - rswitch)
    return s, ds


def pair_forces(
    pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, table_g, table_dg, forces
):
    """Sum over a full neighbour list; returns (coulomb energy, LJ energy) and sets ``forces``.

    ``params`` is the :func:`kernels.pairs.pair_settings` vector (a cutoff <= 0 means no cutoff).
    Ewald real space reads the :func:`ewald_table`.
    """
    n = pos.shape[0]
    kc = params[COULOMB_CONSTANT]
    rc2 = cutoff_squared(params)
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
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            if periodic:
                dx, dy, dz = orthorhombic_image(dx, dy, dz, box)
            r2 = dx * dx + dy * dy + dz * dz
            if r2 >= rc2:
                continue
            tj = types[j]
            e, elj, f_over_r = pair_terms(
                r2, qi * charges[j], lj_a[ti, tj], lj_b[ti, tj], params, table_g, table_dg
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


def ewald_table(alpha: float, rmax: float, spacing: float = 2e-4) -> tuple[np.ndarray, np.ndarray]:
    """erfc(alpha r) / r and its r-derivative at knots ``k * spacing`` for cubic Hermite lookup.

    Interpolated values are within 4e-12 relative, derivatives within 4e-9 (tested).
    """
    from scipy.special import erfc

    count = int(rmax / spacing) + 3
    r = np.arange(count) * spacing
    r[0] = spacing  # never used: no pair is that close
    g = erfc(alpha * r) / r
    dg = -g / r - 2.0 * alpha / math.sqrt(math.pi) * np.exp(-alpha * alpha * r * r) / r
    return g, dg


@numba.njit(cache=True, error_model="numpy", inline="always")
def _ewald_lookup(r, g, dg, inv_h):
    x = r * inv_h
    k = int(x)
    t = x - k
    t2 = t * t
    value = (
        (1.0 + 2.0 * t) * (1.0 - t) * (1.0 - t) * g[k]
        + t2 * (3.0 - 2.0 * t) * g[k + 1]
        + (t * (1.0 - t) * (1.0 - t) * dg[k] + t2 * (t - 1.0) * dg[k + 1]) / inv_h
    )
    slope = (
        (6.0 * t2 - 6.0 * t) * (g[k] - g[k + 1]) * inv_h
        + (3.0 * t2 - 4.0 * t + 1.0) * dg[k]
        + (3.0 * t2 - 2.0 * t) * dg[k + 1]
    )
    return value, slope


@numba.njit(cache=True, error_model="numpy", inline="always")
def pair_terms(r2, qq, a, b, settings, table_g, table_dg):
    """(Coulomb energy, LJ energy, force / r) of one pair at squared distance ``r2``: the one
    pair-term helper of the pair-by-pair kernels (full list, selected pairs, switched or
    non-Ewald half lists). ``qq`` includes the Coulomb constant; ``settings`` as
    :func:`kernels.pairs.pair_settings`."""
    r = math.sqrt(r2)
    inv_r = 1.0 / r
    inv_r2 = inv_r * inv_r
    mode = int(settings[COULOMB_MODE])
    if mode == EWALD:
        value, slope = _ewald_lookup(r, table_g, table_dg, settings[INV_TABLE_SPACING])
        e = qq * value
        f_over_r = -qq * slope * inv_r
    elif mode == REACTION_FIELD:
        k_rf = settings[RF_K]
        e = qq * (inv_r + k_rf * r2 - settings[RF_C])
        f_over_r = qq * (inv_r * inv_r2 - 2.0 * k_rf)
    else:
        e = qq * inv_r
        f_over_r = e * inv_r2
    if a == 0.0 and b == 0.0:  # e.g. water hydrogens: no LJ work
        return e, 0.0, f_over_r
    inv_r6 = inv_r2 * inv_r2 * inv_r2
    elj = (a * inv_r6 - b) * inv_r6
    flj = (12.0 * a * inv_r6 - 6.0 * b) * inv_r6 * inv_r2
    if uses_switch(settings):
        sw, dsw = _switch(r, settings[SWITCH_DISTANCE], settings[CUTOFF])
        flj = flj * sw - elj * dsw * inv_r
        elj *= sw
    return e, elj, f_over_r + flj


def hermite_knots(g: np.ndarray, dg: np.ndarray) -> np.ndarray:
    """Rows ``(g[k], g[k+1], dg[k], dg[k+1])`` of an :func:`ewald_table`: one interval's four
    Hermite values side by side, so a look-up touches one cache line.

    >>> g, dg = ewald_table(3.0, 1.0, 0.01)
    >>> knots = hermite_knots(g, dg)
    >>> knots.shape == (len(g) - 1, 4) and bool(knots[5, 1] == g[6])
    True
    """
    return np.ascontiguousarray(np.stack([g[:-1], g[1:], dg[:-1], dg[1:]], axis=1))


@numba.njit(cache=True, error_model="numpy")
def _packed(pos, box, periodic, charges, kc):
    """Rows (x, y, z, kc q): positions moved into [0, box) so pair offsets need one shift at
    most, and the scaled charge in the same 32 bytes (one cache line per partner)."""
    out = np.empty((pos.shape[0], 4))
    for i in range(pos.shape[0]):
        for d in range(3):
            x = pos[i, d]
            if periodic:
                x -= box[d] * math.floor(x / box[d])
            out[i, d] = x
        out[i, 3] = charges[i] * kc
    return out


@numba.njit(cache=True, error_model="numpy", inline="always")
def _row_offsets(i, packed, box, periodic, row, count, rows):
    """Offsets to atom ``i``'s list partners and their r^2 into ``rows[0:4]``, scaled charges
    into ``rows[4]``: the partner records are copied out first (plain loads), so the
    minimum-image arithmetic runs over contiguous rows and vectorises."""
    xs, ys, zs, r2, qs = rows[0], rows[1], rows[2], rows[3], rows[4]
    for s in range(count):
        j = row[s]
        xs[s] = packed[j, 0]
        ys[s] = packed[j, 1]
        zs[s] = packed[j, 2]
        qs[s] = packed[j, 3]
    xi, yi, zi = packed[i, 0], packed[i, 1], packed[i, 2]
    bx, by, bz = box[0], box[1], box[2]
    hx, hy, hz = 0.5 * bx, 0.5 * by, 0.5 * bz
    for s in range(count):
        dx = xi - xs[s]
        dy = yi - ys[s]
        dz = zi - zs[s]
        if periodic:  # both inside the box: one image shift at most
            dx = dx - bx if dx > hx else dx
            dx = dx + bx if dx < -hx else dx
            dy = dy - by if dy > hy else dy
            dy = dy + by if dy < -hy else dy
            dz = dz - bz if dz > hz else dz
            dz = dz + bz if dz < -hz else dz
        xs[s] = dx
        ys[s] = dy
        zs[s] = dz
        r2[s] = dx * dx + dy * dy + dz * dz


@numba.njit(cache=True, error_model="numpy", inline="always")
def _near_indices(count, r2, rc2, near):
    """Places (in the row) of the partners within the cutoff; returns how many. The fill index
    advances without a branch, so the ~40 % of list pairs in the skin cost no mispredict."""
    c = 0
    for s in range(count):
        near[c] = s
        c += r2[s] < rc2
    return c


@numba.njit(cache=True, error_model="numpy", inline="always")
def _gather_near(c, near, row, rows, work, qi, ti, types, lj_a, lj_b, with_lj):
    """Pack r^2, q_i q_j and (``with_lj``) the LJ A, B of the near pairs into ``work`` rows."""
    r2, qs = rows[3], rows[4]
    nr2, qq, a, b = work[0], work[1], work[2], work[3]
    for k in range(c):
        s = near[k]
        nr2[k] = r2[s]
        qq[k] = qi * qs[s]
    if with_lj:
        la = lj_a[ti]
        lb = lj_b[ti]
        for k in range(c):
            tj = types[row[near[k]]]
            a[k] = la[tj]
            b[k] = lb[tj]
    else:
        for k in range(c):
            a[k] = 0.0
            b[k] = 0.0


@numba.njit(cache=True, error_model="numpy", inline="always")
def _ewald_near(c, work, knot, knots, inv_h, with_lj):
    """Ewald real space (+ plain LJ when ``with_lj``) of the packed near pairs: (Coulomb, LJ)
    energies, force / r into ``work[4]``. Table rows are gathered in their own loop so the
    arithmetic loops read only contiguous rows and vectorise; one square root and one
    division per pair."""
    nr2, qq, a, b, f = work[0], work[1], work[2], work[3], work[4]
    t, g0, g1, d0, d1, inv_r = work[5], work[6], work[7], work[8], work[9], work[10]
    for k in range(c):
        r = math.sqrt(nr2[k])
        inv_r[k] = 1.0 / r
        x = r * inv_h
        kn = int(x)
        knot[k] = kn
        t[k] = x - kn
    for k in range(c):
        kn = knot[k]
        g0[k] = knots[kn, 0]
        g1[k] = knots[kn, 1]
        d0[k] = knots[kn, 2]
        d1[k] = knots[kn, 3]
    h = 1.0 / inv_h
    ec = 0.0
    el = 0.0
    for k in range(c):
        ts = t[k]
        t2 = ts * ts
        u = 1.0 - ts
        value = (1.0 + 2.0 * ts) * u * u * g0[k] + t2 * (3.0 - 2.0 * ts) * g1[k]
        value += (ts * u * u * d0[k] + t2 * (ts - 1.0) * d1[k]) * h
        slope = (6.0 * t2 - 6.0 * ts) * (g0[k] - g1[k]) * inv_h
        slope += (3.0 * t2 - 4.0 * ts + 1.0) * d0[k] + (3.0 * t2 - 2.0 * ts) * d1[k]
        ec += qq[k] * value
        f[k] = -qq[k] * slope * inv_r[k]
    if with_lj:
        for k in range(c):
            inv_r2 = inv_r[k] * inv_r[k]
            inv_r6 = inv_r2 * inv_r2 * inv_r2
            el += (a[k] * inv_r6 - b[k]) * inv_r6
            f[k] += (12.0 * a[k] * inv_r6 - 6.0 * b[k]) * inv_r6 * inv_r2
    return ec, el


@numba.njit(cache=True, error_model="numpy", inline="always")
def _generic_near(c, work, knots, params):
    """Any Coulomb mode, optional LJ switch, pair by pair over the packed near pairs."""
    nr2, qq, a, b, f = work[0], work[1], work[2], work[3], work[4]
    g = knots[:, 0]
    dg = knots[:, 2]
    ec = 0.0
    el = 0.0
    for k in range(c):
        e, elj, f_over_r = pair_terms(nr2[k], qq[k], a[k], b[k], params, g, dg)
        ec += e
        el += elj
        f[k] = f_over_r
    return ec, el


@numba.njit(cache=True, error_model="numpy", inline="always")
def _scatter_near(i, c, near, row, rows, f, buf):
    """Add the forces of atom ``i``'s near pairs (force / r times offset) to ``buf``."""
    xs, ys, zs = rows[0], rows[1], rows[2]
    fx = 0.0
    fy = 0.0
    fz = 0.0
    for k in range(c):
        s = near[k]
        j = row[s]
        ux = f[k] * xs[s]
        uy = f[k] * ys[s]
        uz = f[k] * zs[s]
        fx += ux
        fy += uy
        fz += uz
        buf[j, 0] -= ux
        buf[j, 1] -= uy
        buf[j, 2] -= uz
    buf[i, 0] += fx
    buf[i, 1] += fy
    buf[i, 2] += fz


@numba.njit(cache=True, error_model="numpy", inline="always")
def near_pair_forces(i, row, count, qi, ti, types, lj_a, lj_b, has_lj, params, knots, scratch, buf):
    """(Coulomb, LJ) energy of atom ``i``'s half-list row whose partner offsets, r^2 and scaled
    charges are already in ``scratch[0]`` (the kernel's own minimum image); the forces are
    added to ``buf``. Shared by the orthorhombic and triclinic half-list kernels."""
    rows, work, near, knot = scratch
    c = _near_indices(count, rows[3], cutoff_squared(params), near)
    with_lj = has_lj[ti]
    _gather_near(c, near, row, rows, work, qi, ti, types, lj_a, lj_b, with_lj)
    if int(params[COULOMB_MODE]) == EWALD and not uses_switch(params):
        ec, el = _ewald_near(c, work, knot, knots, params[INV_TABLE_SPACING], with_lj)
    else:
        ec, el = _generic_near(c, work, knots, params)
    _scatter_near(i, c, near, row, rows, work[4], buf)
    return ec, el


@numba.njit(cache=True, error_model="numpy", inline="always")
def _row_forces(i, inputs, scratch, buf):
    """(Coulomb, LJ) energy of atom ``i``'s half-list row; its forces are added to ``buf``."""
    packed, box, periodic, table, counts, types, lj_a, lj_b, has_lj, params, knots = inputs
    row = table[i]
    _row_offsets(i, packed, box, periodic, row, counts[i], scratch[0])
    qi = packed[i, 3] / params[COULOMB_CONSTANT]
    return near_pair_forces(
        i, row, counts[i], qi, types[i], types, lj_a, lj_b, has_lj, params, knots, scratch, buf
    )


@numba.njit(cache=True, error_model="numpy")
def lj_types_present(lj_a, lj_b):
    """Per atom type: whether it has any LJ term (a row of A or B not all zero)."""
    has_lj = np.empty(lj_a.shape[0], dtype=np.bool_)
    for t in range(lj_a.shape[0]):
        has_lj[t] = np.any(lj_a[t] != 0.0) or np.any(lj_b[t] != 0.0)
    return has_lj


@numba.njit(cache=True, error_model="numpy")
def balanced_rows(counts, n_chunks):
    """Row bounds of ``n_chunks`` contiguous parts of a neighbour list holding equal shares of
    its pairs (part t is rows ``bounds[t]`` to ``bounds[t + 1]``).

    >>> import numpy as np
    >>> from mstool.toolkit.md.kernels.nonbonded import balanced_rows
    >>> balanced_rows(np.array([5, 1, 1, 1, 1, 1, 10, 0, 0, 2]), 2).tolist()
    [0, 6, 10]
    """
    n = counts.shape[0]
    total = 0
    for i in range(n):
        total += counts[i]
    bounds = np.empty(n_chunks + 1, dtype=np.int64)
    bounds[0] = 0
    seen = 0
    t = 1
    for i in range(n):
        # A part ends before the row whose middle passes its share.
        while t < n_chunks and 2 * seen + counts[i] > (2 * total * t) // n_chunks:
            bounds[t] = i
            t += 1
        seen += counts[i]
    while t <= n_chunks:
        bounds[t] = n
        t += 1
    return bounds


@numba.njit(cache=True, error_model="numpy")
def row_scratch(width):
    """A worker's work arrays for rows of up to ``width`` partners (see :func:`near_pair_forces`)."""
    return (
        np.empty((5, width)),  # dx, dy, dz, r^2, kc q_j per list partner
        np.empty((11, width)),  # per near pair: r^2, q q, A, B, force / r, table values, 1 / r
        np.empty(width, dtype=np.int64),  # near partners' places in the row
        np.empty(width, dtype=np.int64),  # table knot
    )


def pair_forces_half(
    pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, knots, forces, order, n_chunks
):
    """Like :func:`pair_forces` over a half list (each pair once), atoms dealt round-robin to
    ``n_chunks`` workers with private force buffers summed at the end and added into
    ``forces``. Ewald real space reads the rows of :func:`hermite_knots`.

    ``table`` and ``counts`` number atoms by ``order`` (row and partner ``s`` are atom
    ``order[s]``; ``np.arange(n)`` for the atoms' own numbering): with atoms numbered in
    space-filling order (the column order of the list build) the partners' records and force
    rows lie close in memory (DHFR pair sum 84 -> 70 ms CPU per step).

    Per atom: partner offsets are computed over copied-out rows, the partners within the
    cutoff indexed, their parameters packed and force / r computed (vectorised for Ewald
    without switching; no LJ work for atoms of a type without LJ, e.g. water hydrogens),
    then the forces are scattered."""
    n = pos.shape[0]
    width = table.shape[1]
    has_lj = lj_types_present(lj_a, lj_b)
    buffers = np.zeros((n_chunks, n, 3))
    e_coul = np.zeros(n_chunks)
    e_lj = np.zeros(n_chunks)
    packed = _packed(pos[order], box, periodic, charges[order], params[COULOMB_CONSTANT])
    inputs = (packed, box, periodic, table, counts, types[order], lj_a, lj_b, has_lj, params, knots)
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
    for s in numba.prange(n):
        i = order[s]
        for d in range(3):
            total = 0.0
            for t in range(n_chunks):
                total += buffers[t, s, d]
            forces[i, d] += total
    return e_coul.sum(), e_lj.sum()


pair_forces_parallel, pair_forces_serial = compile_variants(pair_forces, error_model="numpy", fastmath=True)
pair_forces_half_parallel, pair_forces_half_serial = compile_variants(
    pair_forces_half, error_model="numpy", fastmath=True
)
