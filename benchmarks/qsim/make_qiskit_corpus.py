"""Write the Qiskit-generated QASM corpus used by tests/qsim/test_qiskit_corpus.py.

Random circuits over every gate of qelib1.inc and stdgates.inc (and gates Qiskit writes as
``gate`` definitions), dumped with ``qasm2.dumps`` and ``qasm3.dumps``; the reference state is
Qiskit's Statevector of the circuit Qiskit itself reads back from that text. Run in the
benchmark environment (Qiskit is never an mstool dependency):

    python3 -m venv .venv-bench && .venv-bench/bin/pip install qiskit qiskit-qasm3-import
    .venv-bench/bin/python benchmarks/qsim/make_qiskit_corpus.py [--per-version 40]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister, qasm2, qasm3
from qiskit.circuit import Parameter
from qiskit.circuit import library as lib
from qiskit.quantum_info import Statevector

OUT = Path(__file__).resolve().parents[2] / "tests" / "qsim" / "data" / "qiskit_corpus"

# gate class, number of angles, number of qubits
QELIB1 = [(lib.HGate, 0, 1), (lib.XGate, 0, 1), (lib.YGate, 0, 1), (lib.ZGate, 0, 1), (lib.SGate, 0, 1),
          (lib.SdgGate, 0, 1), (lib.TGate, 0, 1), (lib.TdgGate, 0, 1), (lib.SXGate, 0, 1),
          (lib.SXdgGate, 0, 1), (lib.IGate, 0, 1), (lib.RXGate, 1, 1), (lib.RYGate, 1, 1),
          (lib.RZGate, 1, 1), (lib.PhaseGate, 1, 1), (lib.U1Gate, 1, 1), (lib.U2Gate, 2, 1),
          (lib.U3Gate, 3, 1), (lib.UGate, 3, 1), (lib.CXGate, 0, 2), (lib.CYGate, 0, 2), (lib.CZGate, 0, 2),
          (lib.CHGate, 0, 2), (lib.CSXGate, 0, 2), (lib.SwapGate, 0, 2), (lib.CRXGate, 1, 2),
          (lib.CRYGate, 1, 2), (lib.CRZGate, 1, 2), (lib.CPhaseGate, 1, 2), (lib.CU1Gate, 1, 2),
          (lib.CU3Gate, 3, 2), (lib.CUGate, 4, 2), (lib.RXXGate, 1, 2), (lib.RZZGate, 1, 2),
          (lib.CCXGate, 0, 3), (lib.CSwapGate, 0, 3), (lib.RCCXGate, 0, 3), (lib.RC3XGate, 0, 4),
          (lib.C3XGate, 0, 4), (lib.C3SXGate, 0, 4), (lib.C4XGate, 0, 5)]
# written by Qiskit as gate definitions (not in the libraries)
DEFINED = [(lib.RYYGate, 1, 2), (lib.iSwapGate, 0, 2), (lib.ECRGate, 0, 2), (lib.DCXGate, 0, 2),
           (lib.RZXGate, 1, 2), (lib.CSGate, 0, 2), (lib.CSdgGate, 0, 2), (lib.RGate, 2, 1),
           (lib.XXPlusYYGate, 2, 2), (lib.XXMinusYYGate, 2, 2)]


def random_circuit(rng: np.random.Generator, gates: list, n_qubits: int, n_gates: int,
                   named_registers: bool) -> QuantumCircuit:
    if named_registers:
        qa, qb = QuantumRegister(2, "anc"), QuantumRegister(n_qubits - 2, "work")
        circ = QuantumCircuit(qa, qb, ClassicalRegister(n_qubits, "meas"))
    else:
        circ = QuantumCircuit(n_qubits, n_qubits)
    for k in range(n_gates):
        cls, n_angles, n_q = gates[k % len(gates)] if k < len(gates) else gates[rng.integers(len(gates))]
        qubits = [int(q) for q in rng.permutation(n_qubits)[:n_q]]
        angles = [float(rng.uniform(-2 * np.pi, 2 * np.pi)) for _ in range(n_angles)]
        circ.append(cls(*angles), qubits)
        if rng.random() < 0.05:
            circ.barrier()
    return circ


def _state(circ: QuantumCircuit) -> np.ndarray:
    return np.asarray(Statevector(circ.remove_final_measurements(inplace=False)).data)


def write(per_version: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    OUT.mkdir(parents=True, exist_ok=True)
    refs: dict[str, np.ndarray] = {}
    for k in range(per_version):
        gates = QELIB1 + (DEFINED if k % 2 else [])
        n_q = 5 + k % 2
        circ = random_circuit(rng, list(gates), n_q, 30 + 2 * k, named_registers=k % 3 == 0)
        circ.measure(range(n_q), range(n_q))
        text2 = qasm2.dumps(circ)
        back2 = qasm2.loads(text2, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
        ref2 = _state(back2)
        # Qiskit's QASM 2 drops the global phase only: same state up to a phase
        orig = _state(circ)
        assert abs(abs(np.vdot(orig, ref2)) - 1) < 1e-9
        name2 = f"q2_{k:03d}.qasm"
        (OUT / name2).write_text(text2)
        refs[name2] = ref2
        text3 = qasm3.dumps(circ)
        ref3 = _state(qasm3.loads(text3))
        name3 = f"q3_{k:03d}.qasm"
        (OUT / name3).write_text(text3)
        refs[name3] = ref3
    # OpenQASM 3 with input parameters: the reference binds them to the values stored alongside
    theta, phi = Parameter("theta"), Parameter("phi")
    for k in range(4):
        circ = QuantumCircuit(3)
        circ.h(0)
        circ.rx(theta * (k + 1), 1)
        circ.crz(phi - theta, 0, 2)
        circ.cu(theta, phi, 0.3, 0.1, 1, 2)
        values = {"theta": float(rng.uniform(-3, 3)), "phi": float(rng.uniform(-3, 3))}
        text = qasm3.dumps(circ)
        name = f"q3_param_{k}.qasm"
        (OUT / name).write_text(text)
        bound = circ.assign_parameters({theta: values["theta"], phi: values["phi"]})
        refs[name] = _state(bound)
        refs[name + ":values"] = np.array([values["theta"], values["phi"]])
    np.savez_compressed(OUT / "reference_states.npz", **refs)
    return refs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-version", type=int, default=40)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    refs = write(args.per_version, args.seed)
    files = sorted(p for p in refs if not p.endswith(":values"))
    size = sum((OUT / f).stat().st_size for f in files) + (OUT / "reference_states.npz").stat().st_size
    print(f"wrote {len(files)} files to {OUT} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
