"""Numba CPU kernels for Lennard-Jones + Coulomb pairs: the neighbour-list sum, 1-4 pairs and
Ewald exclusion corrections.

``coulomb_mode``: 0 plain 1/r (no cutoff), 1 reaction field, 2 Ewald real space (erfc).
The pair-sum kernels are compiled with fastmath: the OpenMM reference-energy tests (1e-11
relative) and finite-difference force tests run through them.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants

PLAIN, REACTION_FIELD, EWALD = 0, 1, 2


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

    ``params`` = (cutoff, coulomb_mode, alpha, k_rf, c_rf, rswitch, coulomb_const, 1 / table
    spacing); a cutoff <= 0 means no cutoff. Ewald real space reads the :func:`ewald_table`.
    """
    n = pos.shape[0]
    rcut = params[0]
    mode = int(params[1])
    k_rf, c_rf, rswitch, kc, inv_h = params[3], params[4], params[5], params[6], params[7]
    rc2 = rcut * rcut if rcut > 0 else 1e300
    use_switch = rswitch > 0.0 and rswitch < rcut
    inv_box = 1.0 / box
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
                dx -= box[0] * math.floor(dx * inv_box[0] + 0.5)
                dy -= box[1] * math.floor(dy * inv_box[1] + 0.5)
                dz -= box[2] * math.floor(dz * inv_box[2] + 0.5)
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
def _pair_terms(r2, qq, a, b, mode, table_g, table_dg, inv_h, k_rf, c_rf, use_switch, rswitch, rcut):
    """(Coulomb energy, LJ energy, force / r) of one pair at squared distance ``r2``."""
    r = math.sqrt(r2)
    inv_r = 1.0 / r
    inv_r2 = inv_r * inv_r
    if mode == 2:
        value, slope = _ewald_lookup(r, table_g, table_dg, inv_h)
        e = qq * value
        f_over_r = -qq * slope * inv_r
    elif mode == 1:
        e = qq * (inv_r + k_rf * r2 - c_rf)
        f_over_r = qq * (inv_r * inv_r2 - 2.0 * k_rf)
    else:
        e = qq * inv_r
        f_over_r = e * inv_r2
    if a == 0.0 and b == 0.0:  # e.g. water hydrogens: no LJ work
        return e, 0.0, f_over_r
    inv_r6 = inv_r2 * inv_r2 * inv_r2
    elj = (a * inv_r6 - b) * inv_r6
    flj = (12.0 * a * inv_r6 - 6.0 * b) * inv_r6 * inv_r2
    if use_switch:
        sw, dsw = _switch(r, rswitch, rcut)
        flj = flj * sw - elj * dsw * inv_r
        elj *= sw
    return e, elj, f_over_r + flj


@numba.njit(cache=True, error_model="numpy")
def _wrapped(pos, box, periodic):
    """Positions moved into [0, box) per axis (a copy), so pair offsets need one shift at most."""
    out = np.empty_like(pos)
    for i in range(pos.shape[0]):
        for d in range(3):
            x = pos[i, d]
            if periodic:
                x -= box[d] * math.floor(x / box[d])
            out[i, d] = x
    return out


@numba.njit(cache=True, error_model="numpy", inline="always")
def _nearest(dx, length, half):
    if dx > half:
        return dx - length
    if dx < -half:
        return dx + length
    return dx


@numba.njit(cache=True, error_model="numpy", inline="always")
def _near_partners(i, wrapped, box, half_box, periodic, table, count, rc2, scratch):
    """Copy atom ``i``'s list partners within the cutoff, with their offsets and r^2, to ``scratch``.

    Every partner is written and the fill index advances only for near ones: no branch to
    mispredict on the ~40% of list pairs that lie in the skin."""
    near_j, near_d = scratch[0], scratch[1]
    xi, yi, zi = wrapped[i, 0], wrapped[i, 1], wrapped[i, 2]
    c = 0
    for s in range(count):
        j = table[i, s]
        dx = xi - wrapped[j, 0]
        dy = yi - wrapped[j, 1]
        dz = zi - wrapped[j, 2]
        if periodic:  # both inside the box: one image shift at most
            dx = _nearest(dx, box[0], half_box[0])
            dy = _nearest(dy, box[1], half_box[1])
            dz = _nearest(dz, box[2], half_box[2])
        r2 = dx * dx + dy * dy + dz * dz
        near_j[c] = j
        near_d[0, c] = dx
        near_d[1, c] = dy
        near_d[2, c] = dz
        near_d[3, c] = r2
        c += r2 < rc2
    return c


