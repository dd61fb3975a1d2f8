"""State-vector kernels and fusion against the dense-matrix reference."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, GateSpec, UnitaryGate
from mstool.toolkit.qsim.gradients import final_state
from mstool.toolkit.qsim.simulator import Simulator
from mstool.toolkit.qsim.statevector import check_memory
from tests.qsim.dense_reference import reference_state
from tests.qsim.helpers import N_PARAMS, ONE_QUBIT, TWO_QUBIT, random_circuit


def _prepared(n, rng):
    """A random product-free start so every amplitude is exercised."""
    circ = Circuit(n)
    for q in range(n):
        circ += GateSpec("u3", rng.uniform(-3, 3, 3)).on(q)
    for q in range(n - 1):
        circ.cx(q, q + 1)
    return circ


@pytest.mark.parametrize("name", ONE_QUBIT + TWO_QUBIT)
def test_every_gate_with_and_without_controls(name):
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    spec = GateSpec(name, rng.uniform(-np.pi, np.pi, N_PARAMS.get(name, 0)))
    k = spec.n_targets
    for controls in ([], [4], [0, 3]):
        targets = [q for q in (2, 1, 5) if q not in controls][:k]
        circ = _prepared(6, rng)
        circ += spec.on(targets, controls or None)
        for fuse in (True, False, None):  # None: cache-blocked gate groups
            sim = Simulator(6)
            sim.apply_circuit(circ, fuse_gates=fuse)
            assert np.max(np.abs(sim.get_state() - reference_state(circ))) < 1e-10


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 10])
def test_random_circuits_match_dense_reference(n):
    rng = np.random.default_rng(100 + n)
    circ = random_circuit(n, 60, rng)
    ref = reference_state(circ)
    for fuse in (True, False, None):  # None: cache-blocked gate groups
        assert np.max(np.abs(_simulate(circ, fuse) - ref)) < 1e-10


def _simulate(circ, fuse):
    sim = Simulator(circ.n_qubits)
    sim.apply_circuit(circ, fuse_gates=fuse)
    return sim.get_state()


def test_symbolic_parameters_resolve_like_numbers():
    rng = np.random.default_rng(7)
    circ = random_circuit(4, 40, rng, symbolic=True)
    values = {f"p{k}": float(v) for k, v in enumerate(rng.normal(size=4))}
    assert np.max(np.abs(final_state(circ, values) - reference_state(circ, values))) < 1e-10
    resolved = circ.resolve(values)
    assert resolved.parameters == []
    assert np.max(np.abs(_simulate(resolved, True) - reference_state(circ, values))) < 1e-10


def test_inverse_and_repeat():
    rng = np.random.default_rng(3)
    circ = random_circuit(5, 40, rng)
    psi = final_state(circ + circ.inverse())
    assert abs(abs(psi[0]) - 1) < 1e-10
    doubled = final_state(circ.repeat(2))
    assert np.max(np.abs(doubled - reference_state(circ + circ))) < 1e-10


def test_complex64_option_is_close():
    rng = np.random.default_rng(11)
    circ = random_circuit(6, 40, rng)
    psi = final_state(circ, dtype="complex64")
    assert psi.dtype == np.complex64
    assert np.max(np.abs(psi - reference_state(circ))) < 1e-5


def test_fusion_reduces_kernel_calls_for_layered_circuit():
    from mstool.toolkit.qsim.statevector import compile_circuit

    circ = Circuit(6)
    for q in range(6):
        circ.rx(0.1 * q, q).rz(0.2, q)
    for q in range(5):
        circ.cx(q, q + 1)
    fused = compile_circuit(circ, fuse_gates=True)
    assert len(fused) <= 5 < len(compile_circuit(circ, fuse_gates=False))
    assert {c.kind for c in fused} <= {"dense2", "selected"} and "selected" in {c.kind for c in fused}
    assert np.max(np.abs(_simulate(circ, True) - reference_state(circ))) < 1e-10


def test_bad_inputs_are_input_errors():
    with pytest.raises(InputError, match="not unitary"):
        UnitaryGate(np.array([[1, 1], [0, 1]]))
    with pytest.raises(InputError, match="unknown gate"):
        GateSpec("foo")
    with pytest.raises(InputError, match="uses qubit 3"):
        Simulator(2).apply_circuit(Circuit().h(3))
    with pytest.raises(InputError, match="unresolved parameter 'a'"):
        final_state(Circuit(1).rx("a", 0))
    with pytest.raises(InputError, match="GiB"):
        check_memory(39)
    with pytest.raises(InputError, match="max 40"):
        Simulator(45)


def test_diagram_shows_gates_and_controls():
    text = Circuit(2).h(0).cx(0, 1).rx("a", 1).diagram()
    assert "H" in text and "●" in text and "RX(a)" in text and text.count("\n") == 1
