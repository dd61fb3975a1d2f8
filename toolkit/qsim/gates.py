"""Gate definitions: matrices, derivatives, inverses, kernel kinds, Pauli generators and
OpenQASM 2/3 spellings, one :class:`GateDef` per gate in :data:`GATES`.

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
class QasmSpelling:
    """How a gate is written in OpenQASM; the exporter and the importer's native table read it.

    ``v2[k]`` is its name with ``k`` controls in qelib1.inc (``None``: no such name); ``v3`` its
    name in stdgates.inc (a modifier form such as ``inv @ sx`` is allowed) and ``v3_controlled[k]``
    a named ``k``-controlled form (else ``ctrl @`` is written); ``definition`` is an exact ``gate``
    body (no global phase dropped), written into a file whose library lacks the name.
    """

    v2: tuple[str | None, ...] = ()
    v3: str = ""
    v3_controlled: tuple[str | None, ...] = ()
    definition: tuple[str, ...] = ()


def spelled(v2: str, v3: str, v3_controlled: str = "", definition: tuple[str, ...] = ()) -> QasmSpelling:
    """A :class:`QasmSpelling` from space-separated names by control count (``-``: none).

    >>> spelled("x cx ccx", "x", "- cx").v2, spelled("x cx ccx", "x", "- cx").v3_controlled
    (('x', 'cx', 'ccx'), (None, 'cx'))
    """

    def names(text: str) -> tuple[str | None, ...]:
        return tuple(None if n == "-" else n for n in text.split())

    return QasmSpelling(names(v2), v3, names(v3_controlled), definition)


@dataclass(frozen=True)
class GateDef:
    """Everything mstool knows about a named gate; adding a gate is one entry in :data:`GATES`.

    ``kind`` picks the kernel: ``dense``, ``diagonal`` or ``permutation``. ``generator`` is the
    Pauli operator ``G`` of a rotation ``exp(-i theta G / 2)`` (None for other gates);
    ``pow_scales_angle`` says ``U(a)^k = U(k a)`` (rotations and the phase gate), so ``pow(k) @``
    scales the angle; ``qasm`` holds its OpenQASM 2/3 names.
    """

    name: str
    n_targets: int
    n_params: int
    matrix: Callable[..., np.ndarray]
    kind: str = "dense"
    derivative: Callable[..., list[np.ndarray]] | None = None
    inverse_name: str | None = None  # None: self-inverse for fixed gates, negate params for rotations
    qasm: QasmSpelling = QasmSpelling()
    generator: np.ndarray | None = None
    pow_scales_angle: bool = False


def _fixed(name: str, m: np.ndarray, qasm: QasmSpelling, kind: str = "dense",
           inverse: str | None = None) -> GateDef:
    m = np.asarray(m, dtype=complex)
    return GateDef(name, int(np.log2(m.shape[0])), 0, lambda: m, kind, None, inverse, qasm)


def _rotation_gate(name: str, generator: np.ndarray, qasm: QasmSpelling, kind: str = "dense") -> GateDef:
    matrix, derivative = _rotation(generator)
    return GateDef(name, int(np.log2(generator.shape[0])), 1, matrix, kind, derivative, None, qasm,
                   generator, pow_scales_angle=True)


SQRT_X = 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]])
SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)
ISWAP = np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]], dtype=complex)

# exact definitions (no global phase dropped) for files whose library lacks the gate
_RXX = ("gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b; }",)
_RYY = ("gate ryy(theta) a, b {", "rx(pi/2) a; rx(pi/2) b; cx a, b; rz(theta) b; cx a, b;",
        "rx(-pi/2) a; rx(-pi/2) b; }")
_RZZ = ("gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }",)
_ISWAP = ("gate iswap a, b { s a; s b; h a; cx a, b; cx b, a; h b; }",)
_ISWAPDG = ("gate iswapdg a, b { h b; cx b, a; cx a, b; h a; sdg b; sdg a; }",)

GATES: dict[str, GateDef] = {
    g.name: g
    for g in [
        _fixed("i", I2, spelled("id", "id"), "diagonal"),
        _fixed("x", PAULI_X, spelled("x cx ccx c3x c4x", "x", "- cx ccx"), "permutation"),
        _fixed("y", PAULI_Y, spelled("y cy", "y", "- cy")),
        _fixed("z", PAULI_Z, spelled("z cz", "z", "- cz"), "diagonal"),
        _fixed("h", np.array([[1, 1], [1, -1]]) / np.sqrt(2), spelled("h ch", "h", "- ch")),
        _fixed("s", np.diag([1, 1j]), spelled("s", "s"), "diagonal", "sdg"),
        _fixed("sdg", np.diag([1, -1j]), spelled("sdg", "sdg"), "diagonal", "s"),
        _fixed("t", np.diag([1, np.exp(1j * np.pi / 4)]), spelled("t", "t"), "diagonal", "tdg"),
        _fixed("tdg", np.diag([1, np.exp(-1j * np.pi / 4)]), spelled("tdg", "tdg"), "diagonal", "t"),
        _fixed("sx", SQRT_X, spelled("sx csx - c3sqrtx", "sx"), inverse="sxdg"),
        _fixed("sxdg", SQRT_X.conj().T, spelled("sxdg", "inv @ sx"), inverse="sx"),
        _fixed("swap", SWAP, spelled("swap cswap", "swap", "- cswap"), "permutation"),
        _fixed("iswap", ISWAP, spelled("iswap", "iswap", definition=_ISWAP), inverse="iswapdg"),
        _fixed("iswapdg", ISWAP.conj().T, spelled("iswapdg", "inv @ iswap", definition=_ISWAPDG),
               inverse="iswap"),
        _rotation_gate("rx", PAULI_X, spelled("rx crx", "rx", "- crx")),
        _rotation_gate("ry", PAULI_Y, spelled("ry cry", "ry", "- cry")),
        _rotation_gate("rz", PAULI_Z, spelled("rz crz", "rz", "- crz"), "diagonal"),
        GateDef("phase", 1, 1, _phase, "diagonal", _phase_derivative, qasm=spelled("u1 cu1", "p", "- cp"),
                pow_scales_angle=True),
        GateDef("u3", 1, 3, _u3, "dense", _u3_derivative, qasm=spelled("u3 cu3", "U")),
        _rotation_gate("rxx", _kron_targets(PAULI_X, PAULI_X), spelled("rxx", "rxx", definition=_RXX)),
        _rotation_gate("ryy", _kron_targets(PAULI_Y, PAULI_Y), spelled("ryy", "ryy", definition=_RYY)),
        _rotation_gate("rzz", _kron_targets(PAULI_Z, PAULI_Z), spelled("rzz", "rzz", definition=_RZZ),
                       "diagonal"),
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
