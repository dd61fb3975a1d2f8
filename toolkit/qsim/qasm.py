"""OpenQASM 2.0 import (and the same subset of OpenQASM 3): registers, qelib1/stdgates
gates, user ``gate`` definitions, measure, reset, barrier and ``if``.

>>> c = parse_qasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1];')
>>> c.n_qubits, [op.name for op in c.ops]
(2, ['h', 'x'])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, GateSpec, Operation
from mstool.toolkit.qsim.parameters import Parameter
from mstool.toolkit.qsim.qasm_lexer import Token, TokenStream, parse_expression, tokenize

# name -> (internal gate, number of controls, number of QASM parameters, parameter map)
_SAME = lambda *p: p  # noqa: E731
NATIVE: dict[str, tuple[str, int, int, object]] = {
    "U": ("u3", 0, 3, _SAME), "u": ("u3", 0, 3, _SAME), "u3": ("u3", 0, 3, _SAME),
    "u2": ("u3", 0, 2, lambda phi, lam: (math.pi / 2, phi, lam)),
    "u1": ("phase", 0, 1, _SAME), "p": ("phase", 0, 1, _SAME), "phase": ("phase", 0, 1, _SAME),
    "u0": ("i", 0, 1, lambda g: ()), "id": ("i", 0, 0, _SAME),
    "CX": ("x", 1, 0, _SAME), "cx": ("x", 1, 0, _SAME), "cy": ("y", 1, 0, _SAME),
    "cz": ("z", 1, 0, _SAME), "ch": ("h", 1, 0, _SAME), "ccx": ("x", 2, 0, _SAME),
    "c3x": ("x", 3, 0, _SAME), "c4x": ("x", 4, 0, _SAME), "cswap": ("swap", 1, 0, _SAME),
    "crx": ("rx", 1, 1, _SAME), "cry": ("ry", 1, 1, _SAME), "crz": ("rz", 1, 1, _SAME),
    "cu1": ("phase", 1, 1, _SAME), "cp": ("phase", 1, 1, _SAME), "cphase": ("phase", 1, 1, _SAME),
    "cu3": ("u3", 1, 3, _SAME), "csx": ("sx", 1, 0, _SAME),
}
for _name in ("x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "swap",
              "rxx", "rzz", "ryy", "iswap"):
    from mstool.toolkit.qsim.gates import GATES as _G

    NATIVE[_name] = (_name, 0, _G[_name].n_params, _SAME)
STANDARD_LIBRARIES = ("qelib1.inc", "stdgates.inc")


@dataclass
class GateDefinition:
    params: list[str]
    args: list[str]
    body: list[tuple]  # (name_token, param_exprs, arg_tokens)


@dataclass
class _State:
    qregs: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (offset, size)
    cregs: dict[str, tuple[int, int]] = field(default_factory=dict)
    gates: dict[str, GateDefinition] = field(default_factory=dict)
    native: set[str] = field(default_factory=set)
    symbols: dict[str, Parameter] = field(default_factory=dict)
    n_qubits: int = 0
    n_clbits: int = 0
    version: int = 2


def parse_qasm(text: str, source: str = "<qasm>", native_gates: bool = True,
               base_dir: Path | None = None) -> Circuit:
    """Parse OpenQASM 2.0 (or the same subset of 3) into a :class:`Circuit`.

    With ``native_gates=False`` an included library is read from disk and every gate is
    expanded from its definition down to ``U`` and ``CX``.
    """
    parser = _Parser(native_gates, base_dir)
    circuit = Circuit()
    parser.run(text, source, circuit, top=True)
    out = Circuit(parser.state.n_qubits, circuit.ops, parser.state.n_clbits)
    out.cregs = dict(parser.state.cregs)
    return out


def load_qasm(path: str | Path, native_gates: bool = True) -> Circuit:
    """Read and parse a QASM file; errors name ``file:line:column``."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputError(f"cannot read QASM file: {exc.strerror}", where=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("QASM file is not UTF-8 text", where=str(path)) from None
    return parse_qasm(text, str(path), native_gates, path.parent)


