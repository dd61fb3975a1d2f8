"""OpenQASM 2.0 and 3 import: registers, qelib1.inc/stdgates.inc gates, user ``gate``
definitions, ``ctrl @``/``inv @``/``pow @`` modifiers, ``input float`` parameters,
measure, reset, barrier and ``if`` on bits and registers, within resource limits.

>>> c = parse_qasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1];')
>>> c.n_qubits, [op.name for op in c.ops]
(2, ['h', 'x'])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.parameters import Parameter
from mstool.toolkit.qsim.qasm_calls import GateDefinition, define_gate, expand_top_level, parse_call
from mstool.toolkit.qsim.qasm_files import read_source, resolve_include
from mstool.toolkit.qsim.qasm_lexer import Token, TokenStream, shown, tokenize
from mstool.toolkit.qsim.qasm_library import (
    COMPOSITE_DEFINITIONS,
    COMPOSITE_GATES,
    EXTENSIONS,
    LIBRARIES,
    NATIVE,
)

UNSUPPORTED_3 = ("for", "while", "def", "const", "let", "box", "delay", "int", "uint", "float", "angle",
                 "bool", "complex", "output", "defcal", "cal", "extern", "switch", "break", "continue",
                 "return", "duration", "stretch", "array", "end", "gate_call")


class QasmWarning(UserWarning):
    """Accepted input that another tool may read differently (e.g. no version line)."""


@dataclass(frozen=True)
class QasmLimits:
    """Resource limits checked before anything is allocated or expanded."""

    max_qubits: int = 4096
    max_clbits: int = 1 << 20
    max_operations: int = 1_000_000
    max_include_depth: int = 8


@dataclass
class _State:
    qregs: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (offset, size)
    cregs: dict[str, tuple[int, int]] = field(default_factory=dict)
    gates: dict[str, GateDefinition] = field(default_factory=dict)
    native: set[str] = field(default_factory=set)
    library: set[str] = field(default_factory=set)  # definitions of these come from an include
    symbols: dict[str, Parameter] = field(default_factory=dict)
    n_qubits: int = 0
    n_clbits: int = 0
    n_ops: int = 0
    version: int = 2


def parse_qasm(text: str, source: str = "<qasm>", native_gates: bool = True, base_dir: Path | None = None,
               include_dirs: Sequence[Path] = (), limits: QasmLimits | None = None) -> Circuit:
    """Parse OpenQASM 2.0 or 3 into a :class:`Circuit` whose ``qregs``/``cregs`` keep the names.

    With ``native_gates=False`` an included library is read from disk and every gate is
    expanded from its definition down to ``U`` and ``CX``.
    """
    parser = _Parser(native_gates, base_dir, include_dirs, limits or QasmLimits())
    circuit = Circuit()
    parser.run(text, source, circuit, top=True)
    st = parser.state
    out = Circuit(st.n_qubits, circuit.ops, st.n_clbits)
    out.qregs, out.cregs = dict(st.qregs), dict(st.cregs)
    return out


def load_qasm(path: str | Path, native_gates: bool = True, include_dirs: Sequence[Path] = (),
              limits: QasmLimits | None = None) -> Circuit:
    """Read and parse a QASM file; errors name ``file:line:column``.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bell.qasm"
    >>> _ = path.write_text('OPENQASM 3; include "stdgates.inc"; qubit[2] q; h q[0]; cx q[0], q[1];')
    >>> load_qasm(path).qregs
    {'q': (0, 2)}
    """
    path = Path(path)
    text = read_source(path)
    return parse_qasm(text, str(path), native_gates, path.parent, include_dirs, limits)


class _Parser:
    def __init__(self, native_gates: bool, base_dir: Path | None, include_dirs: Sequence[Path],
                 limits: QasmLimits) -> None:
        self.native_gates = native_gates
        self.base_dir = base_dir or Path.cwd()
        self.include_dirs = list(include_dirs)
        self.limits = limits
        self.state = _State()
        self.open_files: list[Path] = []
        self.condition: tuple[tuple[int, ...], int] | None = None

    def run(self, text: str, source: str, circuit: Circuit, top: bool) -> None:
        ts = TokenStream(tokenize(text, source), source)
        if top:
            self._header(ts)
        while ts.peek().kind != "eof":
            self.statement(ts, circuit)

    def charge(self, n_ops: int, ts: TokenStream, tok: Token) -> None:
        """Count operations before they are built; past the limit is an InputError."""
        self.state.n_ops += n_ops
        if self.state.n_ops > self.limits.max_operations:
            raise ts.error(f"circuit expands to more than {self.limits.max_operations} operations", tok)

    def _header(self, ts: TokenStream) -> None:
        if not ts.at("OPENQASM"):
            warnings.warn(f"{ts.source}: no 'OPENQASM' version line; reading it as OpenQASM 2.0",
                          QasmWarning, stacklevel=3)
            return
        ts.next()
        tok = ts.next()
        if tok.kind not in ("real", "int") or tok.text.split(".")[0] not in ("2", "3"):
            raise ts.error(f"unsupported OpenQASM version {shown(tok)} (2.0 or 3 expected)", tok)
        self.state.version = int(tok.text.split(".")[0])
        ts.expect(";")

    def statement(self, ts: TokenStream, circuit: Circuit) -> None:
        tok = ts.peek()
        handler = {
            "include": self._include, "qreg": self._qreg, "creg": self._creg, "qubit": self._qubit3,
            "bit": self._bit3, "gate": self._gate_def, "measure": self._measure, "reset": self._reset,
            "barrier": self._barrier, "if": self._if, "opaque": self._opaque, "input": self._input3,
            "OPENQASM": self._misplaced_header, "pragma": self._pragma,
        }.get(tok.text if tok.kind == "id" else "")
        if handler is not None:
            handler(ts, circuit)
        elif tok.kind == "id" and tok.text in self.state.cregs and ts.peek(1).text in ("=", "["):
            self._measure3(ts, circuit)
        elif tok.kind == "id" and tok.text in UNSUPPORTED_3 and self.state.version == 3:
            raise ts.error(f"OpenQASM 3 statement '{tok.text}' is not supported", tok)
        elif tok.kind == "id":
            call = parse_call(self, ts, in_body=False)
            for op in expand_top_level(self, ts, call):
                self._append(circuit, op)
        elif tok.text == "{" and self.condition is not None:
            self._block(ts, circuit)
        else:
            raise ts.error(f"unexpected {shown(tok)}", tok)

    def _append(self, circuit: Circuit, op: Operation) -> None:
        if self.condition is not None and op.name != "barrier":
            op = replace(op, condition=self.condition)
        circuit.append(op)

    def _misplaced_header(self, ts: TokenStream, circuit: Circuit) -> None:
        raise ts.error("the OPENQASM version line must come first")

    def _pragma(self, ts: TokenStream, circuit: Circuit) -> None:
        raise ts.error("pragma is not supported")

    def _include(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        tok = ts.expect_kind("string", "a file name in quotes")
        ts.expect(";")
        name = tok.text.strip('"')
        if name in LIBRARIES and self.native_gates:
            self._load_library(name, ts)
            return
        try:
            path = resolve_include(name, self.base_dir, self.include_dirs)
        except InputError as exc:
            raise ts.error(exc.message, tok) from None
        if path in self.open_files:
            raise ts.error(f"include cycle: '{name}' is already being read", tok)
        if len(self.open_files) >= self.limits.max_include_depth:
            raise ts.error(f"includes nest deeper than {self.limits.max_include_depth} files", tok)
        if not path.exists():
            raise ts.error(f"include file '{name}' not found", tok)
        text = read_source(path, where=ts.where(tok))
        self.open_files.append(path)
        try:
            self.run(text, str(path), circuit, top=False)
        finally:
            self.open_files.pop()

    def _load_library(self, name: str, ts: TokenStream) -> None:
        st = self.state
        names = LIBRARIES[name]
        st.native.update(n for n in names if n in NATIVE)
        st.native.update(EXTENSIONS)
        if COMPOSITE_GATES <= names and not COMPOSITE_GATES & set(st.gates):
            self.run(COMPOSITE_DEFINITIONS, name, Circuit(), top=False)
        st.library.update(names)

    def _declare(self, ts: TokenStream, kind: str, name_tok: Token, size_tok: Token, size: int) -> None:
        st = self.state
        if name_tok.text in st.qregs or name_tok.text in st.cregs:
            raise ts.error(f"register '{name_tok.text}' is declared twice", name_tok)
        if size <= 0:
            raise ts.error(f"register '{name_tok.text}' must have at least one bit", size_tok)
        if kind == "q":
            if st.n_qubits + size > self.limits.max_qubits:
                raise ts.error(f"{st.n_qubits + size} qubits is more than the limit of "
                               f"{self.limits.max_qubits}", size_tok)
            st.qregs[name_tok.text] = (st.n_qubits, size)
            st.n_qubits += size
        else:
            if st.n_clbits + size > self.limits.max_clbits:
                raise ts.error(f"{st.n_clbits + size} classical bits is more than the limit of "
                               f"{self.limits.max_clbits}", size_tok)
            st.cregs[name_tok.text] = (st.n_clbits, size)
            st.n_clbits += size

    def _size(self, ts: TokenStream) -> tuple[Token, int]:
        return ts.expect_int("a register size", 1 << 40)

    def _qreg(self, ts, circuit, kind="q") -> None:
        ts.next()
        name = ts.expect_kind("id", "a register name")
        ts.expect("[")
        size_tok, size = self._size(ts)
        ts.expect("]")
        ts.expect(";")
        self._declare(ts, kind, name, size_tok, size)

    def _creg(self, ts, circuit) -> None:
        self._qreg(ts, circuit, kind="c")

    def _qubit3(self, ts, circuit, kind="q") -> None:
        size_tok = ts.next()
        size = 1
        if ts.accept("["):
            size_tok, size = self._size(ts)
            ts.expect("]")
        name = ts.expect_kind("id", "a register name")
        if kind == "c" and ts.accept("="):
            self._declare(ts, kind, name, size_tok, size)
            ts.expect("measure")
            qtok, qubits = self.operand(ts)
            ts.expect(";")
            self._add_measure(ts, circuit, qtok, qubits, list(range(*self._bits(name.text))))
            return
        ts.expect(";")
        self._declare(ts, kind, name, size_tok, size)

    def _bits(self, name: str) -> tuple[int, int]:
        offset, size = self.state.cregs[name]
        return offset, offset + size

    def _bit3(self, ts, circuit) -> None:
        self._qubit3(ts, circuit, kind="c")

    def _input3(self, ts, circuit) -> None:
        ts.next()
        type_tok = ts.expect_kind("id", "a type")
        if type_tok.text not in ("float", "angle"):
            raise ts.error(f"only float/angle inputs are supported, got {shown(type_tok)}", type_tok)
        if ts.accept("["):
            ts.expect_int("a width", 1024)
            ts.expect("]")
        name = ts.expect_kind("id", "a parameter name")
        ts.expect(";")
        if name.text in self.state.symbols:
            raise ts.error(f"input '{name.text}' is declared twice", name)
        try:
            self.state.symbols[name.text] = Parameter(name.text)
        except InputError as exc:
            raise ts.error(exc.message, name) from None

    def _opaque(self, ts, circuit) -> None:
        tok = ts.next()
        name = ts.peek()
        raise ts.error(f"opaque gate {shown(name)} has no definition and cannot be simulated", tok)

    def _gate_def(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        name, definition = define_gate(self, ts)
        if name.text in self.state.library and self.native_gates:
            return  # the library's own definition: the native gate stands in for it
        if name.text in self.state.gates:
            raise ts.error(f"gate '{name.text}' is defined twice", name)
        self.state.gates[name.text] = definition

    def operand(self, ts: TokenStream, kind: str = "q") -> tuple[Token, list[int]]:
        """A register or one bit of it: the absolute indices it names."""
        regs = self.state.qregs if kind == "q" else self.state.cregs
        tok = ts.expect_kind("id", "a register")
        if tok.text not in regs:
            what = "quantum" if kind == "q" else "classical"
            raise ts.error(f"unknown {what} register {shown(tok)}", tok)
        offset, size = regs[tok.text]
        if ts.accept("["):
            idx_tok, idx = ts.expect_int("an index", 1 << 40)
            ts.expect("]")
            if idx >= size:
                raise ts.error(f"index {idx} is out of range for register '{tok.text}' of size {size}",
                               idx_tok)
            return tok, [offset + idx]
        return tok, list(range(offset, offset + size))

    def _measure(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.next()
        qtok, qubits = self.operand(ts)
        if ts.at(";"):
            raise ts.error("a measurement needs a result: 'measure q -> c;' or 'c = measure q;'")
        ts.expect("->")
        _, clbits = self.operand(ts, "c")
        ts.expect(";")
        self._add_measure(ts, circuit, qtok, qubits, clbits)

    def _measure3(self, ts: TokenStream, circuit: Circuit) -> None:
        _, clbits = self.operand(ts, "c")
        ts.expect("=")
        ts.expect("measure")
        qtok, qubits = self.operand(ts)
        ts.expect(";")
        self._add_measure(ts, circuit, qtok, qubits, clbits)

    def _add_measure(self, ts, circuit, qtok, qubits, clbits) -> None:
        if len(qubits) != len(clbits):
            raise ts.error(f"measure of {len(qubits)} qubit(s) into {len(clbits)} bit(s)", qtok)
        self.charge(len(qubits), ts, qtok)
        for q, c in zip(qubits, clbits, strict=True):
            self._append(circuit, Operation("measure", (q,), clbits=(c,)))

    def _reset(self, ts: TokenStream, circuit: Circuit) -> None:
        tok = ts.next()
        _, qubits = self.operand(ts)
        ts.expect(";")
        self.charge(len(qubits), ts, tok)
        for q in qubits:
            self._append(circuit, Operation("reset", (q,)))

    def _barrier(self, ts: TokenStream, circuit: Circuit) -> None:
        tok = ts.next()
        if ts.accept(";"):
            qubits = list(range(self.state.n_qubits))
        else:
            qubits = [q for _, qs in self._operands(ts) for q in qs]
        self.charge(1, ts, tok)
        circuit.append(Operation("barrier", tuple(dict.fromkeys(qubits))))

    def _operands(self, ts: TokenStream) -> list[tuple[Token, list[int]]]:
        out = [self.operand(ts)]
        while ts.accept(","):
            out.append(self.operand(ts))
        ts.expect(";")
        return out

    def _if(self, ts: TokenStream, circuit: Circuit) -> None:
        from mstool.toolkit.qsim.qasm_conditions import parse_if

        parse_if(self, ts, circuit)

    def _block(self, ts: TokenStream, circuit: Circuit) -> None:
        ts.expect("{")
        while not ts.accept("}"):
            if ts.peek().kind == "eof":
                raise ts.error("block is not closed with '}'")
            self.statement(ts, circuit)
