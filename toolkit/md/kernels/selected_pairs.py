"""Numba kernel for the nonbonded pairs that touch a selection (solute-solute and
solute-rest), the part of the pair sum that selective SITS enhances."""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels.nonbonded import _pair_terms


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
    rcut = params[0]
    mode = int(params[1])
    k_rf, c_rf, rswitch, kc, inv_h = params[3], params[4], params[5], params[6], params[7]
    rc2 = rcut * rcut if rcut > 0 else 1e300
    use_switch = rswitch > 0.0 and rswitch < rcut
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
                dx -= box[0] * math.floor(dx / box[0] + 0.5)
                dy -= box[1] * math.floor(dy / box[1] + 0.5)
                dz -= box[2] * math.floor(dz / box[2] + 0.5)
            r2 = dx * dx + dy * dy + dz * dz
            if r2 >= rc2:
                continue
            tj = types[j]
            ec, el, f_over_r = _pair_terms(
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
            e_coul += ec
            e_lj += el
            forces[i, 0] += f_over_r * dx
            forces[i, 1] += f_over_r * dy
            forces[i, 2] += f_over_r * dz
            forces[j, 0] -= f_over_r * dx
            forces[j, 1] -= f_over_r * dy
            forces[j, 2] -= f_over_r * dz
        for e in range(excl_start[s], excl_start[s + 1]):
            mark[excl_atoms[e]] = False
    return e_coul, e_lj
