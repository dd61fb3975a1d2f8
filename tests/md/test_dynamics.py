"""Integrators, constraints, thermostat and energy conservation on small systems."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.builders import lj_fluid
from mstool.toolkit.md.constraints import Constraints, constraints_for
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann, temperature_of
from mstool.toolkit.md.minimize import minimise
from mstool.toolkit.md.units import BOLTZMANN


def _ala2_state(seed=0):
    system = load_amber(*bundled("ala2_vacuum"))
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    pos, _, _ = minimise(ff, system.positions, None, 20, 100)
    cons = constraints_for(system, "hbonds")
    vel = maxwell_boltzmann(system.masses, 300.0, np.random.default_rng(seed))
    cons.apply_positions(pos, pos.copy())
    cons.apply_velocities(pos, vel)
    return system, ff, cons, State(pos, vel, None)


def test_nve_with_constraints_conserves_energy():
    system, ff, cons, state = _ala2_state()
    integ = Integrator("verlet", 0.001, system.masses, cons)
    totals = []
    for _ in range(8000):  # 8 ps at 1 fs
        integ.step(state, ff)
        totals.append(state.potential + integ.kinetic_energy(state))
    totals = np.asarray(totals)
    dof = 3 * system.n_atoms - cons.count - 3
    kt = BOLTZMANN * 300.0
    times_ns = np.arange(len(totals)) * 1e-6
    slope = np.polyfit(times_ns, totals, 1)[0]
    assert abs(slope) / (kt * dof) < 0.01  # kT per degree of freedom per ns
    assert np.std(totals) < 0.05 * kt * dof
    r = np.linalg.norm(state.positions[cons.pairs[:, 0]] - state.positions[cons.pairs[:, 1]], axis=1)
    assert np.abs(r - cons.lengths).max() < 1e-8


def test_langevin_middle_holds_temperature():
    fluid = lj_fluid(216, 20.0, seed=4)
    ff = build_forcefield(fluid, NonbondedSettings(method="cutoff", cutoff=0.8))
    none = Constraints(np.zeros((0, 2)), np.zeros(0), fluid.masses)
    integ = Integrator("langevin_middle", 0.005, fluid.masses, none, temperature=300.0, friction=10.0, seed=5)
    state = State(fluid.positions.copy(), maxwell_boltzmann(fluid.masses, 300.0, integ.rng), fluid.box)
    temps = []
    for step in range(6000):
        integ.step(state, ff)
        if step >= 500:
            temps.append(temperature_of(integ.kinetic_energy(state), 3 * fluid.n_atoms))
    assert abs(np.mean(temps) - 300.0) < 3.0


def test_baoab_samples_harmonic_oscillator_positions():
    class Spring:
        last_energies: dict = {}

        def energy_forces(self, pos, box):
            return float(0.5 * 500.0 * np.sum(pos**2)), -500.0 * pos

    masses = np.full(200, 12.0)
    none = Constraints(np.zeros((0, 2)), np.zeros(0), masses)
    integ = Integrator("baoab", 0.01, masses, none, temperature=300.0, friction=5.0, seed=6)
    state = State(np.zeros((200, 3)), np.zeros((200, 3)), None)
    samples = []
    for step in range(1500):
        integ.step(state, Spring())
        if step > 300:
            samples.append(np.mean(state.positions**2))
    # BAOAB's configurational distribution is exact for a harmonic well up to O(dt^2).
    expected = BOLTZMANN * 300.0 / 500.0
    assert abs(np.mean(samples) / expected - 1.0) < 0.05


def test_andersen_and_berendsen_thermostats_reach_the_bath_temperature():
    fluid = lj_fluid(216, 20.0, seed=4)
    ff = build_forcefield(fluid, NonbondedSettings(method="cutoff", cutoff=0.8))
    none = Constraints(np.zeros((0, 2)), np.zeros(0), fluid.masses)
    for kind, tolerance in (("andersen", 3.0), ("berendsen", 3.0)):
        integ = Integrator(kind, 0.005, fluid.masses, none, temperature=300.0, friction=10.0, seed=5)
        state = State(fluid.positions.copy(), maxwell_boltzmann(fluid.masses, 150.0, integ.rng), fluid.box)
        temps = []
        for step in range(3000):
            integ.step(state, ff)
            if step >= 500:
                temps.append(temperature_of(integ.kinetic_energy(state), 3 * fluid.n_atoms))
        assert abs(np.mean(temps) - 300.0) < tolerance, kind


def test_settle_matches_converged_matrix_shake():
    from mstool.toolkit.md.builders import tip3p_box
    from mstool.toolkit.md.kernels import constraints as kernels
    from mstool.toolkit.md.kernels.settle import settle_positions_serial as settle_positions

    water = tip3p_box(3)
    cons = constraints_for(water, "hbonds")
    assert len(cons.waters) == 27 and len(cons.shake_pairs) == 0
    rng = np.random.default_rng(0)
    reference = water.positions.copy()
    moved = reference + rng.normal(scale=0.003, size=reference.shape)
    by_shake = moved.copy()
    assert (
        kernels.shake_serial(
            by_shake, reference, cons.pairs, cons.lengths, cons.inv_mass, cons.cluster_start, 1e-14, 500
        )
        >= 0
    )
    by_settle = moved.copy()
    assert settle_positions(by_settle, reference, cons.waters, *cons.water_params) == 0
    assert np.abs(by_settle - by_shake).max() < 1e-10
    r = np.linalg.norm(by_settle[cons.pairs[:, 0]] - by_settle[cons.pairs[:, 1]], axis=1)
    assert np.abs(r - cons.lengths).max() < 1e-12