@numba.njit(cache=True, error_model="numpy", inline="always")
def _ewald_row(near, scratch, qi, ti, charges, types, lj_a, lj_b, table_g, table_dg, inv_h):
    """Ewald real space + plain LJ for one atom's near partners: (Coulomb, LJ) energies, and
    force / r of each pair into the scratch.

    Table and parameter look-ups (gathers) run in their own loops that fill contiguous rows,
    so the arithmetic loops read and write only those rows and vectorise."""
    near_j, near_d, near_f, work, kidx = scratch
    qq, a, b, t, g0, g1, d0, d1 = work[0], work[1], work[2], work[3], work[4], work[5], work[6], work[7]
    r2 = near_d[3]
    for s in range(near):
        j = near_j[s]
        tj = types[j]
        qq[s] = qi * charges[j]
        a[s] = lj_a[ti, tj]
        b[s] = lj_b[ti, tj]
    for s in range(near):
        x = math.sqrt(r2[s]) * inv_h
        k = int(x)
        kidx[s] = k
        t[s] = x - k
    for s in range(near):
        k = kidx[s]
        g0[s] = table_g[k]
        g1[s] = table_g[k + 1]
        d0[s] = table_dg[k]
        d1[s] = table_dg[k + 1]
    ec = 0.0
    el = 0.0
    h = 1.0 / inv_h
    for s in range(near):
        ts = t[s]
        t2 = ts * ts
        u = 1.0 - ts
        value = (1.0 + 2.0 * ts) * u * u * g0[s] + t2 * (3.0 - 2.0 * ts) * g1[s]
        value += (ts * u * u * d0[s] + t2 * (ts - 1.0) * d1[s]) * h
        slope = (6.0 * t2 - 6.0 * ts) * (g0[s] - g1[s]) * inv_h
        slope += (3.0 * t2 - 4.0 * ts + 1.0) * d0[s] + (3.0 * t2 - 2.0 * ts) * d1[s]
        inv_r = 1.0 / math.sqrt(r2[s])
        inv_r2 = inv_r * inv_r
        inv_r6 = inv_r2 * inv_r2 * inv_r2
        ec += qq[s] * value
        el += (a[s] * inv_r6 - b[s]) * inv_r6
        near_f[s] = -qq[s] * slope * inv_r + (12.0 * a[s] * inv_r6 - 6.0 * b[s]) * inv_r6 * inv_r2
    return ec, el


