"""Do mstool's QASM exports load in Qiskit, with the same state? Two steps, two environments:

    .venv/bin/python benchmarks/qsim/check_exports_in_qiskit.py write /tmp/exports   # mstool
    .venv-bench/bin/python benchmarks/qsim/check_exports_in_qiskit.py check /tmp/exports  # Qiskit

``write`` exports random circuits over every simulator gate (controls, custom 1-qubit
unitaries, named registers, conditions, symbols) as OpenQASM 2 and 3 with the state mstool
computes; ``check`` loads each file with ``qasm2.loads``/``qasm3.loads`` and compares
Qiskit's Statevector (OpenQASM 3 exactly; OpenQASM 2 up to the global phase it cannot carry).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ONE = ["i", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "phase", "u3"]
TWO = ["swap", "iswap", "iswapdg", "rxx", "ryy", "rzz"]
PARAMS = {"rx": 1, "ry": 1, "rz": 1, "phase": 1, "u3": 3, "rxx": 1, "ryy": 1, "rzz": 1}
QASM2_CONTROLLED = {1: {"x", "y", "z", "h", "swap", "rx", "ry", "rz", "phase", "u3", "sx"}, 2: {"x"},
                    3: {"x", "sx"}, 4: {"x"}}


def _random_circuit(rng, n: int, n_gates: int, version: int):
    from mstool.toolkit.qsim.circuit import Circuit, GateSpec, UnitaryGate

    circ = Circuit(n)
    for _ in range(n_gates):
        two = rng.random() < 0.3
        name = str(rng.choice(TWO if two else ONE))
        if rng.random() < 0.08 and not two:
            z = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
            q, r = np.linalg.qr(z)
            spec = UnitaryGate(q * (np.diag(r) / np.abs(np.diag(r))))
            name = "unitary"
        else:
            spec = GateSpec(name, [float(rng.uniform(-np.pi, np.pi)) for _ in range(PARAMS.get(name, 0))])
        k = spec.n_targets
        n_ctrl = int(rng.integers(0, min(3, n - k) + 1))
        if version == 2 and name not in QASM2_CONTROLLED.get(n_ctrl, set()) and not (
                name == "unitary" and n_ctrl <= 1):
            n_ctrl = 0
        qubits = [int(x) for x in rng.permutation(n)[: k + n_ctrl]]
        circ += spec.on(qubits[:k], qubits[k:] or None)
    circ.qregs = {"anc": (0, 2), "data": (2, n - 2)}
    return circ


def write(folder: Path, count: int = 30) -> None:
    from dataclasses import replace

    from mstool.toolkit.qsim.circuit import Circuit
    from mstool.toolkit.qsim.execution import run_circuit
    from mstool.toolkit.qsim.parameters import Parameter
    from mstool.toolkit.qsim.qasm_export import to_qasm

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(22)
    states = {}
    for k in range(count):
        for version in (2, 3):
            circ = _random_circuit(rng, 5, 40, version)
            name = f"mstool_v{version}_{k:02d}.qasm"
            (folder / name).write_text(to_qasm(circ, version))
            states[name] = run_circuit(circ).state
    for k in range(4):  # measurements and conditions: Qiskit must load them (no single state)
        circ = _random_circuit(rng, 5, 10, 2)
        circ.cregs = {"m": (0, 2), "flags": (2, 3)}
        circ.n_clbits = 5
        circ.measure(0, 0).measure(1, 1).measure(2, 3)
        cond = ((0, 1), 2) if k % 2 else ((2, 3, 4), 5)
        circ.append(replace(circ.ops[0], condition=cond))
        for version in (2, 3):
            (folder / f"mstool_v{version}_dynamic_{k}.qasm").write_text(to_qasm(circ, version))
        partial = circ.copy().append(replace(circ.ops[1], condition=((0, 3), 1)))
        (folder / f"mstool_v3_dynamic_partial_{k}.qasm").write_text(to_qasm(partial, 3))
    for k in range(2):  # symbols become OpenQASM 3 inputs
        circ = Circuit(3).h(0).rx(Parameter("theta") * (k + 1) + 0.25, 1).ry(Parameter("phi") - 0.5, 2)
        circ.add("rz", 2, (Parameter("theta") * 0.5,), controls=0)
        values = {"theta": 0.3 + k, "phi": -1.1}
        name = f"mstool_v3_param_{k}.qasm"
        (folder / name).write_text(to_qasm(circ, 3))
        states[name] = run_circuit(circ, values=values).state
        states[name + ":values"] = np.array([values["theta"], values["phi"]])
    np.savez(folder / "states.npz", **states)
    print(f"wrote {len(list(folder.glob('*.qasm')))} exports to {folder}")


def check(folder: Path) -> int:
    from qiskit import qasm2, qasm3
    from qiskit.quantum_info import Statevector

    with np.load(folder / "states.npz") as data:
        states = {k: data[k] for k in data.files}
    passed, failures = 0, []
    names = sorted({p.name for p in folder.glob("*.qasm")})
    for name in names:
        ref = states.get(name)
        text = (folder / name).read_text()
        try:
            if "_v2_" in name:
                circ = qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
            else:
                circ = qasm3.loads(text)
            if ref is None:  # dynamic circuit: loading is the check
                passed += 1
                continue
            if name + ":values" in states:
                theta, phi = states[name + ":values"]
                by_name = {p.name: p for p in circ.parameters}
                circ = circ.assign_parameters({by_name["theta"]: theta, by_name["phi"]: phi})
            psi = np.asarray(Statevector(circ).data)
        except Exception as exc:  # noqa: BLE001 - a report of what Qiskit refused
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        if "_v2_" in name:
            phase = np.vdot(psi, ref)
            ok = abs(abs(phase) - 1) < 1e-9 and np.max(np.abs(psi * phase - ref)) < 1e-10
        else:
            ok = np.max(np.abs(psi - ref)) < 1e-10
        if ok:
            passed += 1
        else:
            failures.append(f"{name}: state differs by {np.max(np.abs(psi - ref)):.2e}")
    print(f"{passed}/{len(names)} exports load in Qiskit with the same state")
    for line in failures:
        print("  " + line)
    return 0 if not failures else 1


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        sys.exit(__doc__)
    if sys.argv[1] == "write":
        write(Path(sys.argv[2]))
    else:
        sys.exit(check(Path(sys.argv[2])))
