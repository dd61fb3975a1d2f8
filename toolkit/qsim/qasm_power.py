"""``pow(k) @ g`` for a non-integer ``k``: the principal power of g's matrix (as Qiskit's
``Gate.power`` computes it), for gates on one or two qubits.

>>> from mstool.toolkit.qsim.circuit import Operation
>>> op, = fractional_power([Operation("z", (0,))], 0.5, None, None)
>>> np.round(np.diag(op.matrix), 6).tolist()
[(1+0j), 1j]
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Operation
from mstool.toolkit.qsim.parameters import Parameter


def _fail(message: str, ts, tok) -> InputError:
    return ts.error(message, tok) if ts is not None else InputError(message)


def local_matrix(ops: list[Operation], qubits: list[int], ts=None, tok=None) -> np.ndarray:
    """The unitary of ``ops`` on ``qubits`` (bit k of an index is ``qubits[k]``)."""
    dim = 2 ** len(qubits)
    total = np.eye(dim, dtype=complex)
    pos = {q: k for k, q in enumerate(qubits)}
    for op in ops:
        if any(isinstance(p, Parameter) for p in op.params):
            raise _fail("pow of a gate with a symbolic parameter needs an integer exponent", ts, tok)
        if op.name == "gphase":
            total = np.exp(1j * float(op.params[0])) * total
            continue
        u = op.unitary()
        full = np.zeros((dim, dim), dtype=complex)
        t_bits = [pos[t] for t in op.targets]
        c_mask = sum(1 << pos[c] for c in op.controls)
        for col in range(dim):
            if col & c_mask != c_mask:
                full[col, col] = 1.0
                continue
            sub = sum(((col >> b) & 1) << j for j, b in enumerate(t_bits))
            rest = col & ~sum(1 << b for b in t_bits)
            for row_sub in range(u.shape[0]):
                row = rest | sum(((row_sub >> j) & 1) << b for j, b in enumerate(t_bits))
                full[row, col] = u[row_sub, sub]
        total = full @ total
    return total


def fractional_power(ops: list[Operation], k: float, ts, tok) -> list[Operation]:
    """One ``unitary`` operation equal to (product of ``ops``)^k on their (at most 2) qubits."""
    qubits = sorted({q for op in ops for q in op.qubits})
    if len(qubits) > 2:
        raise _fail(f"pow({k:g}) of a gate on {len(qubits)} qubits is not supported (at most 2)", ts, tok)
    if not qubits:
        raise _fail("pow of a bare global phase needs an integer exponent", ts, tok)
    m = local_matrix(ops, qubits, ts, tok)
    return [Operation("unitary", tuple(qubits), matrix=unitary_power(m, k))]


def unitary_eigenbasis(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``d`` and an orthonormal eigenbasis ``v`` of a unitary ``u`` (``u = v diag(d) v^H``).

    A unitary is normal, so its Hermitian parts ``A = (u + u^H)/2`` and ``B = (u - u^H)/2i`` commute
    and share u's eigenvectors: ``numpy.linalg.eigh`` of ``cos(phi) A + sin(phi) B`` gives an
    orthonormal basis of them unless two distinct eigenvalues of u project to the same number, which
    happens for at most one ``phi`` (mod pi) per pair. Of a few angles the one whose ``v^H u v`` is
    most nearly diagonal is kept, so degenerate spectra (CZ, SWAP, the identity) are exact too.

    >>> d, v = unitary_eigenbasis(np.array([[0, 1], [1, 0]], dtype=complex))
    >>> np.round(sorted(d.real), 6).tolist(), bool(np.allclose(v @ np.diag(d) @ v.conj().T, [[0, 1], [1, 0]]))
    ([-1.0, 1.0], True)
    """
    hermitian, anti = (u + u.conj().T) / 2, (u - u.conj().T) / 2j
    best = None
    for phi in 0.3 + np.arange(8) * np.pi / 8:  # 8 angles in one half-turn: at most 6 pairs collide
        _, v = np.linalg.eigh(np.cos(phi) * hermitian + np.sin(phi) * anti)
        rotated = v.conj().T @ u @ v
        off_diagonal = np.linalg.norm(rotated - np.diag(np.diag(rotated)))
        if best is None or off_diagonal < best[0]:
            best = (off_diagonal, np.diag(rotated).copy(), v)
        if off_diagonal < 1e-12 * len(u):
            break
    return best[1], best[2]


def unitary_power(u: np.ndarray, k: float) -> np.ndarray:
    """The principal power ``u**k`` of a unitary: eigenphases in (-pi, pi] scaled by ``k``.

    >>> np.round(unitary_power(np.diag([1, -1]).astype(complex), 0.5), 6).tolist()
    [[(1+0j), 0j], [0j, 1j]]
    """
    eigenvalues, basis = unitary_eigenbasis(u)
    phases = np.angle(eigenvalues)
    phases[phases <= -np.pi + 1e-12] = np.pi  # -1 is e^{i pi}, whatever the sign of a rounding zero
    return (basis * np.exp(1j * k * phases)) @ basis.conj().T
