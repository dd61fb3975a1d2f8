"""Noise: the density-matrix simulator against closed forms and the state vector, and
Monte Carlo trajectories converging to the density matrix."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.density import simulate_density_matrix
from mstool.toolkit.qsim.execution import run_circuit
from mstool.toolkit.qsim.noise import (
    amplitude_damping,
    bit_flip,
    depolarizing,
    pauli_channel,
    phase_damping,
    phase_flip,
    trajectory_expectation,
    with_noise,
)
from tests.qsim.dense_reference import pauli_matrix, reference_state
from tests.qsim.helpers import random_circuit, random_hamiltonian


def test_density_matrix_of_unitary_circuit_is_the_pure_state():
    circ = random_circuit(4, 30, np.random.default_rng(0))
    psi = reference_state(circ)
    assert np.max(np.abs(simulate_density_matrix(circ) - np.outer(psi, psi.conj()))) < 1e-10


@pytest.mark.parametrize("channel,prepare,expected", [
    (amplitude_damping(0.3), "x", np.diag([0.3, 0.7])),
    (bit_flip(0.2), "", np.diag([0.8, 0.2])),
    (depolarizing(0.3), "", np.diag([0.8, 0.2])),
    (phase_flip(0.25), "h", np.array([[0.5, 0.25], [0.25, 0.5]])),
    (phase_damping(0.36), "h", np.array([[0.5, 0.4], [0.4, 0.5]])),
    (pauli_channel(0.1, 0.2, 0.0), "", np.diag([0.7, 0.3])),
])
def test_single_channels_match_closed_forms(channel, prepare, expected):
    circ = Circuit(1)
    if prepare:
        circ.add(prepare, 0)
    circ += channel.on(0)
    assert np.max(np.abs(simulate_density_matrix(circ) - expected)) < 1e-12


def test_trajectories_converge_to_density_matrix():
    rng = np.random.default_rng(12)
    base = random_circuit(3, 12, rng, max_controls=1, custom=False)
    circ = with_noise(base, depolarizing(0.05))
    circ += amplitude_damping(0.2).on(1)
    circ += phase_damping(0.3).on(2)
    ham = random_hamiltonian(3, 6, rng)
    rho = simulate_density_matrix(circ)
    exact = np.trace(pauli_matrix(ham, 3) @ rho).real
    mean, stderr = trajectory_expectation(circ, ham, trajectories=1500, seed=3)
    assert stderr > 0 and abs(mean - exact) < 4 * stderr + 1e-3
    again = trajectory_expectation(circ, ham, trajectories=50, seed=3)
    assert again == trajectory_expectation(circ, ham, trajectories=50, seed=3)


def test_noisy_sampling_matches_density_matrix_diagonal():
    circ = Circuit(2).h(0).cx(0, 1)
    circ += amplitude_damping(0.4).on(0)
    circ += bit_flip(0.1).on(1)
    circ.measure(0).measure(1)
    probs = np.diag(simulate_density_matrix(circ)).real
    shots = 3000
    counts = run_circuit(circ, shots=shots, seed=9).counts
    for index, p in enumerate(probs):
        key = format(index, "02b")
        assert abs(counts.get(key, 0) / shots - p) < 4 * np.sqrt(p * (1 - p) / shots) + 1e-9


def test_bad_channel_parameters():
    with pytest.raises(InputError, match="probability"):
        depolarizing(1.5)
    with pytest.raises(InputError, match="probability"):
        pauli_channel(0.5, 0.4, 0.3)
