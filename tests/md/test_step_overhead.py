"""The per-step bookkeeping (reused work arrays, cached noise widths, one-pass state check)
against the plain numpy formulation of the same moves."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mstool.toolkit.errors import WorkFailed
from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import MAX_SPEED, Integrator, State, check_finite
from mstool.toolkit.md.kernels.noise import gaussian_noise
from mstool.toolkit.md.units import BOLTZMANN


def _plain_drift(integ, state, h):
    old = state.positions.copy()
    state.positions += h * state.velocities
    if integ.constraints.count:
        moved = state.positions.copy()
        integ.constraints.apply_positions(state.positions, old, state.step)
        state.velocities += (state.positions - moved) / h


def _plain_thermostat(integ, state, h):
    a = math.exp(-integ.friction * h)
    sigma = np.sqrt(BOLTZMANN * integ.temperature * (1.0 - a * a) * integ.inv_mass)
    state.velocities *= a
    # One O move a step: the noise of stream ``step`` of the integrator's seed.
    state.velocities += sigma * gaussian_noise(integ.noise_seed, state.step, len(state.velocities))
    integ.constraints.apply_velocities(state.positions, state.velocities, state.step)


class _PlainMovesIntegrator(Integrator):
    """The same scheme with its drift and O moves in plain numpy (counted in ``plain_calls``)."""

    plain_calls = 0

    def _drift(self, state, h):
        self.plain_calls += 1
        _plain_drift(self, state, h)

    def _thermostat(self, state, h):
        self.plain_calls += 1
        _plain_thermostat(self, state, h)


@pytest.mark.parametrize("kind", ["langevin_middle", "baoab"])
def test_steps_match_plain_numpy_moves(kind):
    water = tip3p_box(2)
    ff = build_forcefield(water, NonbondedSettings(method="cutoff", cutoff=0.3))
    constraints = constraints_for(water, "hbonds")
    states, integrators = [], []
    for cls in (Integrator, _PlainMovesIntegrator):
        integ = cls(kind, 0.002, water.masses, constraints, 300.0, 5.0, seed=11)
        v = np.random.default_rng(2).normal(scale=0.3, size=water.positions.shape)
        states.append(State(water.positions.copy(), v, water.box))
        integrators.append(integ)
    for _ in range(5):
        for integ, state in zip(integrators, states, strict=True):
            integ.step(state, ff)
    assert integrators[1].plain_calls == 5 * 3  # two half drifts and one O move a step
    assert np.array_equal(states[0].positions, states[1].positions)
    assert np.array_equal(states[0].velocities, states[1].velocities)
    integrators[0].temperature = 200.0  # a changed bath temperature must not reuse the old widths
    a, sigma = integrators[0]._noise_scale(0.002)
    assert sigma[0, 0] == pytest.approx(
        math.sqrt(BOLTZMANN * 200.0 * (1 - a * a) / water.masses[0]), rel=1e-14
    )


def test_state_check_names_the_bad_atom():
    rng = np.random.default_rng(0)
    pos, vel, forces = rng.normal(size=(3, 20, 3))
    state = State(pos, vel, None, forces=forces, step=7)
    check_finite(state, check_speed=True)  # all fine
    state.forces[12, 1] = np.nan
    with pytest.raises(WorkFailed, match=r"step 7: non-finite energy or force \(atom 13\)"):
        check_finite(state)
    state.forces[12, 1] = 0.0
    state.potential = np.inf
    with pytest.raises(WorkFailed, match=r"\(atom 1\)"):
        check_finite(state)
    state.potential = 0.0
    state.velocities[4] = [0.0, 2 * MAX_SPEED, 0.0]
    check_finite(state)  # the speed limit only applies after a step
    with pytest.raises(WorkFailed, match="atom 5 moves at 400 nm/ps"):
        check_finite(state, check_speed=True)
    check_finite(State(pos, vel, None, forces=None))  # before the first force evaluation