@numba.njit(cache=True, error_model="numpy", inline="always")
def _generic_row(near, scratch, qi, ti, charges, types, lj_a, lj_b, table_g, table_dg, params):
    """Any Coulomb mode, optional LJ switch: like :func:`_ewald_row` pair by pair."""
    near_j, near_d, near_f = scratch[0], scratch[1], scratch[2]
    rcut, mode, inv_h = params[0], int(params[1]), params[7]
    k_rf, c_rf, rswitch = params[3], params[4], params[5]
    use_switch = rswitch > 0.0 and rswitch < rcut
    ec = 0.0
    el = 0.0
    for s in range(near):
        j = near_j[s]
        tj = types[j]
        e, elj, f_over_r = _pair_terms(
            near_d[3, s],
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
        near_f[s] = f_over_r
    return ec, el


@numba.njit(cache=True, error_model="numpy", inline="always")
def _scatter_row(i, near, scratch, buf):
    """Add the forces of atom ``i``'s near pairs (force / r times offset) to ``buf``."""
    near_j, near_d, near_f = scratch[0], scratch[1], scratch[2]
    fx = 0.0
    fy = 0.0
    fz = 0.0
    for s in range(near):
        j = near_j[s]
        f_over_r = near_f[s]
        fx += f_over_r * near_d[0, s]
        fy += f_over_r * near_d[1, s]
        fz += f_over_r * near_d[2, s]
        buf[j, 0] -= f_over_r * near_d[0, s]
        buf[j, 1] -= f_over_r * near_d[1, s]
        buf[j, 2] -= f_over_r * near_d[2, s]
    buf[i, 0] += fx
    buf[i, 1] += fy
    buf[i, 2] += fz


def pair_forces_half(
    pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, table_g, table_dg, forces, n_chunks
):
    """Like :func:`pair_forces` over a half list (each pair once), atoms dealt round-robin to
    ``n_chunks`` workers with private force buffers summed at the end. Ewald real space
    uses the tables from :func:`ewald_table` (``params[7]`` is 1 / spacing).

    Per atom: partners within the cutoff are packed into scratch rows, their force / r
    computed (vectorised for Ewald without switching), then the forces are scattered."""
    n = pos.shape[0]
    rcut, mode, rswitch, kc = params[0], int(params[1]), params[5], params[6]
    rc2 = rcut * rcut if rcut > 0 else 1e300
    plain_ewald = mode == EWALD and not (rswitch > 0.0 and rswitch < rcut)
    width = table.shape[1]
    buffers = np.zeros((n_chunks, n, 3))
    e_coul = np.zeros(n_chunks)
    e_lj = np.zeros(n_chunks)
    wrapped = _wrapped(pos, box, periodic)
    half_box = 0.5 * box
    for t in numba.prange(n_chunks):
        scratch = (
            np.empty(width, dtype=np.int64),  # partner index
            np.empty((4, width)),  # dx, dy, dz, r^2
            np.empty(width),  # force / r
            np.empty((8, width)),  # per-pair parameters and table values
            np.empty(width, dtype=np.int64),  # table knot
        )
        e_c = 0.0
        e_l = 0.0
        for i in range(t, n, n_chunks):
            qi = charges[i] * kc
            near = _near_partners(i, wrapped, box, half_box, periodic, table, counts[i], rc2, scratch)
            if plain_ewald:
                ec, el = _ewald_row(
                    near, scratch, qi, types[i], charges, types, lj_a, lj_b, table_g, table_dg, params[7]
                )
            else:
                ec, el = _generic_row(
                    near, scratch, qi, types[i], charges, types, lj_a, lj_b, table_g, table_dg, params
                )
            e_c += ec
            e_l += el
            _scatter_row(i, near, scratch, buffers[t])
        e_coul[t] = e_c
        e_lj[t] = e_l
    for i in numba.prange(n):
        for d in range(3):
            total = 0.0
            for t in range(n_chunks):
                total += buffers[t, i, d]
            forces[i, d] = total
    return e_coul.sum(), e_lj.sum()


@numba.njit(cache=True, error_model="numpy")
def scaled_pairs(pos, box, periodic, pairs, charges, types, lj_a, lj_b, scee, scnb, kc, forces):
    """1-4 pairs: Coulomb / scee + LJ / scnb, no cutoff; returns (coulomb, LJ) energies."""
    e_coul = 0.0
    e_lj = 0.0
    for p in range(pairs.shape[0]):
        i, j = pairs[p, 0], pairs[p, 1]
        dx = pos[i, 0] - pos[j, 0]
        dy = pos[i, 1] - pos[j, 1]
        dz = pos[i, 2] - pos[j, 2]
        if periodic:
            dx -= box[0] * math.floor(dx / box[0] + 0.5)
            dy -= box[1] * math.floor(dy / box[1] + 0.5)
            dz -= box[2] * math.floor(dz / box[2] + 0.5)
        r2 = dx * dx + dy * dy + dz * dz
        inv_r2 = 1.0 / r2
        inv_r = math.sqrt(inv_r2)
        ec = kc * charges[i] * charges[j] * inv_r / scee[p]
        a = lj_a[types[i], types[j]] / scnb[p]
        b = lj_b[types[i], types[j]] / scnb[p]
        inv_r6 = inv_r2 * inv_r2 * inv_r2
        el = (a * inv_r6 - b) * inv_r6
        f_over_r = ec * inv_r2 + (12.0 * a * inv_r6 - 6.0 * b) * inv_r6 * inv_r2
        e_coul += ec
        e_lj += el
        forces[i, 0] += f_over_r * dx
        forces[i, 1] += f_over_r * dy
        forces[i, 2] += f_over_r * dz
        forces[j, 0] -= f_over_r * dx
        forces[j, 1] -= f_over_r * dy
        forces[j, 2] -= f_over_r * dz
    return e_coul, e_lj


@numba.njit(cache=True, error_model="numpy")
def ewald_exclusions(pos, box, periodic, pairs, charges, alpha, kc, forces):
    """Remove the reciprocal-space interaction of excluded pairs: -q q erf(alpha r) / r."""
    energy = 0.0
    two_over_sqrt_pi = 2.0 / math.sqrt(math.pi)
    for p in range(pairs.shape[0]):
        i, j = pairs[p, 0], pairs[p, 1]
        dx = pos[i, 0] - pos[j, 0]
        dy = pos[i, 1] - pos[j, 1]
        dz = pos[i, 2] - pos[j, 2]
        if periodic:
            dx -= box[0] * math.floor(dx / box[0] + 0.5)
            dy -= box[1] * math.floor(dy / box[1] + 0.5)
            dz -= box[2] * math.floor(dz / box[2] + 0.5)
        r2 = dx * dx + dy * dy + dz * dz
        r = math.sqrt(r2)
        qq = kc * charges[i] * charges[j]
        if r < 1e-12:
            continue
        e = -qq * math.erf(alpha * r) / r
        # d/dr [-qq erf(ar)/r] = qq erf/r^2 - qq 2a/sqrt(pi) exp(-a^2 r^2)/r
        de_dr = -e / r - qq * two_over_sqrt_pi * alpha * math.exp(-alpha * alpha * r2) / r
        f_over_r = -de_dr / r
        energy += e
        forces[i, 0] += f_over_r * dx
        forces[i, 1] += f_over_r * dy
        forces[i, 2] += f_over_r * dz
        forces[j, 0] -= f_over_r * dx
        forces[j, 1] -= f_over_r * dy
        forces[j, 2] -= f_over_r * dz
    return energy


pair_forces_parallel, pair_forces_serial = compile_variants(pair_forces, error_model="numpy", fastmath=True)
pair_forces_half_parallel, pair_forces_half_serial = compile_variants(
    pair_forces_half, error_model="numpy", fastmath=True
)
