"""Selective SITS: the solute energy term (exact decomposition, forces), reweighting that
recovers exact Boltzmann populations, and the ``mstool simulate analyze`` command."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.analysis import basin_free_energy
from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.constraints import Constraints
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State
from mstool.toolkit.md.sits import SITS
from mstool.toolkit.md.solute_energy import SoluteEnergy, selected_energy
from mstool.toolkit.md.units import BOLTZMANN
from tests.md.helpers import numerical_forces

LONG_RANGE = ("reciprocal", "ewald_self", "ewald_exclusion", "dispersion_correction")


@pytest.mark.parametrize("method", ["cutoff", "pme"])
def test_whole_selection_is_the_short_range_energy(method):
    water = tip3p_box(4)
    ff = build_forcefield(water, NonbondedSettings(method=method, cutoff=0.6))
    total, forces = ff.energy_forces(water.positions, water.box)
    whole = SoluteEnergy(water, np.arange(water.n_atoms), ff.nonbonded)
    energy, whole_forces = whole.energy_forces(water.positions, water.box)
    long_range = sum(v for k, v in ff.nonbonded.last_terms.items() if k in LONG_RANGE)
    assert energy == pytest.approx(total - long_range, rel=1e-10, abs=1e-8)
    if method == "cutoff":  # reaction field: every force is short-ranged
        np.testing.assert_allclose(whole_forces, forces, atol=1e-8)


def test_one_water_selection_forces_match_finite_differences():
    water = tip3p_box(4)
    ff = build_forcefield(water, NonbondedSettings(method="pme", cutoff=0.6))
    term = SoluteEnergy(water, np.arange(3), ff.nonbonded)  # water 1: its bonds and all its pairs
    energy, forces = term.energy_forces(water.positions, water.box)
    assert set(term.last_energies) == {"bond", "nonbonded"}
    numeric = numerical_forces(term, water.positions, water.box, atoms=[0, 2, 3, 40])
    np.testing.assert_allclose(forces[[0, 2, 3, 40]], numeric, atol=2e-4 * max(1.0, np.abs(numeric).max()))
    assert np.abs(forces[3]).sum() > 0  # a solvent atom feels the selection


def test_selection_that_cuts_a_bond_is_refused():
    system = load_amber(*bundled("ala2_vacuum"))
    ff = build_forcefield(system, NonbondedSettings())
    with pytest.raises(InputError, match="sits.selection cuts a covalent bond"):
        selected_energy(system, ff, "@CA")
    with pytest.raises(InputError, match="sits.selection ':9': residues 9 are outside 1..3"):
        selected_energy(system, ff, ":9")


BARRIER, TILT, COUPLING, BATH = 15.0, 10.0, 100.0, 400.0  # kJ/mol, kJ/mol/nm, kJ/mol/nm^2


class WellInBath:
    """Particle 0 in a tilted double well along x, coupled by a spring to a bath particle 1."""

    def __init__(self, enhanced_only: bool = False) -> None:
        self.enhanced_only = enhanced_only
        self.last_energies: dict = {}

    def energy_forces(self, pos, box):
        x, b = pos[0, 0], pos[1, 0]
        energy = BARRIER * (x * x - 1.0) ** 2 + TILT * x + 0.5 * COUPLING * (x - b) ** 2
        f = np.zeros_like(pos)
        f[0, 0] = -(4.0 * BARRIER * x * (x * x - 1.0) + TILT + COUPLING * (x - b))
        f[1, 0] = COUPLING * (x - b)
        if not self.enhanced_only:  # the "solvent-solvent" part: never tempered
            energy += 0.5 * BATH * (b * b + np.sum(pos[:, 1:] ** 2))
            f[1, 0] -= BATH * b
            f[:, 1:] -= BATH * pos[:, 1:]
        return float(energy), f


def test_selective_sits_reweights_to_the_exact_boltzmann_population():
    masses = np.array([4.0, 4.0])
    integ = Integrator(
        "langevin_middle", 0.01, masses, Constraints(np.zeros((0, 2)), np.zeros(0), masses), 300.0, 2.0, 3
    )
    sits = SITS(
        WellInBath(), 300.0, SITS.geometric_levels(300.0, 1500.0, 12), 200, 6000, enhanced=WellInBath(True)
    )
    state = State(np.array([[-1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]]), np.zeros((2, 3)), None)
    xs, logw = [], []
    for _ in range(36000):
        integ.step(state, sits)
        xs.append(state.positions[0, 0])
        logw.append(sits.log_weight)
    xs, logw = np.asarray(xs)[6000:], np.asarray(logw)[6000:]
    estimate = basin_free_energy(xs > 0, logw, 300.0, blocks=6)
    # Exact: integrating out the bath leaves a spring COUPLING*BATH/(COUPLING+BATH) on x.
    grid = np.linspace(-3.0, 3.0, 60001)
    spring = COUPLING * BATH / (COUPLING + BATH)
    u = BARRIER * (grid**2 - 1) ** 2 + TILT * grid + 0.5 * spring * grid**2
    p = np.exp(-(u - u.min()) / (BOLTZMANN * 300.0))
    exact = float(p[grid > 0].sum() / p.sum())
    assert 0.02 < exact < 0.3
    assert abs(estimate.population - exact) < max(3.0 * estimate.population_error, 0.02)
    assert np.count_nonzero(np.diff(np.sign(xs[np.abs(xs) > 0.5]))) >= 10  # the barrier is crossed
