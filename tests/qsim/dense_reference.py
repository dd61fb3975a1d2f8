"""An independent dense-matrix reference: every gate written out here, full 2^n x 2^n
operators built with Kronecker products, state |0...0> multiplied through."""

from __future__ import annotations

import numpy as np

SQ2 = np.sqrt(2.0)


def _u3(t, p, lam):
    return np.array([[np.cos(t / 2), -np.exp(1j * lam) * np.sin(t / 2)],
                     [np.exp(1j * p) * np.sin(t / 2), np.exp(1j * (p + lam)) * np.cos(t / 2)]])


def _expm_pauli(theta, pauli_matrix):
    # exp(-i theta/2 P) for P with P^2 = 1, evaluated by eigen-decomposition (not the closed form)
    w, v = np.linalg.eigh(pauli_matrix)
    return (v * np.exp(-0.5j * theta * w)) @ v.conj().T


X = np.array([[0, 1], [1, 0]], complex)
Y = np.array([[0, -1j], [1j, 0]], complex)
Z = np.diag([1.0 + 0j, -1.0])


def reference_matrix(name, params=(), matrix=None):
    """Target-space matrix of a gate; 2-qubit index = b(t0) + 2 b(t1)."""
    fixed = {
        "i": np.eye(2), "x": X, "y": Y, "z": Z,
        "h": np.array([[1, 1], [1, -1]]) / SQ2,
        "s": np.diag([1, 1j]), "sdg": np.diag([1, -1j]),
        "t": np.diag([1, (1 + 1j) / SQ2]), "tdg": np.diag([1, (1 - 1j) / SQ2]),
        "sx": _expm_pauli(np.pi / 2, X) * np.exp(1j * np.pi / 4),
        "sxdg": (_expm_pauli(np.pi / 2, X) * np.exp(1j * np.pi / 4)).conj().T,
        "swap": np.eye(4)[[0, 2, 1, 3]],
        "iswap": np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]),
    }
    if name == "unitary":
        return np.asarray(matrix)
    if name in fixed:
        return np.asarray(fixed[name], complex)
    if name == "iswapdg":
        return fixed["iswap"].conj().T
    if name in ("rx", "ry", "rz"):
        return _expm_pauli(params[0], {"rx": X, "ry": Y, "rz": Z}[name])
    if name in ("rxx", "ryy", "rzz"):
        p = {"rxx": X, "ryy": Y, "rzz": Z}[name]
        return _expm_pauli(params[0], np.kron(p, p))
    if name == "phase":
        return np.diag([1, np.exp(1j * params[0])])
    if name == "u3":
        return _u3(*params)
    raise KeyError(name)


def full_operator(n, targets, controls, m):
    """2^n x 2^n operator: m on targets where all controls are 1, identity elsewhere."""
    dim = 2 ** n
    out = np.zeros((dim, dim), complex)
    k = len(targets)
    for col in range(dim):
        if any(not (col >> c) & 1 for c in controls):
            out[col, col] = 1.0
            continue
        sub_in = sum(((col >> t) & 1) << j for j, t in enumerate(targets))
        base = col
        for t in targets:
            base &= ~(1 << t)
        for sub_out in range(2 ** k):
            row = base
            for j, t in enumerate(targets):
                if (sub_out >> j) & 1:
                    row |= 1 << t
            out[row, col] += m[sub_out, sub_in]
    return out


def reference_state(circuit, values=None, n=None):
    """|psi> = U_N ... U_1 |0> with dense operators."""
    n = circuit.n_qubits if n is None else n
    psi = np.zeros(2 ** n, complex)
    psi[0] = 1
    for op in circuit.ops:
        if op.name == "barrier":
            continue
        params = tuple(float(p.resolve(values)) if hasattr(p, "resolve") else float(p) for p in op.params)
        m = reference_matrix(op.name, params, op.matrix)
        psi = full_operator(n, op.targets, op.controls, m) @ psi
    return psi


def pauli_matrix(hamiltonian, n):
    """Dense matrix of a PauliSum (qubit k is bit k of the index)."""
    single = {"X": X, "Y": Y, "Z": Z}
    total = hamiltonian.constant * np.eye(2 ** n, dtype=complex)
    for coeff, ops in hamiltonian.terms:
        factors = [np.eye(2)] * n
        for q, p in ops:
            factors[q] = single[p]
        m = np.array([[1.0 + 0j]])
        for f in factors:  # kron(f_{n-1}, ..., f_0): qubit 0 is the lowest bit
            m = np.kron(f, m)
        total += coeff * m
    return total
