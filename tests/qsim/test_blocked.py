"""The cache-blocked executor against the dense reference and the flat kernels: group plans
keep gate order, forward runs and adjoint gradients agree for every gate kind and every
group size (many groups of few qubits, one group of all), serial and parallel."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.qsim import blocked
from mstool.toolkit.qsim.blocked_kernels import SELECT1, TRANSPOSE
from mstool.toolkit.qsim.circuit import Circuit, GateSpec
from mstool.toolkit.qsim.gradients import (
    _flat_expectation_and_gradient,
    blocked_expectation_and_gradient,
    final_state,
    parameter_shift_gradient,
)
from mstool.toolkit.qsim.simulator import Simulator
from mstool.toolkit.qsim.statevector import compile_circuit, run_call, zero_state
from tests.qsim.dense_reference import reference_state
from tests.qsim.helpers import random_circuit, random_hamiltonian


def test_plan_keeps_the_order_of_gates_that_share_a_qubit():
    rng = np.random.default_rng(3)
    n = 7
    sets = [tuple(int(q) for q in rng.permutation(n)[: rng.integers(1, 4)]) for _ in range(80)]
    for max_q, low in ((3, 0), (4, 2), (5, 3), (7, 3)):
        groups = blocked.plan_groups(sets, n, max_q, low)
        order = [i for _, items in groups for i in items]
        assert sorted(order) == list(range(len(sets)))
        for q in range(n):
            on_q = [i for i in order if q in sets[i]]
            assert on_q == sorted(on_q)
        for qubits, items in groups:
            assert set(range(low)) <= set(qubits)
            assert all(set(sets[i]) <= set(qubits) for i in items)
            assert len(qubits) <= max_q or len(items) == 1  # a wide first gate may overflow


@pytest.mark.parametrize("n", [1, 3, 6, 8])
def test_blocked_forward_matches_dense_reference_for_every_group_size(n):
    rng = np.random.default_rng(n)
    circ = random_circuit(n, 50, rng, max_controls=2)
    ref = reference_state(circ)
    for max_q in sorted({1, 2, 3, min(5, n), n}):
        for low in sorted({0, min(2, max_q - 1), min(3, n, max_q)}):
            psi = zero_state(n)
            blocked.run_ops(psi, blocked.forward_ops(circ.ops, None), max_q, max(low, 0))
            assert np.max(np.abs(psi - ref)) < 1e-10, (max_q, low)
    psi64 = zero_state(n, "complex64")
    blocked.run_ops(psi64, blocked.forward_ops(circ.ops, None), 2, 1)
    assert psi64.dtype == np.complex64 and np.max(np.abs(psi64 - ref)) < 1e-5


def test_complex64_groups_are_wider_and_match_complex128():
    """A group's buffer has a fixed byte size: 2^17 complex64 or 2^16 complex128 amplitudes;
    the complex64 run (float32 arithmetic) agrees with the complex128 one to 1e-5."""
    n = 18
    circ = random_circuit(n, 60, np.random.default_rng(18), max_controls=1)
    ops = blocked.forward_ops(circ.ops, None)
    assert max(blocked.plan(ops, n, itemsize=8).g_nq) == 17
    assert max(blocked.plan(ops, n, itemsize=16).g_nq) == 16
    psi128 = final_state(circ)
    psi64 = final_state(circ, dtype="complex64")
    assert psi64.dtype == np.complex64
    assert np.max(np.abs(psi64 - psi128)) < 1e-5


def test_blocked_forward_parallel_matches_flat_kernels():
    """2^16 amplitudes: the parallel build, many cosets per group."""
    rng = np.random.default_rng(16)
    circ = random_circuit(16, 80, rng, max_controls=2)
    flat = zero_state(16)
    for call in compile_circuit(circ, None, fuse_gates=False):
        run_call(flat, call)
    assert np.max(np.abs(final_state(circ) - flat)) < 1e-10
    small = zero_state(16)
    blocked.run_ops(small, blocked.forward_ops(circ.ops, None), 5, 3)
    assert np.max(np.abs(small - flat)) < 1e-10
    enc = blocked.plan(blocked.forward_ops(circ.ops, None), 16)
    assert TRANSPOSE in enc.codes.tolist()  # wide groups run their low-bit gates transposed


def test_transposed_groups_match_dense_reference():
    """Groups of 9-10 qubits: gates on the lowest buffer bits run after a TRANSPOSE, with
    controls on either side of the exchanged bit fields."""
    rng = np.random.default_rng(10)
    circ = random_circuit(10, 120, rng, max_controls=2)
    ops = blocked.forward_ops(circ.ops, None)
    enc, _ = blocked.encode(ops, blocked.plan_groups([op.qubits for op in ops], 10, 10, 4))
    assert TRANSPOSE in enc.codes.tolist()
    ref = reference_state(circ)
    for max_q in (9, 10):
        psi = zero_state(10)
        blocked.run_ops(psi, ops, max_q, 4)
        assert np.max(np.abs(psi - ref)) < 1e-10


def test_groups_start_and_end_in_the_natural_layout():
    """A group whose first gates sit on the lowest buffer bits transposes inside the buffer,
    so every gather and scatter still moves psi-contiguous runs of the low qubits."""
    circ = Circuit(12)
    for q in range(12):
        circ.h(q)
    for q in range(11):
        circ.cx(q, q + 1)
    ops = blocked.forward_ops(circ.ops, None)
    enc, order = blocked.encode(ops, blocked.plan_groups([op.qubits for op in ops], 12, 10, 4))
    assert order[0] == -1 and enc.codes[0] == TRANSPOSE  # the low-qubit gates run transposed
    for g in range(len(enc.g_nq)):
        rows = enc.codes[enc.g_ops[g]:enc.g_ops[g + 1]].tolist()
        assert rows.count(TRANSPOSE) % 2 == 0  # back in the natural layout before the scatter
        assert enc.offsets[g, :16].tolist() == list(range(16))
    psi = zero_state(12, "complex64")
    blocked.run_ops(psi, ops, 10, 4)
    assert np.max(np.abs(psi - reference_state(circ))) < 1e-6


def test_runs_from_zero_skip_cosets_that_are_still_zero():
    """From |0...0> a group runs only the cosets its earlier groups can have filled; the result
    equals running every coset, and a state that is not |0...0> still runs them all."""
    circ = random_circuit(9, 70, np.random.default_rng(9), max_controls=1)
    ops = blocked.forward_ops(circ.ops, None)
    enc, _ = blocked.encode(ops, blocked.plan_groups([op.qubits for op in ops], 9, 5, 2))
    masks = blocked.coset_masks(enc, 9, from_zero=True)
    assert masks[0] == 0 and len(enc.g_nq) > 2  # the first group runs one coset of 16
    ref = reference_state(circ)
    for dtype, tol in (("complex128", 1e-10), ("complex64", 1e-5)):
        skipped, full = zero_state(9, dtype), zero_state(9, dtype)
        blocked.run_encoded(skipped, enc, from_zero=True)
        blocked.run_encoded(full, enc)
        assert np.array_equal(skipped, full)
        assert np.max(np.abs(skipped - ref)) < tol
    wide = random_circuit(14, 40, np.random.default_rng(14), max_controls=1)  # 2 cosets per group
    flat = zero_state(14)
    for call in compile_circuit(wide + wide, None, fuse_gates=False):
        run_call(flat, call)
    sim = Simulator(14)
    sim.run(wide)
    sim.apply_circuit(wide)  # from the state the first run left: every coset
    assert np.max(np.abs(sim.get_state() - flat)) < 1e-10


def test_large_states_gather_longer_runs_and_match_dense_reference():
    """States of 64 MiB and more keep qubits 0-5 in every group: gathers and scatters move
    runs of 64 psi-contiguous amplitudes (checked here on 10 qubits, both precisions)."""
    assert blocked.group_sizes(23, 8) == (17, 6) and blocked.group_sizes(22, 16) == (16, 6)
    assert blocked.group_sizes(22, 8)[1] == 4
    circ = random_circuit(10, 120, np.random.default_rng(64), max_controls=2)
    ops = blocked.forward_ops(circ.ops, None)
    ref = reference_state(circ)
    for max_q in (8, 10):
        psi = zero_state(10)
        blocked.run_ops(psi, ops, max_q, 6)
        assert np.max(np.abs(psi - ref)) < 1e-10, max_q
        psi64 = zero_state(10, "complex64")
        blocked.run_ops(psi64, ops, max_q, 6)
        assert np.max(np.abs(psi64 - ref)) < 1e-5, max_q


def test_gate_wider_than_a_group_falls_back_to_the_flat_kernels():
    circ = Circuit(10).h(0).h(3)
    circ += GateSpec("x").on(9, list(range(9)))  # 8+ controls: wider than the position table
    psi = zero_state(10)
    assert not blocked.apply_gates(psi, circ.ops, None)
    assert np.max(np.abs(final_state(circ) - reference_state(circ))) < 1e-12


@pytest.mark.parametrize("max_qubits", [(2, 2), (3, 2), (4, 3), (6, 6)])
def test_blocked_adjoint_matches_parameter_shift_and_flat_sweep(max_qubits):
    rng = np.random.default_rng(sum(max_qubits))
    n = 6
    circ = random_circuit(n, 40, rng, symbolic=True, max_controls=2, custom=True)
    circ = Circuit(n, [op for op in circ.ops if not (op.controls and op.name == "u3")])
    ham = random_hamiltonian(n, 6, rng)
    names = [f"p{k}" for k in range(4)]
    values = {name: float(v) for name, v in zip(names, rng.normal(size=4), strict=True)}
    energy, grad = blocked_expectation_and_gradient(circ, ham, values, names, max_qubits=max_qubits)
    flat_energy, flat_grad = _flat_expectation_and_gradient(circ, ham, values, names, "complex128")
    assert abs(energy - flat_energy) < 1e-10
    assert np.max(np.abs(grad - flat_grad)) < 1e-10
    assert np.max(np.abs(grad - parameter_shift_gradient(circ, ham, values, names))) < 1e-8
    e64, g64 = blocked_expectation_and_gradient(circ, ham, values, names, "complex64", max_qubits)
    assert abs(e64 - energy) < 1e-4 and np.max(np.abs(g64 - grad)) < 1e-4


def test_blocked_adjoint_parallel_matches_flat_sweep():
    """2^16 amplitudes: parallel groups, derivative sums over many cosets."""
    rng = np.random.default_rng(7)
    n = 16
    circ = random_circuit(n, 60, rng, symbolic=True, max_controls=2, custom=True)
    ham = random_hamiltonian(n, 4, rng)
    names = [f"p{k}" for k in range(4)]
    values = {name: float(v) for name, v in zip(names, rng.normal(size=4), strict=True)}
    flat = _flat_expectation_and_gradient(circ, ham, values, names, "complex128")
    for sizes in ((13, 12), (6, 5)):
        energy, grad = blocked_expectation_and_gradient(circ, ham, values, names, max_qubits=sizes)
        assert abs(energy - flat[0]) < 1e-10
        assert np.max(np.abs(grad - flat[1])) < 1e-10


def test_cached_plan_with_new_parameter_values_gives_their_gradient():
    """The second call reuses the cached group plan and refills only the matrices."""
    rng = np.random.default_rng(21)
    n = 5
    circ = random_circuit(n, 30, rng, symbolic=True, max_controls=1, custom=False)
    circ = Circuit(n, [op for op in circ.ops if not (op.controls and op.name == "u3")])
    ham = random_hamiltonian(n, 5, rng)
    names = [f"p{k}" for k in range(4)]
    for _ in range(2):
        values = {name: float(v) for name, v in zip(names, rng.normal(size=4), strict=True)}
        energy, grad = blocked_expectation_and_gradient(circ, ham, values, names, max_qubits=(3, 3))
        psi = reference_state(circ, values)
        assert abs(energy - np.vdot(psi, ham.apply(psi)).real) < 1e-10
        assert np.max(np.abs(grad - parameter_shift_gradient(circ, ham, values, names))) < 1e-8


def test_one_qubit_runs_fold_into_cnots():
    """RX/RZ runs before and after a CNOT on its target become one SELECT1 op; the state
    matches the dense reference (also with the CNOT's control and target exchanged)."""
    circ = Circuit(11)
    for layer in range(3):
        for q in range(11):
            circ.rx(0.3 + q + layer, q).rz(0.2 * q - layer, q)
        for q in range(10):
            circ.cx(q, q + 1) if layer % 2 == 0 else circ.cx(q + 1, q)
        circ.ry(0.7, 5)
    ops = blocked.forward_ops(circ.ops, None)
    assert sum(op.code == SELECT1 for op in ops) >= 20
    ref = reference_state(circ)
    for max_q in (4, 9, 11):
        psi = zero_state(11)
        blocked.run_ops(psi, ops, max_q, 4 if max_q > 4 else 2)
        assert np.max(np.abs(psi - ref)) < 1e-10


@pytest.mark.parametrize("gate", ["rx", "ry", "rz"])
def test_fused_rotation_derivative_and_inverse_match_parameter_shift(gate):
    """Each Pauli rotation's one-pass derivative-and-undo op (DAPPLY1), across groups."""
    from mstool.toolkit.qsim.parameters import Parameter

    rng = np.random.default_rng(len(gate) + ord(gate[1]))
    n = 9
    a, b = Parameter("a"), Parameter("b")
    circ = Circuit(n)
    for q in range(n):
        circ.h(q)
        getattr(circ, gate)(0.7 * a + 0.1 * q, q)
        circ.cx(q, (q + 1) % n)
        getattr(circ, gate)(-1.3 * b + a, (q + 2) % n)
    ham = random_hamiltonian(n, 6, rng)
    values = {"a": 0.4, "b": -0.9}
    shift = parameter_shift_gradient(circ, ham, values, ["a", "b"])
    for sizes in ((9, 9), (5, 5)):
        _, grad = blocked_expectation_and_gradient(circ, ham, values, ["a", "b"], max_qubits=sizes)
        assert np.max(np.abs(grad - shift)) < 1e-8
