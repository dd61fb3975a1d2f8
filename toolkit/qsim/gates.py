"""Gate definitions: matrices, derivatives, inverses and kernel kinds.

A two-qubit matrix acts on targets ``(t0, t1)`` with basis index ``b(t0) + 2*b(t1)``
(little-endian, like the state vector: bit ``k`` of an index is qubit ``k``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

I2 = np.eye(2, dtype=complex)
PAULI_X = np.array([[0, 1], [1, 0]], dtype=complex)
PAULI_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
PAULI_Z = np.array([[1, 0], [0, -1]], dtype=complex)
PROJ_1 = np.array([[0, 0], [0, 1]], dtype=complex)


def _kron_targets(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix of ``a`` on target 0 and ``b`` on target 1 (index b0 + 2*b1)."""
    return np.kron(b, a)


def _rotation(generator: np.ndarray) -> tuple[Callable, Callable]:
    identity = np.eye(generator.shape[0], dtype=complex)

    def matrix(theta: float) -> np.ndarray:
        return np.cos(theta / 2) * identity - 1j * np.sin(theta / 2) * generator

    def derivative(theta: float) -> list[np.ndarray]:
        return [-0.5j * generator @ matrix(theta)]

    return matrix, derivative


def _u3(theta: float, phi: float, lam: float) -> np.ndarray:
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -np.exp(1j * lam) * s],
                     [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]])


def _u3_derivative(theta: float, phi: float, lam: float) -> list[np.ndarray]:
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    ep, el, epl = np.exp(1j * phi), np.exp(1j * lam), np.exp(1j * (phi + lam))
    d_theta = np.array([[-s / 2, -el * c / 2], [ep * c / 2, -epl * s / 2]])
    d_phi = np.array([[0, 0], [1j * ep * s, 1j * epl * c]])
    d_lam = np.array([[0, -1j * el * s], [0, 1j * epl * c]])
    return [d_theta, d_phi, d_lam]


def _phase(theta: float) -> np.ndarray:
    return np.diag([1.0, np.exp(1j * theta)])


def _phase_derivative(theta: float) -> list[np.ndarray]:
    return [np.diag([0.0, 1j * np.exp(1j * theta)])]


@dataclass(frozen=True)
class GateDef:
    """What the simulator needs to know about a named gate.

    ``kind`` picks the kernel: ``dense``, ``diagonal`` or ``permutation``.
    """

    name: str
    n_targets: int
    n_params: int
    matrix: Callable[..., np.ndarray]
    kind: str = "dense"
    derivative: Callable[..., list[np.ndarray]] | None = None
    inverse_name: str | None = None  # None: self-inverse for fixed gates, negate params for rotations
    qasm_name: str | None = None


def _fixed(name: str, m: np.ndarray, kind: str = "dense", inverse: str | None = None,
           qasm: str | None = None) -> GateDef:
    m = np.asarray(m, dtype=complex)
    return GateDef(name, int(np.log2(m.shape[0])), 0, lambda: m, kind, None, inverse, qasm or name)


SQRT_X = 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]])
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)
ISWAP = np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]], dtype=complex)

_rx, _drx = _rotation(PAULI_X)
_ry, _dry = _rotation(PAULI_Y)
_rz, _drz = _rotation(PAULI_Z)
_rxx, _drxx = _rotation(_kron_targets(PAULI_X, PAULI_X))
_ryy, _dryy = _rotation(_kron_targets(PAULI_Y, PAULI_Y))
_rzz, _drzz = _rotation(_kron_targets(PAULI_Z, PAULI_Z))

GATES: dict[str, GateDef] = {
    g.name: g
    for g in [
        _fixed("i", I2, "diagonal", qasm="id"),
        _fixed("x", PAULI_X, "permutation"),
        _fixed("y", PAULI_Y),
        _fixed("z", PAULI_Z, "diagonal"),
        _fixed("h", np.array([[1, 1], [1, -1]]) / np.sqrt(2)),
        _fixed("s", np.diag([1, 1j]), "diagonal", "sdg"),
        _fixed("sdg", np.diag([1, -1j]), "diagonal", "s"),
        _fixed("t", np.diag([1, np.exp(1j * np.pi / 4)]), "diagonal", "tdg"),
        _fixed("tdg", np.diag([1, np.exp(-1j * np.pi / 4)]), "diagonal", "t"),
        _fixed("sx", SQRT_X, inverse="sxdg"),
        _fixed("sxdg", SQRT_X.conj().T, inverse="sx"),
        _fixed("swap", SWAP, "permutation"),
        _fixed("iswap", ISWAP, inverse="iswapdg", qasm=""),
        _fixed("iswapdg", ISWAP.conj().T, inverse="iswap", qasm=""),
        GateDef("rx", 1, 1, _rx, "dense", _drx, qasm_name="rx"),
        GateDef("ry", 1, 1, _ry, "dense", _dry, qasm_name="ry"),
        GateDef("rz", 1, 1, _rz, "diagonal", _drz, qasm_name="rz"),
        GateDef("phase", 1, 1, _phase, "diagonal", _phase_derivative, qasm_name="u1"),
        GateDef("u3", 1, 3, _u3, "dense", _u3_derivative, qasm_name="u3"),
        GateDef("rxx", 2, 1, _rxx, "dense", _drxx, qasm_name="rxx"),
        GateDef("ryy", 2, 1, _ryy, "dense", _dryy, qasm_name=""),
        GateDef("rzz", 2, 1, _rzz, "diagonal", _drzz, qasm_name="rzz"),
    ]
}

ALIASES = {"id": "i", "cnot": "x", "p": "phase", "u1": "phase", "u": "u3"}


def gate_matrix(name: str, params: tuple[float, ...] = ()) -> np.ndarray:
    """The unitary of gate ``name`` at numeric ``params``.

    >>> bool(np.allclose(gate_matrix("rx", (np.pi,)), -1j * PAULI_X))
    True
    """
    return np.asarray(GATES[name].matrix(*params), dtype=complex)


def gate_derivatives(name: str, params: tuple[float, ...]) -> list[np.ndarray]:
    """d U / d param_k for each parameter of gate ``name``.

    >>> len(gate_derivatives("u3", (0.1, 0.2, 0.3)))
    3
    """
    gate = GATES[name]
    if gate.derivative is None:
        return []
    return [np.asarray(d, dtype=complex) for d in gate.derivative(*params)]


def is_unitary(matrix: np.ndarray, atol: float = 1e-8) -> bool:
    """Whether ``matrix`` is square and unitary to ``atol``.

    >>> is_unitary(np.eye(2)), is_unitary(np.ones((2, 2)))
    (True, False)
    """
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        return False
    return bool(np.allclose(m.conj().T @ m, np.eye(m.shape[0]), atol=atol))
