"""The one execution-path choice (simulator.choose_path) and that run, expectation and gradient
follow it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, GateSpec
from mstool.toolkit.qsim.gradients import (
    _flat_expectation_and_gradient,
    blocked_expectation_and_gradient,
    expectation,
    final_state,
)
from mstool.toolkit.qsim.simulator import ExecutionPath, Simulator, choose_path
from tests.qsim.dense_reference import reference_state
from tests.qsim.helpers import random_circuit, random_hamiltonian


def _wide(n: int) -> Circuit:
    """A circuit with a 9-qubit gate (X with 8 controls): too wide for a buffer group."""
    circ = Circuit(n).h(0).ry("a", 1).cx(1, 2)
    circ += GateSpec("x").on(0, list(range(1, 9)))
    return circ.rz("b", 3)


@pytest.mark.parametrize(("n", "device", "circuit", "fuse", "expected"), [
    (4, "cpu", Circuit(4).h(0).cx(0, 3), None, ("cpu", "blocked")),
    (4, "cpu", Circuit(4).h(0).cx(0, 3), True, ("cpu", "fused")),
    (4, "cpu", Circuit(4).h(0).cx(0, 3), False, ("cpu", "per-gate")),
    (10, "cpu", _wide(10), None, ("cpu", "per-gate")),
    (12, "cpu", _wide(12), None, ("cpu", "fused")),
    (4, "cuda", Circuit(4).h(0), None, ("cuda", "per-gate")),
    (12, "cuda", Circuit(12).h(0), None, ("cuda", "fused")),
    (2, "cpu", Circuit(2).h(0).measure(0).measure(1), None, ("cpu", "blocked")),  # final measurements
    (2, "cuda", Circuit(2).h(0).measure(0).x(0), None, ("cpu", "shot-by-shot")),
])
def test_choose_path(n, device, circuit, fuse, expected):
    assert choose_path(n, "complex128", device, circuit, fuse) == ExecutionPath(*expected)


def test_gradient_follows_the_path_and_matches_the_method_it_names():
    rng = np.random.default_rng(4)
    ham = random_hamiltonian(10, 5, rng)
    values = {"a": 0.3, "b": -0.8}
    wide = _wide(10)
    sim = Simulator(10)
    assert sim.path(wide).gradient == "flat"
    assert sim.expectation_and_gradient(wide, ham, values, ["a", "b"])[1].tolist() == \
        _flat_expectation_and_gradient(wide, ham, values, ["a", "b"], "complex128")[1].tolist()
    narrow = Circuit(10, [op for op in wide.ops if len(op.qubits) <= 2])
    assert sim.path(narrow).gradient == "blocked"
    e, g = sim.expectation_and_gradient(narrow, ham, values, ["a", "b"])
    e_ref, g_ref = blocked_expectation_and_gradient(narrow, ham, values, ["a", "b"])
    assert (e, g.tolist()) == (e_ref, g_ref.tolist())
    # the flat path's energy is the energy of the state the run path prepares
    assert abs(sim.expectation_and_gradient(wide, ham, values)[0] - expectation(wide, ham, values)) < 1e-12


def test_run_paths_agree_with_the_dense_reference():
    rng = np.random.default_rng(8)
    circ = random_circuit(5, 30, rng, max_controls=2)
    ref = reference_state(circ)
    for fuse in (None, True, False):
        sim = Simulator(5)
        sim.apply_circuit(circ, fuse_gates=fuse)
        assert np.max(np.abs(sim.get_state() - ref)) < 1e-10
    assert np.max(np.abs(final_state(_wide(10), {"a": 0.2, "b": 0.1})
                         - reference_state(_wide(10), {"a": 0.2, "b": 0.1}))) < 1e-10


def test_apply_circuit_refuses_measurements_and_conditions():
    sim = Simulator(2)
    with pytest.raises(InputError, match="measurements, resets, conditions"):
        sim.apply_circuit(Circuit(2).h(0).measure(0))
    conditioned = Circuit(2).h(0)
    conditioned.ops[0] = replace(conditioned.ops[0], condition=((0,), 1))
    with pytest.raises(InputError, match="measurements, resets, conditions"):
        sim.apply_circuit(conditioned)


def test_complex64_runs_sample_counts():
    # float32 probabilities normalised in float32 used to sum past 1 in numpy's float64 check
    from mstool.toolkit.qsim.execution import run_circuit

    rng = np.random.default_rng(3)
    for n in (3, 6, 10) * 4:
        circ = random_circuit(n, 40, rng, symbolic=True, max_controls=2)
        values = {f"p{k}": float(v) for k, v in enumerate(rng.normal(size=4))}
        result = run_circuit(circ, shots=50, seed=1, dtype="complex64", values=values)
        assert sum(result.counts.values()) == 50
