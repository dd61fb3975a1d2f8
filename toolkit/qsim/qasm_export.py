"""Writing circuits as OpenQASM 2.0 (qelib1.inc) or OpenQASM 3 (stdgates.inc), keeping
register names; gates outside the library are written as ``gate`` definitions, and
OpenQASM 3 uses ``ctrl @``/``inv @`` where qelib1 has no name.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> print(to_qasm(Circuit(2).h(0).cx(0, 1)))
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
h q[0];
cx q[0],q[1];
<BLANKLINE>
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.gates import GATES
from mstool.toolkit.qsim.parameters import Parameter
from mstool.toolkit.qsim.qasm_library import BUILTINS, QELIB1_GATES, STDGATES_GATES

_QELIB1_NAMES = QELIB1_GATES | BUILTINS
_STDGATES_NAMES = STDGATES_GATES | BUILTINS


def _spelling_at(names: tuple[str | None, ...], n_controls: int) -> str | None:
    """The name for ``n_controls`` controls in a :class:`~mstool.toolkit.qsim.gates.QasmSpelling`."""
    return names[n_controls] if n_controls < len(names) else None


def _definition(name: str) -> list[str]:
    """The ``gate NAME ...`` definition that a gate's spelling carries, for a name outside the library."""
    for gate in GATES.values():
        lines = gate.qasm.definition
        if lines and lines[0].split()[1].split("(")[0] == name:
            return list(lines)
    raise InputError(f"gate '{name}' is not in the library and GATES has no definition for it")


def _num(p, version: int) -> str:
    if isinstance(p, Parameter):
        if version == 2:
            raise InputError(f"cannot write unresolved parameter '{p}' to OpenQASM 2; resolve it first")
        parts = [name if c == 1 else f"-{name}" if c == -1 else f"{float(c)!r}*{name}"
                 for name, c in p.terms.items() if c]
        parts += [repr(float(p.constant))] if p.constant or not parts else []
        text = " + ".join(parts).replace("+ -", "- ")
        return f"({text})" if len(parts) > 1 else text
    return repr(float(p))


def zyz_angles(u: np.ndarray) -> tuple[float, float, float, float]:
    """(theta, phi, lambda, gamma) with u == exp(i gamma) U3(theta, phi, lambda).

    >>> from mstool.toolkit.qsim.gates import gate_matrix
    >>> [round(a, 6) for a in zyz_angles(gate_matrix("u3", (0.3, 0.2, 0.1)))]
    [0.3, 0.2, 0.1, 0.0]
    """
    theta = 2 * np.arctan2(abs(u[1, 0]), abs(u[0, 0]))
    if abs(u[0, 0]) > 1e-12:
        gamma = float(np.angle(u[0, 0]))
        lam = float(np.angle(-u[0, 1]) - gamma) if abs(u[0, 1]) > 1e-12 else 0.0
        phi = (float(np.angle(u[1, 1]) - gamma - lam) if abs(u[1, 1]) > 1e-12
               else float(np.angle(u[1, 0]) - gamma))
    else:
        gamma, lam = 0.0, float(np.angle(-u[0, 1]))
        phi = float(np.angle(u[1, 0]))
    return float(theta), phi, lam, gamma


