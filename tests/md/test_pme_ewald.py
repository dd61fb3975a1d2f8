"""PME reciprocal energy and forces (B-spline order 4 and 5) against a direct Ewald k-space sum."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.forces.pme import PMEReciprocal
from mstool.toolkit.md.units import COULOMB


def ewald_reciprocal(pos, box, charges, alpha, kmax=14):
    """E = 1/(2 pi V) sum_{m != 0} exp(-pi^2 m^2 / alpha^2) / m^2 |S(m)|^2 and its forces."""
    ks = np.arange(-kmax, kmax + 1)
    m = np.array(np.meshgrid(ks, ks, ks, indexing="ij")).reshape(3, -1).T
    m = m[np.any(m != 0, axis=1)] / box
    m2 = np.einsum("ij,ij->i", m, m)
    phase = 2 * np.pi * pos @ m.T  # (atoms, k)
    s = charges @ np.exp(1j * phase)
    volume = float(np.prod(box))
    weight = np.exp(-(math.pi**2) * m2 / alpha**2) / m2
    energy = COULOMB / (2 * math.pi * volume) * float(np.sum(weight * np.abs(s) ** 2))
    # dE/dx_i = C/(2 pi V) sum w 2 Re(conj(S) * q_i * 2 pi i m exp(i phase))
    grad = np.real(np.conj(s)[None, :] * 1j * np.exp(1j * phase)) * weight[None, :]
    forces = -COULOMB / (2 * math.pi * volume) * 2 * 2 * math.pi * charges[:, None] * (grad @ m)
    return energy, forces


@pytest.mark.parametrize(("order", "energy_tol"), [(4, 5e-6), (5, 2e-7)])
def test_pme_matches_direct_ewald_sum(order, energy_tol):
    water = tip3p_box(2)
    alpha = 8.0  # 1/nm: the k-space sum converges well within kmax
    pme = PMEReciprocal(alpha, [48, 48, 48], order, COULOMB)
    forces = np.zeros_like(water.positions)
    energy = pme.energy_forces(water.positions, water.box, water.charges, forces)
    expected_e, expected_f = ewald_reciprocal(water.positions, water.box, water.charges, alpha)
    assert energy == pytest.approx(expected_e, rel=energy_tol)
    assert np.abs(forces - expected_f).max() < 5e-5 * np.abs(expected_f).max()