class _Parser:
    def __init__(self, native_gates: bool, base_dir: Path | None) -> None:
        self.native_gates = native_gates
        self.base_dir = base_dir or Path.cwd()
        self.state = _State()

    def run(self, text: str, source: str, circuit: Circuit, top: bool) -> None:
        ts = TokenStream(tokenize(text, source), source)
        if top:
            self._header(ts)
        while ts.peek().kind != "eof":
            self._statement(ts, circuit)

    def _header(self, ts: TokenStream) -> None:
        ts.expect("OPENQASM")
        tok = ts.next()
        if tok.kind not in ("real", "int") or tok.text.split(".")[0] not in ("2", "3"):
            raise ts.error(f"unsupported OpenQASM version {tok.text!r} (2.0 or 3 expected)", tok)
        self.state.version = int(tok.text.split(".")[0])
        ts.expect(";")

    def _statement(self, ts: TokenStream, circuit: Circuit) -> None:
        tok = ts.peek()
        handler = {
            "include": self._include, "qreg": self._qreg, "creg": self._creg, "qubit": self._qubit3,
            "bit": self._bit3, "gate": self._gate_def, "measure": self._measure, "reset": self._reset,
            "barrier": self._barrier, "if": self._if, "opaque": self._opaque, "input": self._input3,
        }.get(tok.text if tok.kind == "id" else "")
        if handler is not None:
            handler(ts, circuit)
        elif tok.kind == "id" and ts.peek(1).text in ("=", "[") and self._is_creg_assign(ts):
            self._measure3(ts, circuit)
        elif tok.kind == "id":
            for op in self._gate_call(ts):
                circuit.append(op)
        else:
            raise ts.error(f"unexpected {tok.text!r}" if tok.kind != "eof" else "unexpected end of file")

    def _include(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        tok = ts.expect_kind("string", "a file name in quotes")
        ts.expect(";")
        name = tok.text.strip('"')
        if name in STANDARD_LIBRARIES and self.native_gates:
            self.state.native.update(NATIVE)
            return
        path = self.base_dir / name
        if not path.exists():
            raise ts.error(f"include file '{name}' not found", tok)
        self.run(path.read_text(), str(path), circuit, top=False)

    def _declare(self, ts: TokenStream, kind: str, name_tok: Token, size: int) -> None:
        st = self.state
        if name_tok.text in st.qregs or name_tok.text in st.cregs:
            raise ts.error(f"register '{name_tok.text}' is declared twice", name_tok)
        if size <= 0:
            raise ts.error(f"register '{name_tok.text}' must have at least one bit", name_tok)
        if kind == "q":
            st.qregs[name_tok.text] = (st.n_qubits, size)
            st.n_qubits += size
        else:
            st.cregs[name_tok.text] = (st.n_clbits, size)
            st.n_clbits += size

    def _qreg(self, ts, circuit, kind="q") -> None:
        ts.next()
        name = ts.expect_kind("id", "a register name")
        ts.expect("[")
        size = int(ts.expect_kind("int", "a register size").text)
        ts.expect("]")
        ts.expect(";")
        self._declare(ts, kind, name, size)

    def _creg(self, ts, circuit) -> None:
        self._qreg(ts, circuit, kind="c")

    def _qubit3(self, ts, circuit, kind="q") -> None:
        ts.next()
        size = 1
        if ts.accept("["):
            size = int(ts.expect_kind("int", "a register size").text)
            ts.expect("]")
        name = ts.expect_kind("id", "a register name")
        ts.expect(";")
        self._declare(ts, kind, name, size)

    def _bit3(self, ts, circuit) -> None:
        self._qubit3(ts, circuit, kind="c")

    def _input3(self, ts, circuit) -> None:
        ts.next()
        type_tok = ts.expect_kind("id", "a type")
        if type_tok.text not in ("float", "angle"):
            raise ts.error(f"only float/angle inputs are supported, got '{type_tok.text}'", type_tok)
        if ts.accept("["):
            ts.expect_kind("int", "a width")
            ts.expect("]")
        name = ts.expect_kind("id", "a parameter name")
        ts.expect(";")
        self.state.symbols[name.text] = Parameter(name.text)

    def _opaque(self, ts, circuit) -> None:
        tok = ts.next()
        while ts.peek().text != ";":
            if ts.next().kind == "eof":
                raise ts.error("expected ';'", tok)
        ts.next()

    def _gate_def(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        name = ts.expect_kind("id", "a gate name")
        params: list[str] = []
        if ts.accept("("):
            while not ts.accept(")"):
                params.append(ts.expect_kind("id", "a parameter name").text)
                if ts.peek().text != ")":
                    ts.expect(",")
        args = [ts.expect_kind("id", "a qubit argument").text]
        while ts.accept(","):
            args.append(ts.expect_kind("id", "a qubit argument").text)
        ts.expect("{")
        body = []
        while not ts.accept("}"):
            if ts.peek().kind == "eof":
                raise ts.error(f"gate '{name.text}' body is not closed with '}}'", name)
            if ts.accept("barrier"):
                while ts.next().text != ";":
                    pass
                continue
            head = ts.expect_kind("id", "a gate name")
            exprs = self._param_exprs(ts)
            operands = [ts.expect_kind("id", "a qubit argument")]
            while ts.accept(","):
                operands.append(ts.expect_kind("id", "a qubit argument"))
            ts.expect(";")
            body.append((head, exprs, operands))
        if name.text in self.state.native and self.native_gates:
            return  # the library's own definition: the native gate stands in for it
        self.state.gates[name.text] = GateDefinition(params, args, body)

    def _param_exprs(self, ts: TokenStream) -> list:
        exprs = []
        if ts.accept("("):
            while not ts.accept(")"):
                exprs.append(parse_expression(ts))
                if ts.peek().text != ")":
                    ts.expect(",")
        return exprs

    def _operand(self, ts: TokenStream, kind: str = "q") -> tuple[Token, list[int]]:
        """A register or one bit of it: the absolute indices it names."""
        regs = self.state.qregs if kind == "q" else self.state.cregs
        tok = ts.expect_kind("id", "a register")
        if tok.text not in regs:
            what = "quantum" if kind == "q" else "classical"
            raise ts.error(f"unknown {what} register '{tok.text}'", tok)
        offset, size = regs[tok.text]
        if ts.accept("["):
            idx_tok = ts.expect_kind("int", "an index")
            ts.expect("]")
            idx = int(idx_tok.text)
            if idx >= size:
                raise ts.error(f"index {idx} is out of range for register '{tok.text}' of size {size}",
                               idx_tok)
            return tok, [offset + idx]
        return tok, list(range(offset, offset + size))

    def _operands(self, ts: TokenStream) -> list[tuple[Token, list[int]]]:
        out = [self._operand(ts)]
        while ts.accept(","):
            out.append(self._operand(ts))
        ts.expect(";")
        return out

    def _gate_call(self, ts: TokenStream) -> list[Operation]:
        from mstool.toolkit.qsim.qasm_calls import expand_call

        return expand_call(self, ts)

    def _measure(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        qtok, qubits = self._operand(ts)
        ts.expect("->")
        ctok, clbits = self._operand(ts, "c")
        ts.expect(";")
        self._add_measure(ts, circuit, qtok, qubits, clbits)

    def _is_creg_assign(self, ts: TokenStream) -> bool:
        return self.state.version == 3 and ts.peek().text in self.state.cregs

    def _measure3(self, ts: TokenStream, circuit: Circuit) -> None:
        ctok, clbits = self._operand(ts, "c")
        ts.expect("=")
        ts.expect("measure")
        qtok, qubits = self._operand(ts)
        ts.expect(";")
        self._add_measure(ts, circuit, qtok, qubits, clbits)

    def _add_measure(self, ts, circuit, qtok, qubits, clbits) -> None:
        if len(qubits) != len(clbits):
            raise ts.error(f"measure of {len(qubits)} qubit(s) into {len(clbits)} bit(s)", qtok)
        for q, c in zip(qubits, clbits, strict=True):
            circuit.append(Operation("measure", (q,), clbits=(c,), condition=self._condition))

    _condition = None

    def _reset(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        (_, qubits), = self._operands(ts)
        for q in qubits:
            circuit.append(Operation("reset", (q,), condition=self._condition))

    def _barrier(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        qubits = [q for _, qs in self._operands(ts) for q in qs]
        circuit.append(Operation("barrier", tuple(qubits)))

    def _if(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        ts.expect("(")
        _, clbits = self._operand(ts, "c")
        ts.expect("==")
        value = int(ts.expect_kind("int", "an integer").text)
        ts.expect(")")
        self._condition = (tuple(clbits), value)
        try:
            tok = ts.peek()
            if tok.text in ("measure", "reset"):
                self._statement(ts, circuit)
            else:
                for op in self._gate_call(ts):
                    circuit.append(Operation(op.name, op.targets, op.controls, op.params, op.matrix,
                                             condition=self._condition))
        finally:
            self._condition = None


def gate_spec(name: str, params: tuple) -> GateSpec:
    """The internal gate for a native QASM name (used by the call expander)."""
    internal, _, _, mapper = NATIVE[name]
    return GateSpec(internal, mapper(*params))
