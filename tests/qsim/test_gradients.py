"""Observables and gradients: Pauli sums against dense matrices, adjoint against
parameter shift and finite differences of the dense reference."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, GateSpec
from mstool.toolkit.qsim.gradients import (
    batch_expectation,
    expectation,
    expectation_and_gradient,
    final_state,
    parameter_shift_gradient,
)
from mstool.toolkit.qsim.observables import PauliSum
from tests.qsim.dense_reference import pauli_matrix, reference_state
from tests.qsim.helpers import random_circuit, random_hamiltonian


@pytest.mark.parametrize("n", [1, 3, 7])
def test_pauli_expectation_and_apply_match_dense(n):
    rng = np.random.default_rng(n)
    ham = random_hamiltonian(n, 12, rng)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    dense = pauli_matrix(ham, n)
    assert abs(ham.expectation(psi) - np.vdot(psi, dense @ psi).real) < 1e-10
    assert np.max(np.abs(ham.apply(psi) - dense @ psi)) < 1e-10


@pytest.mark.parametrize("mixed", [False, True])
def test_diagonal_terms_apply_match_dense(mixed):
    """Z-only terms (single and products across the low/high index split of the diagonal
    kernel, 11 qubits: bit 10 is the first high bit), alone and next to X/Y terms."""
    rng = np.random.default_rng(12)
    n = 11
    terms = [(float(rng.normal()), [(q, "Z")]) for q in range(n)]
    terms += [(float(rng.normal()), [(int(a), "Z"), (int(b), "Z")]) for a, b in rng.integers(0, n, (6, 2))
              if a != b]
    if mixed:
        terms += [(0.3, [(0, "X"), (10, "Y")]), (-0.7, [(5, "Y")])]
    ham = PauliSum(terms, 0.25)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    dense = pauli_matrix(ham, n)
    assert np.max(np.abs(ham.apply(psi) - dense @ psi)) < 1e-10
    psi64 = psi.astype(np.complex64)
    assert np.max(np.abs(ham.apply(psi64) - dense @ psi)) < 1e-5


def test_openfermion_text_round_trip():
    text = "(-0.0988+0j) [] +\n(0.1712+0j) [Z0] +\n(-0.04532+0j) [X0 X1 Y2 Y3]"
    ham = PauliSum.parse(text)
    assert ham.constant == pytest.approx(-0.0988)
    again = PauliSum.parse(ham.to_text())
    assert sorted(again.terms) == sorted(ham.terms) and again.constant == ham.constant
    simple = PauliSum.parse("0.5 Z0 Z1 + 0.2 X0 - 0.1")
    assert sorted(simple.terms) == [(0.2, ((0, "X"),)), (0.5, ((0, "Z"), (1, "Z")))]


@pytest.mark.parametrize("text,message", [
    ("0.5 Z0 + (1+2j) X1", "not real"),
    ("0.5 Q0", "unexpected character"),
    ("0.5 [Z0", "unclosed"),
    ("0.5 Z0 Z0", "twice"),
    ("", "no terms"),
])
def test_bad_hamiltonians(text, message):
    with pytest.raises(InputError, match=message):
        PauliSum.parse(text, "h.txt")


def test_hamiltonian_on_missing_qubit_is_an_error():
    with pytest.raises(InputError, match="acts on qubit 3"):
        expectation(Circuit(2).h(0), PauliSum.parse("Z3"))


def test_adjoint_matches_parameter_shift_random_circuits():
    rng = np.random.default_rng(5)
    for trial in range(3):
        n = 4 + trial
        circ = random_circuit(n, 30, rng, symbolic=True, max_controls=1, custom=True)
        circ = Circuit(n, [op for op in circ.ops if not (op.controls and op.name == "u3")])
        ham = random_hamiltonian(n, 6, rng)
        values = {f"p{k}": float(v) for k, v in enumerate(rng.normal(size=4))}
        names = [f"p{k}" for k in range(4)]
        energy, grad = expectation_and_gradient(circ, ham, values, names)
        ref_psi = reference_state(circ, values)
        assert abs(energy - np.vdot(ref_psi, pauli_matrix(ham, n) @ ref_psi).real) < 1e-10
        shift = parameter_shift_gradient(circ, ham, values, names)
        assert np.max(np.abs(grad - shift)) < 1e-8


def test_adjoint_matches_dense_finite_differences_including_controlled_u3():
    rng = np.random.default_rng(9)
    circ = Circuit(3)
    circ += GateSpec("u3", ("a", "b", "c")).on(1, 0)
    circ += GateSpec("rzz", ("a",)).on((0, 2), 1)
    circ.h(0).ry("b", 2)
    ham = random_hamiltonian(3, 5, rng)
    dense = pauli_matrix(ham, 3)
    values = {"a": 0.3, "b": -1.1, "c": 0.7}
    _, grad = expectation_and_gradient(circ, ham, values, ["a", "b", "c"])
    for k, name in enumerate("abc"):
        h = 1e-5
        e = []
        for sign in (1, -1):
            shifted = dict(values, **{name: values[name] + sign * h})
            psi = reference_state(circ, shifted)
            e.append(np.vdot(psi, dense @ psi).real)
        assert abs(grad[k] - (e[0] - e[1]) / (2 * h)) < 1e-7


def test_batch_expectation_and_gradients_match_single_calls():
    rng = np.random.default_rng(2)
    circ = random_circuit(4, 20, rng, symbolic=True, max_controls=0, custom=False)
    ham = random_hamiltonian(4, 5, rng)
    names = [f"p{k}" for k in range(4)]
    rows = rng.normal(size=(3, 4))
    energies, grads = batch_expectation(circ, ham, rows, names, gradient=True)
    for row, e, g in zip(rows, energies, grads, strict=True):
        e1, g1 = expectation_and_gradient(circ, ham, dict(zip(names, row, strict=True)), names)
        assert abs(e - e1) < 1e-12 and np.max(np.abs(g - g1)) < 1e-12
    assert final_state(circ, dict(zip(names, rows[0], strict=True))).shape == (16,)


def test_hardware_efficient_gradient_pairs_rotations_correctly():
    from mstool.toolkit.qsim.ansatz import hardware_efficient

    rng = np.random.default_rng(4)
    circ = hardware_efficient(4, 2, 1)
    circ.rx("y0_0", 2)  # a symbol used twice, with the adjacent-rotation pairing on qubit 2
    ham = random_hamiltonian(4, 6, rng)
    start = rng.normal(size=len(circ.parameters))
    values = {s: float(v) for s, v in zip(circ.parameters, start, strict=True)}
    _, grad = expectation_and_gradient(circ, ham, values)
    shift = parameter_shift_gradient(circ, ham, values)
    assert np.max(np.abs(grad - shift)) < 1e-8


def test_parallel_chunked_backward_sweep_matches_serial_sweep():
    """The compiled sweep split into many small parallel chunks gives the same derivatives and
    the same final states as one serial pass (every op code, with controls); the compiled
    forward pass over the same program gives the fused simulator's state."""
    from mstool.toolkit.qsim.adjoint import lower_backward, run_backward, run_forward

    rng = np.random.default_rng(11)
    circ = random_circuit(6, 60, rng, symbolic=True, max_controls=2, custom=True)
    ham = random_hamiltonian(6, 5, rng)
    values = {f"p{k}": float(v) for k, v in enumerate(rng.normal(size=4))}
    psi = final_state(circ, values)
    lam = ham.apply(psi)
    program = lower_backward(circ.ops, values, psi.dtype)
    assert set(program.codes.tolist()) == {0, 1, 2, 3}
    forward = np.zeros_like(psi)
    forward[0] = 1.0
    run_forward(forward, program)  # the compiled forward reproduces the fused simulator
    assert np.max(np.abs(forward - psi)) < 1e-12
    outs = []
    for parallel_min, chunk in ((1 << 30, 2048), (1, 2)):
        p, q = psi.copy(), lam.copy()
        outs.append((run_backward(p, q, program, parallel_min, chunk), p, q))
    for a, b in zip(outs[0], outs[1], strict=True):
        assert np.max(np.abs(a - b)) < 1e-12
    assert abs(outs[0][1][0] - 1.0) < 1e-10  # undoing the whole circuit returns |0...0>
