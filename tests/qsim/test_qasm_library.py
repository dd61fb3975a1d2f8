"""The native gate table against the library definitions: every gate of qelib1.inc (as
Qiskit ships it, copied to tests/qsim/data/qelib1.inc) gives the same state natively and
expanded from its definition down to U and CX; OpenQASM 3 modifiers against dense matrices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mstool.toolkit.qsim.execution import run_circuit
from mstool.toolkit.qsim.qasm import parse_qasm
from mstool.toolkit.qsim.qasm_library import NATIVE, QELIB1_GATES

DATA = Path(__file__).parent / "data"
N_PARAMS = {"u3": 3, "u2": 2, "u1": 1, "u0": 1, "u": 3, "p": 1, "rx": 1, "ry": 1, "rz": 1, "crx": 1, "cry": 1,
            "crz": 1, "cu1": 1, "cp": 1, "cu3": 3, "cu": 4, "rxx": 1, "rzz": 1}
N_QUBITS = {"rccx": 3, "rc3x": 4}


def _same_up_to_phase(a, b, tol=1e-10):
    k = int(np.argmax(np.abs(b)))
    phase = a[k] / b[k]
    return abs(abs(phase) - 1) < tol and np.max(np.abs(a - phase * b)) < tol


def _prepare(n):
    """A state with every amplitude non-zero, so a wrong phase anywhere shows."""
    return "".join(f"u3({0.3 + 0.2 * k},{0.1 * k},{0.7 - 0.1 * k}) q[{k}];\n" for k in range(n))


@pytest.mark.parametrize("name", sorted(QELIB1_GATES))
def test_native_gate_equals_its_qelib1_definition(name):
    n_qubits = N_QUBITS.get(name) or NATIVE[name].n_qubits
    params = ",".join(str(0.37 * (k + 1)) for k in range(N_PARAMS.get(name, 0)))
    call = f"{name}({params})" if params else name
    qubits = ",".join(f"q[{k}]" for k in reversed(range(n_qubits)))
    head = f'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[{n_qubits}];\n'
    text = f"{head}{_prepare(n_qubits)}{call} {qubits};\n"
    native = run_circuit(parse_qasm(text, "n.qasm", base_dir=DATA)).state
    expanded_circ = parse_qasm(text, "e.qasm", native_gates=False, base_dir=DATA)
    assert {op.name for op in expanded_circ.ops} <= {"u3", "x"}
    assert _same_up_to_phase(run_circuit(expanded_circ).state, native)


def _state(body: str, n: int = 3) -> np.ndarray:
    text = f'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[{n}] q;\n{_prepare(n)}{body}'
    return run_circuit(parse_qasm(text, "m.qasm")).state


@pytest.mark.parametrize("modified,plain", [
    ("ctrl @ x q[0], q[1];", "cx q[0], q[1];"),
    ("ctrl(2) @ x q[0], q[2], q[1];", "ccx q[0], q[2], q[1];"),
    ("negctrl @ x q[0], q[1];", "x q[0]; cx q[0], q[1]; x q[0];"),
    ("inv @ s q[1];", "sdg q[1];"),
    ("inv @ ctrl @ rx(0.4) q[2], q[0];", "crx(-0.4) q[2], q[0];"),
    ("pow(2) @ t q[0];", "s q[0];"),
    ("pow(0.5) @ z q[0];", "s q[0];"),
    ("pow(-1) @ h q[0];", "h q[0];"),
    ("pow(0.5) @ x q[1];", "sx q[1];"),
    ("ctrl @ pow(0.5) @ x q[0], q[1];", "ctrl @ sx q[0], q[1];"),
    ("gate g(a) x, y { rx(a) x; gphase(a/2); cx x, y; } ctrl @ g(0.3) q[2], q[0], q[1];",
     "p(0.15) q[2]; crx(0.3) q[2], q[0]; ccx q[2], q[0], q[1];"),
    ("gphase(0.25);", "ctrl @ gphase(0.25) q[0]; negctrl @ gphase(0.25) q[0];"),
])
def test_qasm3_modifiers_match_plain_gates(modified, plain):
    a, b = _state(modified), _state(plain)
    assert np.max(np.abs(a - b)) < 1e-10


@pytest.mark.parametrize("name", ["bigadder_n18", "qft_n18"])
def test_large_shared_qasmbench_files_native_equals_expanded(name):
    from mstool.toolkit.qsim.qasm import load_qasm
    from tests.conftest import shared_data

    path = shared_data("qasm", f"{name}.qasm")
    native = load_qasm(path)
    unitary = type(native)(native.n_qubits, [op for op in native.ops if op.is_gate])
    expanded = load_qasm(path, native_gates=False)
    expanded_unitary = type(native)(native.n_qubits, [op for op in expanded.ops if op.is_gate])
    assert native.n_qubits == 18
    assert _same_up_to_phase(run_circuit(expanded_unitary).state, run_circuit(unitary).state)
