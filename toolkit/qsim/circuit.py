"""Circuits as data: operations on qubits, composed, inverted, repeated and resolved.

>>> from mstool.toolkit.qsim.circuit import Circuit, RX, X
>>> c = Circuit()
>>> c += RX("a").on(0)
>>> c += X.on(1, 0)
>>> c.n_qubits, c.parameters
(2, ['a'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.gates import ALIASES, GATES, gate_matrix, is_unitary
from mstool.toolkit.qsim.parameters import Parameter, ParamLike, as_param, resolve

NON_UNITARY = ("measure", "reset")


@dataclass(frozen=True)
class Operation:
    """One step of a circuit: a gate, a measurement, a reset, a barrier or a noise channel.

    ``condition`` is ``(clbits, value)`` for a classically controlled operation
    (the op runs when the integer read from ``clbits``, little-endian, equals ``value``).
    """

    name: str
    targets: tuple[int, ...]
    controls: tuple[int, ...] = ()
    params: tuple[ParamLike, ...] = ()
    matrix: np.ndarray | None = field(default=None, compare=False)
    clbits: tuple[int, ...] = ()
    condition: tuple[tuple[int, ...], int] | None = None
    channel: object | None = field(default=None, compare=False)

    @property
    def qubits(self) -> tuple[int, ...]:
        return self.controls + self.targets

    @property
    def is_gate(self) -> bool:
        return self.name in GATES or self.name == "unitary"

    @property
    def symbols(self) -> list[str]:
        out: list[str] = []
        for p in self.params:
            if isinstance(p, Parameter):
                out.extend(s for s in p.symbols if s not in out)
        return out

    def numeric_params(self, values: Mapping[str, float] | None = None) -> tuple[float, ...]:
        return tuple(resolve(p, values) for p in self.params)

    def unitary(self, values: Mapping[str, float] | None = None) -> np.ndarray:
        """The target-space matrix (controls excluded) at ``values``."""
        if self.name == "unitary":
            return self.matrix
        return gate_matrix(self.name, self.numeric_params(values))

    def inverse(self) -> Operation:
        if not self.is_gate:
            if self.name == "barrier":
                return self
            raise InputError(f"cannot invert a circuit containing '{self.name}'")
        if self.name == "unitary":
            return replace(self, matrix=self.matrix.conj().T)
        gate = GATES[self.name]
        if gate.n_params == 0:
            return replace(self, name=gate.inverse_name or self.name)
        if self.name == "u3":
            theta, phi, lam = self.params
            return replace(self, params=(-theta, -lam, -phi))
        return replace(self, params=tuple(-p for p in self.params))

    def label(self) -> str:
        if self.name == "unitary":
            return "U"
        if self.name == "measure":
            return "M"
        if self.name == "channel":
            return getattr(self.channel, "label", "noise")
        text = self.name.upper()
        if self.params:
            text += "(" + ",".join(_format_param(p) for p in self.params) + ")"
        return text


def _format_param(p: ParamLike) -> str:
    return str(p) if isinstance(p, Parameter) else f"{p:.4g}"


class GateSpec:
    """A gate not yet placed: ``RX('a').on(0)``, ``X.on(1, 0)`` (target 1, control 0).

    >>> RX(0.5).on(2).targets
    (2,)
    """

    def __init__(self, name: str, params: Sequence[object] = (), matrix: np.ndarray | None = None):
        self.name = ALIASES.get(name, name)
        self.params = tuple(as_param(p) for p in params)
        self.matrix = matrix
        if self.name != "unitary":
            if self.name not in GATES:
                raise InputError(f"unknown gate '{name}'")
            if len(self.params) != GATES[self.name].n_params:
                raise InputError(f"gate '{name}' takes {GATES[self.name].n_params} parameter(s), "
                                 f"got {len(self.params)}")

    @property
    def n_targets(self) -> int:
        if self.matrix is not None:
            return int(np.log2(self.matrix.shape[0]))
        return GATES[self.name].n_targets

    def on(self, targets: int | Sequence[int], controls: int | Sequence[int] | None = None) -> Operation:
        targets_t = (targets,) if isinstance(targets, int | np.integer) else tuple(targets)
        controls_t = () if controls is None else (
            (controls,) if isinstance(controls, int | np.integer) else tuple(controls))
        targets_t = tuple(int(t) for t in targets_t)
        controls_t = tuple(int(c) for c in controls_t)
        if len(targets_t) != self.n_targets:
            raise InputError(f"gate '{self.name}' acts on {self.n_targets} qubit(s), got {len(targets_t)}")
        qubits = targets_t + controls_t
        if len(set(qubits)) != len(qubits):
            raise InputError(f"gate '{self.name}' uses a qubit twice: {qubits}")
        if any(q < 0 for q in qubits):
            raise InputError(f"gate '{self.name}': negative qubit index in {qubits}")
        return Operation(self.name, targets_t, controls_t, self.params, self.matrix)


def RX(theta: object) -> GateSpec:  # noqa: N802 - gate names read like the math
    return GateSpec("rx", (theta,))


def RY(theta: object) -> GateSpec:  # noqa: N802
    return GateSpec("ry", (theta,))


def RZ(theta: object) -> GateSpec:  # noqa: N802
    return GateSpec("rz", (theta,))


def Phase(theta: object) -> GateSpec:  # noqa: N802
    return GateSpec("phase", (theta,))


def U3(theta: object, phi: object, lam: object) -> GateSpec:  # noqa: N802
    return GateSpec("u3", (theta, phi, lam))


def Rxx(theta: object) -> GateSpec:  # noqa: N802
    return GateSpec("rxx", (theta,))


def Ryy(theta: object) -> GateSpec:  # noqa: N802
    return GateSpec("ryy", (theta,))


def Rzz(theta: object) -> GateSpec:  # noqa: N802
    return GateSpec("rzz", (theta,))


def UnitaryGate(matrix: object) -> GateSpec:  # noqa: N802
    """An arbitrary 1- or 2-qubit unitary; a non-unitary matrix is an :class:`InputError`."""
    m = np.asarray(matrix, dtype=complex)
    if m.shape not in ((2, 2), (4, 4)):
        raise InputError(f"custom gate matrix must be 2x2 or 4x4, got shape {m.shape}")
    if not is_unitary(m):
        raise InputError("custom gate matrix is not unitary")
    return GateSpec("unitary", (), m)


I, X, Y, Z, H = (GateSpec(n) for n in ("i", "x", "y", "z", "h"))  # noqa: E741
S, SDG, T, TDG, SX = (GateSpec(n) for n in ("s", "sdg", "t", "tdg", "sx"))
SWAP, ISWAP = GateSpec("swap"), GateSpec("iswap")


class Circuit:
    """An ordered list of :class:`Operation` on ``n_qubits`` qubits and ``n_clbits`` bits.

    >>> c = Circuit(2).h(0).cx(0, 1)
    >>> len(c), c.n_qubits
    (2, 2)
    >>> (c + c.inverse()).n_ops
    4
    """

    def __init__(self, n_qubits: int = 0, ops: Iterable[Operation] = (), n_clbits: int = 0) -> None:
        self.ops: list[Operation] = []
        self._declared_qubits = int(n_qubits)
        self.n_clbits = int(n_clbits)
        # register names from QASM, name -> (offset, size); kept by copies and resolve()
        self.qregs: dict[str, tuple[int, int]] = {}
        self.cregs: dict[str, tuple[int, int]] = {}
        for op in ops:
            self.append(op)

    @property
    def n_qubits(self) -> int:
        used = max((max(op.qubits) + 1 for op in self.ops if op.qubits), default=0)
        return max(self._declared_qubits, used)

    @property
    def n_ops(self) -> int:
        return len(self.ops)

    def __len__(self) -> int:
        return len(self.ops)

    def __iter__(self):
        return iter(self.ops)

    def append(self, op: Operation | Circuit) -> Circuit:
        if isinstance(op, Circuit):
            for o in op.ops:
                self.append(o)
            self._declared_qubits = max(self._declared_qubits, op._declared_qubits)
            self.n_clbits = max(self.n_clbits, op.n_clbits)
            return self
        if not isinstance(op, Operation):
            raise InputError(f"cannot add {type(op).__name__} to a circuit; use gate.on(qubit)")
        self.ops.append(op)
        if op.clbits:
            self.n_clbits = max(self.n_clbits, max(op.clbits) + 1)
        return self

    def __iadd__(self, other: Operation | Circuit) -> Circuit:
        return self.append(other)

    def __add__(self, other: Operation | Circuit) -> Circuit:
        return self.copy().append(other)

    def copy(self) -> Circuit:
        return self._with_ops(list(self.ops))

    def _with_ops(self, ops: list[Operation]) -> Circuit:
        out = Circuit(self._declared_qubits, ops, self.n_clbits)
        out.qregs, out.cregs = dict(self.qregs), dict(self.cregs)
        return out

    def add(self, name: str, targets: int | Sequence[int], params: Sequence[object] = (),
            controls: int | Sequence[int] | None = None) -> Circuit:
        """Append gate ``name`` (chainable)."""
        return self.append(GateSpec(name, params).on(targets, controls))

    def h(self, q: int) -> Circuit:
        return self.add("h", q)

    def x(self, q: int) -> Circuit:
        return self.add("x", q)

    def cx(self, control: int, target: int) -> Circuit:
        return self.add("x", target, controls=control)

    def cz(self, control: int, target: int) -> Circuit:
        return self.add("z", target, controls=control)

    def rx(self, theta: object, q: int) -> Circuit:
        return self.add("rx", q, (theta,))

    def ry(self, theta: object, q: int) -> Circuit:
        return self.add("ry", q, (theta,))

    def rz(self, theta: object, q: int) -> Circuit:
        return self.add("rz", q, (theta,))

    def measure(self, qubit: int, clbit: int | None = None) -> Circuit:
        return self.append(Operation("measure", (qubit,), clbits=(qubit if clbit is None else clbit,)))

    def barrier(self, qubits: Sequence[int] | None = None) -> Circuit:
        return self.append(Operation("barrier", tuple(qubits) if qubits else ()))

    def inverse(self) -> Circuit:
        """The adjoint circuit (gates reversed and inverted)."""
        return Circuit(self._declared_qubits, [op.inverse() for op in reversed(self.ops)], self.n_clbits)

    dagger = inverse

    def repeat(self, times: int) -> Circuit:
        out = Circuit(self._declared_qubits, n_clbits=self.n_clbits)
        for _ in range(int(times)):
            out.append(self)
        return out

    @property
    def parameters(self) -> list[str]:
        """Symbol names in order of first use."""
        names: list[str] = []
        for op in self.ops:
            names.extend(s for s in op.symbols if s not in names)
        return names

    def resolve(self, values: Mapping[str, float]) -> Circuit:
        """A copy with every symbol replaced by its value."""
        ops = [replace(op, params=op.numeric_params(values)) if op.symbols else op for op in self.ops]
        return self._with_ops(ops)

    @property
    def is_unitary(self) -> bool:
        return all(op.is_gate or op.name == "barrier" for op in self.ops)

    @property
    def has_mid_circuit_ops(self) -> bool:
        """True when a reset, a condition, a channel or a gate after a measurement occurs."""
        measured: set[int] = set()
        for op in self.ops:
            if op.name in ("reset", "channel") or op.condition is not None:
                return True
            if op.name == "measure":
                measured.update(op.targets)
            elif measured and op.is_gate and not measured.isdisjoint(op.qubits):
                return True
        return False

    def diagram(self) -> str:
        from mstool.toolkit.qsim.diagram import draw

        return draw(self)

    def __str__(self) -> str:
        return self.diagram()

    def __repr__(self) -> str:
        return f"Circuit(n_qubits={self.n_qubits}, n_ops={self.n_ops})"
