"""``pow(k) @ g`` for a non-integer ``k``: the principal power of g's matrix (as Qiskit's
``Gate.power`` computes it), for gates on one or two qubits.

>>> from mstool.toolkit.qsim.circuit import Operation
>>> op, = fractional_power([Operation("z", (0,))], 0.5, None, None)
>>> np.round(np.diag(op.matrix), 6).tolist()
[(1+0j), 1j]
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

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
    t, z = scipy.linalg.schur(m, output="complex")
    powered = (z * np.exp(1j * k * np.angle(np.diag(t)))) @ z.conj().T
    return [Operation("unitary", tuple(qubits), matrix=powered)]
