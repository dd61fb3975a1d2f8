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


def pair_forces_half(
    pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, table_g, table_dg, forces, n_chunks
):
    """Like :func:`pair_forces` over a half list (each pair once), atoms dealt round-robin to
    ``n_chunks`` workers with private force buffers summed at the end. Ewald real space
    uses the tables from :func:`ewald_table` (``params[7]`` is 1 / spacing)."""
    n = pos.shape[0]
    inv_h = params[7]
    inv_box = 1.0 / box
    rcut = params[0]
    mode = int(params[1])
    k_rf, c_rf, rswitch, kc = params[3], params[4], params[5], params[6]
    rc2 = rcut * rcut if rcut > 0 else 1e300
    use_switch = rswitch > 0.0 and rswitch < rcut
    buffers = np.zeros((n_chunks, n, 3))
    e_coul = np.zeros(n_chunks)
    e_lj = np.zeros(n_chunks)
    for t in numba.prange(n_chunks):
        buf = buffers[t]
        ec = 0.0
        el = 0.0
        for i in range(t, n, n_chunks):
            qi = charges[i] * kc
            ti = types[i]
            fx = 0.0
            fy = 0.0
            fz = 0.0
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
                buf[j, 0] -= f_over_r * dx
                buf[j, 1] -= f_over_r * dy
                buf[j, 2] -= f_over_r * dz
            buf[i, 0] += fx
            buf[i, 1] += fy
            buf[i, 2] += fz
        e_coul[t] = ec
        e_lj[t] = el
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
