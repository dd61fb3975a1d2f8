"""Random circuits and Hamiltonians for the qsim tests."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.qsim.circuit import Circuit, GateSpec, UnitaryGate
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.qsim.parameters import Parameter

ONE_QUBIT = ["i", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "phase", "u3"]
TWO_QUBIT = ["swap", "iswap", "rxx", "ryy", "rzz"]
N_PARAMS = {"rx": 1, "ry": 1, "rz": 1, "phase": 1, "u3": 3, "rxx": 1, "ryy": 1, "rzz": 1}


def random_unitary(dim, rng):
    z = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def random_circuit(n, n_gates, rng, symbolic=False, max_controls=2, custom=True):
    """A random circuit over every gate kind; symbolic=True uses linear forms of symbols."""
    circ = Circuit(n)
    symbols = [Parameter(f"p{k}") for k in range(4)]
    for _ in range(n_gates):
        two = n >= 2 and rng.random() < 0.35
        name = rng.choice(TWO_QUBIT if two else ONE_QUBIT)
        if custom and rng.random() < 0.08:
            spec = UnitaryGate(random_unitary(4 if two else 2, rng))
        else:
            params = []
            for _ in range(N_PARAMS.get(name, 0)):
                if symbolic and rng.random() < 0.7:
                    s = symbols[rng.integers(len(symbols))]
                    params.append(float(rng.normal()) * s + float(rng.normal()))
                else:
                    params.append(float(rng.uniform(-np.pi, np.pi)))
            spec = GateSpec(str(name), params)
        k = spec.n_targets
        n_ctrl = int(rng.integers(0, min(max_controls, n - k) + 1))
        qubits = rng.permutation(n)[: k + n_ctrl]
        circ += spec.on([int(q) for q in qubits[:k]], [int(q) for q in qubits[k:]] or None)
    return circ


def random_hamiltonian(n, n_terms, rng):
    terms = []
    for _ in range(n_terms):
        ops = [(q, "XYZ"[rng.integers(3)]) for q in range(n) if rng.random() < 0.5]
        terms.append((float(rng.normal()), ops))
    return PauliSum(terms, float(rng.normal()))
