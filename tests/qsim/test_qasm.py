"""OpenQASM import/export: shared QASMBench files against the dense reference, the
library definitions expanded from qelib1.inc, round trips and error positions."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.execution import run_circuit
from mstool.toolkit.qsim.gradients import final_state
from mstool.toolkit.qsim.qasm import load_qasm, parse_qasm
from mstool.toolkit.qsim.qasm_export import to_qasm
from tests.conftest import shared_data
from tests.qsim.dense_reference import full_operator, reference_matrix, reference_state
from tests.qsim.helpers import random_circuit

UNITARY_FILES = ["bell_n4", "grover_n2", "qft_n4", "qaoa_n6", "ising_n10", "toffoli_n3",
                 "variational_n4", "adder_n10", "teleportation_n3"]


def _same_up_to_phase(a, b, tol=1e-10):
    k = int(np.argmax(np.abs(b)))
    phase = a[k] / b[k]
    return abs(abs(phase) - 1) < tol and np.max(np.abs(a - phase * b)) < tol


@pytest.mark.parametrize("name", UNITARY_FILES)
def test_shared_qasm_files_match_dense_reference(name):
    path = shared_data("qasm", f"{name}.qasm")
    circ = load_qasm(path)
    assert circ.n_qubits <= 12
    unitary = Circuit(circ.n_qubits, [op for op in circ.ops if op.is_gate])
    ref = reference_state(unitary)
    psi = run_circuit(circ).state
    assert np.max(np.abs(psi - ref)) < 1e-10
    # independent of the native gate table: every gate expanded from qelib1.inc's definitions
    expanded = load_qasm(path, native_gates=False)
    psi_expanded = run_circuit(expanded).state
    assert _same_up_to_phase(psi_expanded, ref)


def _branch_distribution(circ):
    """Exact outcome distribution of a circuit with measure/reset/if, by dense branching."""
    n, m = circ.n_qubits, circ.n_clbits
    branches = [(1.0, np.eye(2**n)[0].astype(complex), [0] * m)]
    for op in circ.ops:
        new = []
        for prob, psi, bits in branches:
            if op.condition is not None:
                clbits, value = op.condition
                if sum(bits[c] << k for k, c in enumerate(clbits)) != value:
                    new.append((prob, psi, bits))
                    continue
            if op.name in ("measure", "reset"):
                q = op.targets[0]
                for outcome in (0, 1):
                    mask = np.array([((i >> q) & 1) == outcome for i in range(2**n)])
                    p = float(np.sum(np.abs(psi[mask]) ** 2))
                    if p < 1e-14:
                        continue
                    out = np.where(mask, psi, 0) / np.sqrt(p)
                    b = list(bits)
                    if op.name == "measure":
                        b[op.clbits[0]] = outcome
                    elif outcome:
                        out = full_operator(n, (q,), (), reference_matrix("x")) @ out
                    new.append((prob * p, out, b))
            elif op.name == "barrier":
                new.append((prob, psi, bits))
            else:
                params = tuple(float(p) for p in op.params)
                u = full_operator(n, op.targets, op.controls, reference_matrix(op.name, params, op.matrix))
                new.append((prob, u @ psi, bits))
        branches = new
    dist = {}
    for prob, _, bits in branches:
        key = "".join(str(b) for b in reversed(bits))
        dist[key] = dist.get(key, 0.0) + prob
    return dist


@pytest.mark.parametrize("name", ["inverseqft_n4", "shor_n5"])
def test_mid_circuit_files_sample_the_exact_distribution(name):
    circ = load_qasm(shared_data("qasm", f"{name}.qasm"))
    assert circ.has_mid_circuit_ops
    shots = 2000
    result = run_circuit(circ, shots=shots, seed=4)
    assert result.shot_by_shot and sum(result.counts.values()) == shots
    exact = _branch_distribution(circ)
    for key in set(exact) | set(result.counts):
        p = exact.get(key, 0.0)
        assert abs(result.counts.get(key, 0) / shots - p) < 4 * np.sqrt(p * (1 - p) / shots) + 1e-9


def test_invalid_upstream_file_reports_its_position():
    path = shared_data("qasm", "vqe_uccsd_n6.qasm")
    with pytest.raises(InputError) as err:
        load_qasm(path)
    assert "unknown quantum register 'q'" in err.value.message
    assert err.value.where.startswith(str(path) + ":") and err.value.where.count(":") == 2


def test_round_trip_through_qasm2_and_qasm3():
    rng = np.random.default_rng(1)
    circ = random_circuit(5, 50, rng, max_controls=1)
    ops = [op for op in circ.ops
           if not (op.name == "unitary" and (op.controls or len(op.targets) == 2))
           and not (op.controls and op.name in ("i", "s", "sdg", "t", "tdg", "sxdg", "rxx", "ryy", "rzz",
                                                  "iswap", "iswapdg"))]
    circ = Circuit(5, ops)
    ref = reference_state(circ)
    for version in (2, 3):
        back = parse_qasm(to_qasm(circ, version), f"rt{version}.qasm")
        assert _same_up_to_phase(final_state(back), ref)


def test_qasm3_symbols_become_parameters():
    text = """OPENQASM 3;
include "stdgates.inc";
input float[64] theta;
qubit[2] q;
bit[2] c;
rx(2*theta + 0.5) q[0];
cx q[0], q[1];
c[0] = measure q[0];
"""
    circ = parse_qasm(text, "p.qasm")
    assert circ.parameters == ["theta"]
    assert np.allclose(final_state(Circuit(2, [o for o in circ.ops if o.is_gate]), {"theta": 0.1}),
                       reference_state(Circuit(2, [o for o in circ.ops if o.is_gate]), {"theta": 0.1}))
    assert "input float[64] theta;" in to_qasm(circ, 3)
    with pytest.raises(InputError, match="unresolved"):
        to_qasm(circ, 2)


@pytest.mark.parametrize("body,message,position", [
    ("qreg q[2];\nh q[0]\ncx q[0],q[1];", "expected ';'", "3:1"),
    ("qreg q[2];\nfoo q[0];", "unknown gate 'foo'", "2:1"),
    ("qreg q[2];\nh q[2];", "out of range", "2:5"),
    ("qreg q[2];\nrx q[0];", "takes 1 parameter", "2:1"),
    ("qreg q[2];\ncx q[0],q[0];", "same qubit twice", "2:1"),
    ("qreg q[2];\nrx(foo) q[0];", "unknown identifier 'foo'", "2:4"),
    ("qreg q[2];\nh q[0]; $", "unexpected character", "2:9"),
    ("qreg q[2];\ngate g a { h a; ", "not closed", "2:6"),
])
def test_malformed_qasm_errors_name_line_and_column(body, message, position):
    text = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n' + body
    with pytest.raises(InputError, match=message) as err:
        parse_qasm(text, "bad.qasm")
    line, col = position.split(":")
    assert err.value.where == f"bad.qasm:{int(line) + 2}:{col}"


def test_missing_version_line_is_read_as_qasm2_with_a_warning():
    from mstool.toolkit.qsim.qasm import QasmWarning

    with pytest.warns(QasmWarning, match="no 'OPENQASM' version line"):
        circ = parse_qasm('include "qelib1.inc"; qreg q[1]; x q[0];', "x.qasm")
    assert [op.name for op in circ.ops] == ["x"]