class _Writer:
    def __init__(self, circuit: Circuit, version: int) -> None:
        self.circuit, self.version = circuit, version
        n, m = circuit.n_qubits, circuit.n_clbits
        self.qregs = _registers(getattr(circuit, "qregs", {}), n, "q")
        self.cregs = _registers(getattr(circuit, "cregs", {}), m, "c")
        self.qname = _index_names(self.qregs, n)
        self.cname = _index_names(self.cregs, m)
        self.definitions: dict[str, list[str]] = {}

    def q(self, qubits) -> str:
        return ("," if self.version == 2 else ", ").join(self.qname[k] for k in qubits)

    def gate(self, op: Operation) -> list[str]:
        if op.name == "unitary":
            return self._unitary(op)
        if op.name not in GATES:
            raise InputError(f"operation '{op.name}' cannot be written to QASM")
        spelling = GATES[op.name].qasm
        params = "(" + ", ".join(_num(p, self.version) for p in op.params) + ")" if op.params else ""
        if self.version == 2:
            name = _spelling_at(spelling.v2, len(op.controls))
            if name is None:
                raise InputError(f"gate '{op.label()}' with {len(op.controls)} control(s) has no qelib1 "
                                 "equivalent; write OpenQASM 3 (--version 3)")
            if name not in _QELIB1_NAMES:
                self.definitions.setdefault(name, _definition(name))
            return [f"{name}{params} {self.q(op.controls + op.targets)};"]
        named = _spelling_at(spelling.v3_controlled, len(op.controls)) if op.controls else None
        if named:
            return [f"{named}{params} {self.q(op.controls + op.targets)};"]
        base = spelling.v3
        bare = base.split("@")[-1].strip()  # "inv @ iswap" needs iswap's definition
        if bare not in _STDGATES_NAMES:
            self.definitions.setdefault(bare, _definition(bare))
        mods = {0: "", 1: "ctrl @ "}.get(len(op.controls), f"ctrl({len(op.controls)}) @ ")
        return [f"{mods}{base}{params} {self.q(op.controls + op.targets)};"]

    def _unitary(self, op: Operation) -> list[str]:
        if len(op.targets) != 1:
            raise InputError("2-qubit custom unitaries cannot be written to QASM")
        theta, phi, lam, gamma = zyz_angles(op.matrix)
        angles = ", ".join(repr(a) for a in (theta, phi, lam))
        if self.version == 2:
            if len(op.controls) > 1:
                raise InputError("a custom unitary with more than one control has no qelib1 equivalent")
            if op.controls:
                return [f"cu({angles}, {gamma!r}) {self.q(op.controls + op.targets)};"]
            return [f"u3({angles}) {self.q(op.targets)};"]
        name = f"unitary_{len(self.definitions)}"
        self.definitions[name] = [f"gate {name} a {{ U({angles}) a; gphase({gamma!r}); }}"]
        mods = {0: "", 1: "ctrl @ "}.get(len(op.controls), f"ctrl({len(op.controls)}) @ ")
        return [f"{mods}{name} {self.q(op.controls + op.targets)};"]

    def condition(self, op: Operation, body: list[str]) -> list[str]:
        clbits, value = op.condition
        for name, (offset, size) in self.cregs.items():
            if list(clbits) == list(range(offset, offset + size)):
                if self.version == 2:
                    return [f"if({name}=={value}) {line}" for line in body]
                return [f"if ({name} == {value}) {{ {line} }}" for line in body]
        if self.version == 2:
            raise InputError("OpenQASM 2 can condition only on a whole classical register; "
                             "write OpenQASM 3 (--version 3)")
        truth = ("false", "true")
        head = " ".join(f"if ({self.cname[c]} == {truth[(value >> k) & 1]}) {{" for k, c in enumerate(clbits))
        return [f"{head} {line} " + "}" * len(clbits) for line in body]

    def body(self) -> list[str]:
        lines = []
        for op in self.circuit.ops:
            if op.name == "barrier":
                lines.append("barrier " + self.q(op.targets or range(self.circuit.n_qubits)) + ";")
                continue
            if op.name == "measure":
                target, clbit = self.qname[op.targets[0]], self.cname[op.clbits[0]]
                body = [f"measure {target} -> {clbit};" if self.version == 2
                        else f"{clbit} = measure {target};"]
            elif op.name == "reset":
                body = [f"reset {self.q(op.targets)};"]
            elif op.is_gate:
                body = self.gate(op)
            else:
                raise InputError(f"operation '{op.name}' cannot be written to QASM")
            lines.extend(self.condition(op, body) if op.condition is not None else body)
        return lines


def _registers(regs: dict, size: int, default: str) -> dict[str, tuple[int, int]]:
    """The circuit's registers when they tile 0..size-1 exactly, else one register."""
    spans = sorted(regs.values())
    tiled = all(a[0] + a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    if regs and tiled and spans[0][0] == 0 and spans[-1][0] + spans[-1][1] == size:
        return dict(regs)
    return {default: (0, size)} if size else {}


def _index_names(regs: dict, size: int) -> list[str]:
    names = [""] * size
    for name, (offset, n) in regs.items():
        for k in range(n):
            names[offset + k] = f"{name}[{k}]"
    return names


def to_qasm(circuit: Circuit, version: int = 2) -> str:
    """OpenQASM text of ``circuit``; register names kept, symbols as OpenQASM 3 inputs.

    >>> print(to_qasm(Circuit(2).rx("theta", 0).add("phase", 1, (0.5,), controls=0), 3), end="")
    OPENQASM 3.0;
    include "stdgates.inc";
    input float[64] theta;
    qubit[2] q;
    rx(theta) q[0];
    cp(0.5) q[0], q[1];
    """
    if version not in (2, 3):
        raise InputError(f"OpenQASM version must be 2 or 3, got {version}")
    if version == 2 and circuit.parameters:
        raise InputError(f"cannot write unresolved parameter(s) {circuit.parameters} to OpenQASM 2; "
                         "resolve them first or write OpenQASM 3")
    writer = _Writer(circuit, version)
    body = writer.body()
    if version == 2:
        head = ["OPENQASM 2.0;", 'include "qelib1.inc";']
        decls = [f"qreg {n}[{s}];" for n, (_, s) in writer.qregs.items()]
        decls += [f"creg {n}[{s}];" for n, (_, s) in writer.cregs.items()]
    else:
        head = ["OPENQASM 3.0;", 'include "stdgates.inc";']
        decls = [f"input float[64] {s};" for s in circuit.parameters]
        decls += [f"qubit[{s}] {n};" for n, (_, s) in writer.qregs.items()]
        decls += [f"bit[{s}] {n};" for n, (_, s) in writer.cregs.items()]
    definitions = [line for lines in writer.definitions.values() for line in lines]
    return "\n".join(head + definitions + decls + body) + "\n"
