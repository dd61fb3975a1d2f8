"""An exact density-matrix simulator for small registers: gates, noise channels and reset.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> from mstool.toolkit.qsim.noise import depolarizing
>>> c = Circuit(1)
>>> c += depolarizing(0.3).on(0)
>>> np.round(simulate_density_matrix(c).real, 3).tolist()
[[0.8, 0.0], [0.0, 0.2]]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, Operation

MAX_DENSITY_QUBITS = 12


def operator_on_qubits(op: Operation,
                       values: Mapping[str, float] | None) -> tuple[tuple[int, ...], np.ndarray]:
    """The matrix of a (controlled) gate on ``targets + controls`` (first = lowest index bit)."""
    u = op.unitary(values)
    nt, nc = len(op.targets), len(op.controls)
    full = np.eye(2 ** (nt + nc), dtype=complex)
    base = ((1 << nc) - 1) << nt
    full[base:base + 2 ** nt, base:base + 2 ** nt] = u
    return op.targets + op.controls, full


def _apply_left(tensor: np.ndarray, matrix: np.ndarray, axes: list[int]) -> np.ndarray:
    k = len(axes)
    moved = np.moveaxis(tensor, axes, range(k))
    shape = moved.shape
    out = (matrix @ moved.reshape(2 ** k, -1)).reshape(shape)
    return np.moveaxis(out, range(k), axes)


def _conjugate(rho: np.ndarray, matrix: np.ndarray, qubits: tuple[int, ...], n: int) -> np.ndarray:
    """K rho K^dagger on a (2,)*2n tensor; axis n-1-q is row qubit q, 2n-1-q column qubit q."""
    rows = [n - 1 - q for q in reversed(qubits)]
    cols = [2 * n - 1 - q for q in reversed(qubits)]
    return _apply_left(_apply_left(rho, matrix, rows), matrix.conj(), cols)


def simulate_density_matrix(circuit: Circuit, values: Mapping[str, float] | None = None) -> np.ndarray:
    """The final density matrix (2^n x 2^n) of ``circuit`` from |0...0><0...0|; final
    measurements are ignored, resets and channels are exact."""
    n = circuit.n_qubits
    if n > MAX_DENSITY_QUBITS:
        raise InputError(f"density-matrix simulation is limited to {MAX_DENSITY_QUBITS} qubits, got {n}")
    rho = np.zeros((2,) * (2 * n), dtype=complex)
    rho[(0,) * (2 * n)] = 1.0
    reset_kraus = [np.array([[1, 0], [0, 0]], complex), np.array([[0, 1], [0, 0]], complex)]
    for op in circuit.ops:
        if op.condition is not None:
            raise InputError("the density-matrix simulator does not take classically controlled operations")
        if op.name in ("barrier", "measure"):
            continue
        if op.is_gate:
            qubits, m = operator_on_qubits(op, values)
            rho = _conjugate(rho, m, qubits, n)
        else:
            kraus = op.channel.kraus if op.name == "channel" else reset_kraus
            rho = sum(_conjugate(rho, k, op.targets, n) for k in kraus)
    return rho.reshape(2 ** n, 2 ** n)
