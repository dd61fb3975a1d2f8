"""The gate table is the one source of gate knowledge: every gate of GATES, with every number of
controls its QASM spellings name (and ctrl @ in OpenQASM 3), is written as OpenQASM 2 and 3, read
back, and compared as a full unitary (global phase included) against an independent dense matrix."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.gates import GATES, gate_matrix
from mstool.toolkit.qsim.qasm import parse_qasm
from mstool.toolkit.qsim.qasm_export import to_qasm
from mstool.toolkit.qsim.qasm_library import EXTENSIONS, NATIVE
from tests.qsim.dense_reference import full_operator, reference_matrix


def _params(gate, rng) -> tuple[float, ...]:
    return tuple(rng.uniform(-np.pi, np.pi, gate.n_params))


def _unitary(circuit: Circuit) -> np.ndarray:
    n = circuit.n_qubits
    total = np.eye(2 ** n, dtype=complex)
    for op in circuit.ops:
        params = tuple(float(p) for p in op.params)
        matrix = reference_matrix(op.name, params, op.matrix)
        total = full_operator(n, op.targets, op.controls, matrix) @ total
    return total


def _cases():
    for name, gate in GATES.items():
        named = max(len(gate.qasm.v2), len(gate.qasm.v3_controlled))
        for n_controls in sorted({0, 1, 2, named - 1}):
            yield name, n_controls


@pytest.mark.parametrize(("name", "n_controls"), list(_cases()))
@pytest.mark.parametrize("version", [2, 3])
def test_every_gate_round_trips_through_qasm(name, n_controls, version):
    gate = GATES[name]
    rng = np.random.default_rng(len(name) + 7 * n_controls)
    params = _params(gate, rng)
    n = n_controls + gate.n_targets
    # controls on the high qubits, targets reversed: operand order and bit order both matter
    targets, controls = tuple(reversed(range(gate.n_targets))), tuple(range(gate.n_targets, n))
    circuit = Circuit(n, [Operation(name, targets, controls, params)])
    expected = full_operator(n, targets, controls, reference_matrix(name, params))
    spelled_in_v2 = n_controls < len(gate.qasm.v2) and gate.qasm.v2[n_controls] is not None
    if version == 2 and not spelled_in_v2:
        with pytest.raises(InputError, match="no qelib1 equivalent"):
            to_qasm(circuit, 2)
        return
    back = parse_qasm(to_qasm(circuit, version), f"{name}.qasm")
    assert back.n_qubits == n
    assert np.allclose(_unitary(back), expected, atol=1e-12)


@pytest.mark.parametrize("name", sorted(GATES))
def test_gate_matrix_matches_the_independent_reference(name):
    gate = GATES[name]
    params = _params(gate, np.random.default_rng(3))
    assert np.allclose(gate_matrix(name, params), reference_matrix(name, params), atol=1e-12)


@pytest.mark.parametrize("name", [n for n, g in GATES.items() if g.generator is not None])
def test_rotations_are_generated_by_their_pauli_string(name):
    gate = GATES[name]
    generator = gate.generator
    assert np.allclose(generator, generator.conj().T)
    assert np.allclose(generator @ generator, np.eye(len(generator)))
    w, v = np.linalg.eigh(generator)
    theta = 0.83
    assert np.allclose(gate_matrix(name, (theta,)), (v * np.exp(-0.5j * theta * w)) @ v.conj().T, atol=1e-12)


@pytest.mark.parametrize("name", [n for n, g in GATES.items() if g.pow_scales_angle])
def test_pow_scales_the_angle_where_the_table_says_so(name):
    a, b = 0.4, -1.3
    assert np.allclose(gate_matrix(name, (a,)) @ gate_matrix(name, (b,)), gate_matrix(name, (a + b,)))
    text = f'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\npow(0.5) @ {GATES[name].qasm.v3}({a}) ' + \
        ", ".join(f"q[{k}]" for k in range(GATES[name].n_targets)) + ";\n"
    if GATES[name].qasm.definition:
        text = text.replace("qubit[2]", "\n".join(GATES[name].qasm.definition) + "\nqubit[2]")
    op, = [o for o in parse_qasm(text, "p.qasm").ops if o.name == name] or [None]
    if op is not None:  # read natively: one gate at half the angle
        assert np.isclose(float(op.params[0]), a / 2)


def test_every_spelled_name_is_read_back_as_its_gate():
    for name, gate in GATES.items():
        spelling = gate.qasm
        for n_controls, spelled in [*enumerate(spelling.v2), *enumerate(spelling.v3_controlled)]:
            if spelled is None:
                continue
            native = NATIVE.get(spelled) or EXTENSIONS[spelled]
            ops = native.build(tuple(0.5 for _ in range(native.n_params)), list(range(native.n_qubits)))
            assert [(o.name, len(o.controls)) for o in ops] == [(name, n_controls)], spelled
