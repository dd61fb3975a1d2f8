"""Numba kernel for the nonbonded pairs that touch a selection (solute-solute and
solute-rest), the part of the pair sum that selective SITS enhances."""

from __future__ import annotations

import numba
import numpy as np

from mstool.toolkit.md.kernels.nonbonded import pair_terms
from mstool.toolkit.md.kernels.pairs import (
    COULOMB_CONSTANT,
    add_pair_force,
    cutoff_squared,
    orthorhombic_image,
)


@numba.njit(cache=True, error_model="numpy")
def selected_pair_forces(
    pos,
    box,
    periodic,
    selected,
    is_selected,
    excl_start,
    excl_atoms,
    charges,
    types,
    lj_a,
    lj_b,
    params,
    table_g,
    table_dg,
    forces,
):
    """(Coulomb, LJ) energy of every non-excluded pair with at least one selected atom, each pair
    once, forces added into ``forces``. ``params`` as :func:`nonbonded.pair_forces`; the
    selection is small, so each selected atom scans all atoms (no neighbour list).

    ``excl_atoms[excl_start[s]:excl_start[s + 1]]`` are the partners excluded for ``selected[s]``.
    """
    n = pos.shape[0]
    kc = params[COULOMB_CONSTANT]
    rc2 = cutoff_squared(params)
    mark = np.zeros(n, dtype=np.bool_)
    e_coul = 0.0
    e_lj = 0.0
    for s in range(selected.shape[0]):
        i = selected[s]
        for e in range(excl_start[s], excl_start[s + 1]):
            mark[excl_atoms[e]] = True
        qi = charges[i] * kc
        ti = types[i]
        for j in range(n):
            # Selected-selected pairs are visited from their lower index only.
            if j == i or mark[j] or (is_selected[j] and j < i):
                continue
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            if periodic:
                dx, dy, dz = orthorhombic_image(dx, dy, dz, box)
            r2 = dx * dx + dy * dy + dz * dz
            if r2 >= rc2:
                continue
            tj = types[j]
            ec, el, f_over_r = pair_terms(
                r2, qi * charges[j], lj_a[ti, tj], lj_b[ti, tj], params, table_g, table_dg
            )
            e_coul += ec
            e_lj += el
            add_pair_force(forces, i, j, f_over_r, dx, dy, dz)
        for e in range(excl_start[s], excl_start[s + 1]):
            mark[excl_atoms[e]] = False
    return e_coul, e_lj
