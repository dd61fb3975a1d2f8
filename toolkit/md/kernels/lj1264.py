"""Numba kernel of the 12-6-4 ion term E = -C_ij / r^4 (Li and Merz): only the few atoms with a
non-zero C row (the ions) are looped over, against every other atom within the cutoff."""

from __future__ import annotations

import numba

from mstool.toolkit.md.kernels.neighbors import _is_excluded
from mstool.toolkit.md.kernels.pairs import add_pair_force
from mstool.toolkit.md.kernels.pairs import triclinic_image as min_image


@numba.njit(cache=True, error_model="numpy")
def ion_dipole(pos, box, periodic, ions, is_ion, types, lj_c, rcut, excl_start, excl_list, forces):
    """Sum over pairs (ion, any atom), each ion-ion pair once; ``box`` is (3, 3) (diagonal for
    an orthorhombic box); excluded and 1-4 pairs are skipped. Returns the energy."""
    energy = 0.0
    rc2 = rcut * rcut if rcut > 0.0 else 1e300
    n = pos.shape[0]
    for s in range(ions.shape[0]):
        i = ions[s]
        ti = types[i]
        for j in range(n):
            if j == i or (is_ion[j] and j < i):
                continue
            c = lj_c[ti, types[j]]
            if c == 0.0:
                continue
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            if periodic:
                dx, dy, dz = min_image(dx, dy, dz, box)
            r2 = dx * dx + dy * dy + dz * dz
            if r2 >= rc2:
                continue
            lo, hi = (i, j) if i < j else (j, i)
            if _is_excluded(excl_start, excl_list, lo, hi):
                continue
            inv_r2 = 1.0 / r2
            e = -c * inv_r2 * inv_r2
            energy += e
            add_pair_force(forces, i, j, 4.0 * e * inv_r2, dx, dy, dz)  # -dE/dr / r
    return energy
