"""Virtual sites (Amber extra points): placement, force redistribution, TIP4P/TIP5P references,
and dynamics with massless sites."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann, temperature_of
from mstool.toolkit.md.system import System
from mstool.toolkit.md.virtual_sites import VirtualSites, find_virtual_sites
from tests.md.breadth import breadth_system, compare


class _SiteOnlyEnergy:
    """E = sum over sites of k . x_site + |x_site|^2: a smooth energy that depends only on sites."""

    def __init__(self, sites: VirtualSites) -> None:
        self.sites = sites

    def energy_forces(self, positions, box):
        pos = positions.copy()
        self.sites.place(pos)
        idx = self.sites.indices
        k = np.array([0.3, -1.1, 0.7])
        energy = float(np.sum(pos[idx] @ k + np.sum(pos[idx] ** 2, axis=1)))
        forces = np.zeros_like(pos)
        forces[idx] = -(k + 2.0 * pos[idx])
        self.sites.spread(pos, forces)
        return energy, forces


@pytest.mark.parametrize(
    "weights",
    [(0.128, 0.128, 0.0), (-0.3448, -0.3448, 6.443), (-0.3448, -0.3448, -6.443), (-0.15, 0.0, 0.0)],
)
def test_site_forces_are_the_gradient_through_the_parents(weights):
    rng = np.random.default_rng(1)
    pos = np.array([[0.0, 0.0, 0.0], [0.09, 0.03, 0.0], [-0.03, 0.09, 0.01], [0.0, 0.0, 0.0]])
    pos += rng.normal(scale=0.01, size=pos.shape)
    parents = [0, 1, 1] if weights[1] == 0.0 else [0, 1, 2]
    term = _SiteOnlyEnergy(VirtualSites(np.array([[3, *parents]]), np.array([weights])))
    _, forces = term.energy_forces(pos, None)
    h = 1e-6
    for i in range(3):
        for d in range(3):
            plus, minus = pos.copy(), pos.copy()
            plus[i, d] += h
            minus[i, d] -= h
            numeric = -(term.energy_forces(plus, None)[0] - term.energy_forces(minus, None)[0]) / (2 * h)
            assert forces[i, d] == pytest.approx(numeric, abs=1e-6)
    assert np.all(forces[3] == 0.0)


def test_sites_are_rebuilt_from_the_topology_not_the_file():
    system, _, ref = breadth_system("tip5p_water_box")
    assert system.n_virtual_sites == 432
    moved = system.positions.copy()
    moved[system.virtual_sites.indices] += 0.05  # a wrong file position must not matter
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    ff.energy_forces(moved, None)
    assert np.abs(moved - ref["positions_nm"]).max() < 1e-8


@pytest.mark.parametrize("name", ["tip4p_water_box", "tip5p_water_box"])
def test_extra_point_waters_match_openmm(name):
    errors, force_rms = compare(name)
    assert errors["nonbonded"] < 1e-5
    assert errors["total"] < 1e-5
    assert force_rms < 1e-4


def test_sites_carry_no_degrees_of_freedom():
    system, _, _ = breadth_system("tip4p_water_box")
    constraints = constraints_for(system, "allbonds")
    assert constraints.count == 3 * 216  # O-EP bonds are not constraints
    assert system.degrees_of_freedom(constraints.count) == 3 * 648 - 648
    v = maxwell_boltzmann(system.masses, 300.0, np.random.default_rng(0))
    assert np.all(v[system.virtual_sites.indices] == 0.0)


def test_unsupported_extra_point_frame_is_refused():
    # A massless atom bonded to two real atoms has no single parent.
    system = System(n_atoms=3, masses=np.array([12.0, 12.0, 0.0]), atom_names=["C1", "C2", "EP"])
    system.bond_atoms = np.array([[0, 2], [1, 2]])
    system.bond_r0 = np.array([0.1, 0.1])
    with pytest.raises(InputError, match="extra point atom 3"):
        find_virtual_sites(system, "x.parm7")


def _langevin(name: str, steps: int) -> list[float]:
    system, _, _ = breadth_system(name)
    ff = build_forcefield(system, NonbondedSettings(method="pme", cutoff=0.8))
    constraints = constraints_for(system, "hbonds")
    integ = Integrator("langevin_middle", 0.002, system.masses, constraints, 300.0, 1.0, seed=3)
    state = State(system.positions.copy(), maxwell_boltzmann(system.masses, 300.0, integ.rng), system.box)
    constraints.apply_positions(state.positions, state.positions.copy())
    constraints.apply_velocities(state.positions, state.velocities)
    dof = system.degrees_of_freedom(constraints.count)
    temps = []
    for _ in range(steps):
        integ.step(state, ff)
        temps.append(temperature_of(integ.kinetic_energy(state), dof))
    return temps


@pytest.mark.parametrize("name", ["tip4p_water_box", "tip5p_water_box"])
def test_extra_point_water_1000_langevin_steps_are_stable(name):
    temps = _langevin(name, 1000)
    assert np.all(np.isfinite(temps)) and 250.0 < np.mean(temps[-200:]) < 350.0
