"""Numba CPU kernels for the nonbonded corrections over listed pairs: 1-4 pairs (Coulomb / SCEE
+ LJ / SCNB, no cutoff) and the Ewald exclusion term of excluded pairs.

:func:`pair_corrections` computes every pair's energy and force in parallel into a work array,
then adds them to the forces and energies in list order on one thread: the same numbers, to the
last bit, as the serial :func:`scaled_pairs` and :func:`ewald_exclusions`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants
from mstool.toolkit.md.kernels.pairs import add_pair_force, orthorhombic_image

WORK_COLUMNS = 6  # per pair: energy (Coulomb or Ewald), LJ energy, force / r, dx, dy, dz


@numba.njit(cache=True, error_model="numpy", inline="always")
def _offset(pos, box, periodic, i, j):
    dx = pos[i, 0] - pos[j, 0]
    dy = pos[i, 1] - pos[j, 1]
    dz = pos[i, 2] - pos[j, 2]
    if periodic:
        dx, dy, dz = orthorhombic_image(dx, dy, dz, box)
    return dx, dy, dz


@numba.njit(cache=True, error_model="numpy", inline="always")
def scaled_pair(pos, box, periodic, i, j, charges, types, lj_a, lj_b, scee, scnb, kc):
    """(Coulomb energy, LJ energy, force / r, dx, dy, dz) of one 1-4 pair."""
    dx, dy, dz = _offset(pos, box, periodic, i, j)
    r2 = dx * dx + dy * dy + dz * dz
    inv_r2 = 1.0 / r2
    inv_r = math.sqrt(inv_r2)
    ec = kc * charges[i] * charges[j] * inv_r / scee
    a = lj_a[types[i], types[j]] / scnb
    b = lj_b[types[i], types[j]] / scnb
    inv_r6 = inv_r2 * inv_r2 * inv_r2
    el = (a * inv_r6 - b) * inv_r6
    f_over_r = ec * inv_r2 + (12.0 * a * inv_r6 - 6.0 * b) * inv_r6 * inv_r2
    return ec, el, f_over_r, dx, dy, dz


@numba.njit(cache=True, error_model="numpy", inline="always")
def exclusion_pair(pos, box, periodic, i, j, charges, alpha, kc):
    """(energy, force / r, dx, dy, dz) removing the reciprocal-space interaction of one excluded
    pair, -q q erf(alpha r) / r; nothing for two atoms at one place (an extra point's parent)."""
    dx, dy, dz = _offset(pos, box, periodic, i, j)
    r2 = dx * dx + dy * dy + dz * dz
    r = math.sqrt(r2)
    qq = kc * charges[i] * charges[j]
    if r < 1e-12:
        return 0.0, 0.0, dx, dy, dz
    e = -qq * math.erf(alpha * r) / r
    # d/dr [-qq erf(ar)/r] = qq erf/r^2 - qq 2a/sqrt(pi) exp(-a^2 r^2)/r
    de_dr = -e / r - qq * (2.0 / math.sqrt(math.pi)) * alpha * math.exp(-alpha * alpha * r2) / r
    return e, -de_dr / r, dx, dy, dz


@numba.njit(cache=True, error_model="numpy")
def scaled_pairs(pos, box, periodic, pairs, charges, types, lj_a, lj_b, scee, scnb, kc, forces):
    """1-4 pairs: Coulomb / scee + LJ / scnb, no cutoff; returns (coulomb, LJ) energies."""
    e_coul = 0.0
    e_lj = 0.0
    for p in range(pairs.shape[0]):
        i, j = pairs[p, 0], pairs[p, 1]
        ec, el, f_over_r, dx, dy, dz = scaled_pair(
            pos, box, periodic, i, j, charges, types, lj_a, lj_b, scee[p], scnb[p], kc
        )
        e_coul += ec
        e_lj += el
        add_pair_force(forces, i, j, f_over_r, dx, dy, dz)
    return e_coul, e_lj


@numba.njit(cache=True, error_model="numpy")
def ewald_exclusions(pos, box, periodic, pairs, charges, alpha, kc, forces):
    """Remove the reciprocal-space interaction of excluded pairs: -q q erf(alpha r) / r."""
    energy = 0.0
    for p in range(pairs.shape[0]):
        i, j = pairs[p, 0], pairs[p, 1]
        e, f_over_r, dx, dy, dz = exclusion_pair(pos, box, periodic, i, j, charges, alpha, kc)
        energy += e
        add_pair_force(forces, i, j, f_over_r, dx, dy, dz)
    return energy


def correction_work(n_pairs14: int, n_excluded: int) -> np.ndarray:
    """The work array :func:`pair_corrections` needs (kept by its caller between steps).

    >>> correction_work(3, 4).shape
    (7, 6)
    """
    return np.empty((n_pairs14 + n_excluded, WORK_COLUMNS))


@numba.njit(cache=True, error_model="numpy", inline="always")
def _scatter(forces, pairs, work, first):
    """Add the work rows ``first...`` of ``pairs`` to ``forces`` in order; their energy sums."""
    e_a = 0.0
    e_b = 0.0
    for p in range(pairs.shape[0]):
        row = first + p
        e_a += work[row, 0]
        e_b += work[row, 1]
        f_over_r, dx, dy, dz = work[row, 2], work[row, 3], work[row, 4], work[row, 5]
        add_pair_force(forces, pairs[p, 0], pairs[p, 1], f_over_r, dx, dy, dz)
    return e_a, e_b


def pair_corrections(
    pos, box, periodic, pairs14, charges, types, lj_a, lj_b, scee, scnb, kc, excluded, alpha, work, forces
):
    """:func:`scaled_pairs` then, when ``alpha`` > 0, :func:`ewald_exclusions`, with the pairs
    computed in parallel into ``work`` (:func:`correction_work`) and added in list order;
    returns (coulomb 1-4, LJ 1-4, Ewald exclusion) energies."""
    n14 = pairs14.shape[0]
    n_excl = excluded.shape[0] if alpha > 0.0 else 0
    for p in numba.prange(n14 + n_excl):
        if p < n14:
            i, j = pairs14[p, 0], pairs14[p, 1]
            ec, el, f, dx, dy, dz = scaled_pair(
                pos, box, periodic, i, j, charges, types, lj_a, lj_b, scee[p], scnb[p], kc
            )
        else:
            i, j = excluded[p - n14, 0], excluded[p - n14, 1]
            ec, f, dx, dy, dz = exclusion_pair(pos, box, periodic, i, j, charges, alpha, kc)
            el = 0.0
        work[p, 0] = ec
        work[p, 1] = el
        work[p, 2] = f
        work[p, 3] = dx
        work[p, 4] = dy
        work[p, 5] = dz
    c14, lj14 = _scatter(forces, pairs14, work, 0)
    e_excl = 0.0
    if n_excl:
        e_excl, _ = _scatter(forces, excluded, work, n14)
    return c14, lj14, e_excl


pair_corrections_parallel, pair_corrections_serial = compile_variants(pair_corrections, error_model="numpy")
