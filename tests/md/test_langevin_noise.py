"""The counter-based Langevin noise: standard normal, uncorrelated across steps, atoms and
components, the same on any thread count, and a function of (seed, step) alone."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State
from mstool.toolkit.md.kernels import noise

N_ATOMS = 100_000


@pytest.fixture(scope="module")
def draws():
    """Two consecutive streams (steps) of 100,000 atoms."""
    return noise.gaussian_noise(2024, 41, N_ATOMS), noise.gaussian_noise(2024, 42, N_ATOMS)


def test_noise_is_standard_normal(draws):
    values = np.concatenate([d.ravel() for d in draws])  # 600,000 numbers
    se = 1.0 / np.sqrt(values.size)
    assert abs(values.mean()) < 5 * se
    assert abs(values.var() - 1.0) < 5 * np.sqrt(2.0) * se
    assert abs(stats.skew(values)) < 5 * np.sqrt(6.0) * se
    assert abs(stats.kurtosis(values)) < 5 * np.sqrt(24.0) * se
    assert stats.kstest(values, "norm").pvalue > 1e-3
    # The ziggurat's tail beyond r = 3.654 (its own slow path) at the normal's rate.
    tail = np.count_nonzero(np.abs(values) > noise.TAIL_START)
    expected = values.size * 2.0 * stats.norm.sf(noise.TAIL_START)
    assert abs(tail - expected) < 5 * np.sqrt(expected)


def test_no_correlation_between_steps_atoms_or_components(draws):
    now, after = draws
    limit = 5.0 / np.sqrt(N_ATOMS)
    pairs = {
        "consecutive steps": (now.ravel(), after.ravel()),
        "neighbouring atoms": (now[:-1].ravel(), now[1:].ravel()),
        "x and y": (now[:, 0], now[:, 1]),
        "y and z": (now[:, 1], now[:, 2]),
        "z and the next atom's x": (now[:-1, 2], now[1:, 0]),
    }
    for name, (a, b) in pairs.items():
        assert abs(np.corrcoef(a, b)[0, 1]) < limit, name
    assert abs(np.corrcoef(now[:, 0] ** 2, after[:, 0] ** 2)[0, 1]) < limit  # nor in the magnitudes


def test_noise_depends_on_seed_and_stream_only_not_on_threads():
    out_serial, out_parallel = np.empty((5000, 3)), np.empty((5000, 3))
    noise.standard_normals_serial(noise.seed_word(3), np.uint64(9), out_serial)
    noise.standard_normals_parallel(noise.seed_word(3), np.uint64(9), out_parallel)
    assert np.array_equal(out_serial, out_parallel)
    assert np.array_equal(out_serial[:100], noise.gaussian_noise(3, 9, 100))  # atom i's numbers are its own
    assert not np.array_equal(out_serial, noise.gaussian_noise(4, 9, 5000))
    assert not np.array_equal(out_serial, noise.gaussian_noise(3, 10, 5000))


def test_a_resumed_integrator_repeats_the_noise_from_seed_and_step():
    water = tip3p_box(2)
    ff = build_forcefield(water, NonbondedSettings(method="cutoff", cutoff=0.3))
    cons = constraints_for(water, "hbonds")
    v0 = np.random.default_rng(0).normal(scale=0.3, size=water.positions.shape)

    def fresh():
        return Integrator("baoab", 0.002, water.masses, cons, 300.0, 5.0, seed=5)

    full, state = fresh(), State(water.positions.copy(), v0.copy(), water.box)
    for _ in range(6):
        full.step(state, ff)
        if state.step == 3:
            saved = State(state.positions.copy(), state.velocities.copy(), water.box, step=3)
    resumed = fresh()  # a new integrator (a new process): only the seed and the step carry over
    for _ in range(3):
        resumed.step(saved, ff)
    assert np.array_equal(saved.positions, state.positions)
    assert np.array_equal(saved.velocities, state.velocities)
