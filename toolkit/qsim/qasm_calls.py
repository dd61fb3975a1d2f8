"""Gate calls of OpenQASM 2/3: parsing ``ctrl @ inv @ pow(k) @ name(params) operands;``,
broadcasting over registers, and expanding user ``gate`` definitions and modifiers into
simulator operations under an operation budget checked before anything is built.

>>> from mstool.toolkit.qsim.qasm import parse_qasm
>>> c = parse_qasm('OPENQASM 3; include "stdgates.inc"; qubit[2] q; ctrl @ x q[0], q[1];')
>>> [(op.name, op.controls, op.targets) for op in c.ops]
[('x', (0,), (1,))]
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Operation
from mstool.toolkit.qsim.gates import GATES
from mstool.toolkit.qsim.parameters import Parameter
from mstool.toolkit.qsim.qasm_lexer import Token, TokenStream, evaluate, parse_expression, shown
from mstool.toolkit.qsim.qasm_library import BUILTINS, native_gate, native_operations

if TYPE_CHECKING:
    from mstool.toolkit.qsim.qasm import _Parser

ANGLE_PERIOD = 4 * math.pi  # every gate is 4*pi-periodic in each of its angles
MAX_POWER = 64
ROTATIONS = tuple(name for name, gate in GATES.items() if gate.pow_scales_angle)  # pow(k): k * angle


@dataclass
class Modifier:
    kind: str  # ctrl, negctrl, inv, pow
    tok: Token
    expr: object = None  # the count (ctrl) or exponent (pow), an expression tree or None


@dataclass
class GateCall:
    """One call as written: modifiers, name, parameter expressions, operand tokens."""

    modifiers: list[Modifier]
    name: Token
    exprs: list
    operands: list = field(default_factory=list)


@dataclass
class GateDefinition:
    params: list[str]
    args: list[str]
    body: list[GateCall]
    cost: int  # operations one call expands to (an upper bound used before expanding)


def parse_call(parser: _Parser, ts: TokenStream, in_body: bool) -> GateCall:
    """Modifiers, name and parameters of a call; operands are register bits at the top level
    and argument names inside a ``gate`` body."""
    modifiers: list[Modifier] = []
    while ts.peek().text in ("ctrl", "negctrl", "inv", "pow") and ts.peek(1).text in ("@", "("):
        tok = ts.next()
        expr = None
        if ts.accept("("):
            expr = parse_expression(ts)
            ts.expect(")")
        elif tok.text == "pow":
            raise ts.error("pow needs an exponent: pow(k) @", tok)
        ts.expect("@")
        modifiers.append(Modifier(tok.text, tok, expr))
    name = ts.expect_kind("id", "a gate name")
    exprs = []
    if ts.accept("("):
        while not ts.accept(")"):
            exprs.append(parse_expression(ts))
            if not ts.at(")"):
                ts.expect(",")
    call = GateCall(modifiers, name, exprs)
    if name.text == "gphase" and (ts.at(";") or in_body):
        call.operands = _operand_list(parser, ts, in_body, allow_empty=True)
        return call
    call.operands = _operand_list(parser, ts, in_body)
    return call


def _operand_list(parser: _Parser, ts: TokenStream, in_body: bool, allow_empty: bool = False) -> list:
    if allow_empty and ts.at(";"):
        ts.next()
        return []
    out = [ts.expect_kind("id", "a qubit argument") if in_body else parser.operand(ts)]
    while ts.accept(","):
        out.append(ts.expect_kind("id", "a qubit argument") if in_body else parser.operand(ts))
    ts.expect(";")
    return out


def unknown_gate(parser: _Parser, ts: TokenStream, tok: Token) -> InputError:
    known = sorted(set(parser.state.gates) | parser.state.native | BUILTINS)
    close = difflib.get_close_matches(tok.text, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if not close and not parser.state.native:
        hint = '; include "qelib1.inc" (OpenQASM 2) or "stdgates.inc" (OpenQASM 3) for the standard gates'
    return ts.error(f"unknown gate {shown(tok)}{hint}", tok)


def is_known(parser: _Parser, name: str) -> bool:
    st = parser.state
    return name in st.gates or name in BUILTINS or name == "gphase" or name in st.native


def gate_cost(parser: _Parser, name: str) -> int:
    definition = parser.state.gates.get(name)
    return definition.cost if definition is not None else 2


def call_cost(parser: _Parser, call: GateCall, env: dict, ts: TokenStream) -> int:
    """Upper bound on the operations ``call`` expands to (negctrl adds X pairs, pow repeats)."""
    cost = gate_cost(parser, call.name.text)
    for mod in call.modifiers:
        if mod.kind == "pow":
            cost *= max(1, min(MAX_POWER, abs(int(_exponent(mod, env, ts)))))
        elif mod.kind == "negctrl":
            cost += 2 * _control_count(mod, env, ts)
    return cost


def expand_top_level(parser: _Parser, ts: TokenStream, call: GateCall) -> list[Operation]:
    """The operations of a top-level call, broadcast over whole-register operands."""
    env = dict(parser.state.symbols)
    params = tuple(evaluate(e, env, ts) for e in call.exprs)
    sizes = {len(qs) for _, qs in call.operands if len(qs) > 1}
    if len(sizes) > 1:
        raise ts.error(f"registers of different sizes in one '{call.name.text}' call", call.name)
    width = sizes.pop() if sizes else 1
    parser.charge(call_cost(parser, call, env, ts) * width, ts, call.name)
    ops: list[Operation] = []
    for k in range(width):
        qubits = [qs[k] if len(qs) > 1 else qs[0] for _, qs in call.operands]
        ops.extend(_modified(parser, ts, call, list(call.modifiers), params, qubits, env, depth=0))
    return [finish(op, ts, call.name) for op in ops]


def finish(op: Operation, ts: TokenStream, tok: Token) -> Operation:
    """A top-level operation: finite angles reduced modulo 4*pi, a bare global phase as a
    1-qubit unitary on qubit 0 (it changes no probability, only the state's phase)."""
    params = []
    for p in op.params:
        if isinstance(p, Parameter):
            if not all(math.isfinite(v) for v in (*p.terms.values(), p.constant)):
                raise ts.error("parameter is not a finite number", tok)
            params.append(p)
        else:
            params.append(_reduce(float(p), ts, tok))
    if op.name == "gphase":
        theta = params[0]
        if isinstance(theta, Parameter):
            raise ts.error("a global phase with a symbolic angle is not supported", tok)
        return Operation("unitary", (0,), matrix=np.exp(1j * theta) * np.eye(2, dtype=complex))
    return replace(op, params=tuple(params))


def _reduce(value: float, ts: TokenStream, tok: Token) -> float:
    if not math.isfinite(value):
        raise ts.error("parameter is not a finite number", tok)
    return value if abs(value) < ANGLE_PERIOD else math.fmod(value, ANGLE_PERIOD)


def _modified(parser, ts, call: GateCall, modifiers: list[Modifier], params: tuple, qubits: list[int],
              env: dict, depth: int) -> list[Operation]:
    if len(set(qubits)) != len(qubits):  # controls included: 'ctrl @ h q[0], q[0]' is refused
        raise ts.error(f"gate '{call.name.text}' is applied to the same qubit twice", call.name)
    if not modifiers:
        return _base(parser, ts, call.name, params, qubits, depth)
    mod, rest = modifiers[0], modifiers[1:]
    if mod.kind in ("ctrl", "negctrl"):
        k = _control_count(mod, env, ts)
        if len(qubits) < k:
            raise ts.error(f"'{mod.kind}' needs {k} control qubit(s) before the gate's own", mod.tok)
        controls, inner_qubits = qubits[:k], qubits[k:]
        inner = _modified(parser, ts, call, rest, params, inner_qubits, env, depth)
        ops = [_add_controls(op, tuple(controls)) for op in inner]
        if mod.kind == "negctrl":
            flips = [Operation("x", (c,)) for c in controls]
            ops = flips + ops + flips
        return ops
    inner = _modified(parser, ts, call, rest, params, qubits, env, depth)
    if mod.kind == "inv":
        return [_invert(op, ts, mod.tok) for op in reversed(inner)]
    return _power(inner, _exponent(mod, env, ts), ts, mod.tok)


def _control_count(mod: Modifier, env: dict, ts: TokenStream) -> int:
    if mod.expr is None:
        return 1
    value = evaluate(mod.expr, env, ts)
    if not isinstance(value, float) or value != int(value) or not 1 <= value <= 64:
        raise ts.error(f"'{mod.kind}' count must be an integer from 1 to 64", mod.tok)
    return int(value)


def _exponent(mod: Modifier, env: dict, ts: TokenStream) -> float:
    value = evaluate(mod.expr, env, ts)
    if not isinstance(value, float):
        raise ts.error("pow exponent must be a number, not a symbolic parameter", mod.tok)
    if abs(value) > MAX_POWER:
        raise ts.error(f"pow exponent {value:g} is larger than {MAX_POWER}", mod.tok)
    return value


def _add_controls(op: Operation, controls: tuple[int, ...]) -> Operation:
    if op.name == "gphase":  # a controlled global phase is a phase gate on the controls
        return Operation("phase", (controls[-1],), controls[:-1], op.params)
    return replace(op, controls=controls + op.controls)


def _invert(op: Operation, ts: TokenStream, tok: Token) -> Operation:
    if op.name == "gphase":
        return replace(op, params=(-op.params[0],))
    try:
        return op.inverse()
    except InputError as exc:
        raise ts.error(exc.message, tok) from None


def _power(ops: list[Operation], k: float, ts: TokenStream, tok: Token) -> list[Operation]:
    if k == int(k):
        base = ops if k >= 0 else [_invert(op, ts, tok) for op in reversed(ops)]
        return base * int(abs(k))
    if len(ops) == 1 and (ops[0].name in ROTATIONS or ops[0].name == "gphase"):
        return [replace(ops[0], params=tuple(k * p for p in ops[0].params))]
    from mstool.toolkit.qsim.qasm_power import fractional_power

    return fractional_power(ops, k, ts, tok)


def _base(parser, ts, name: Token, params: tuple, qubits: list[int], depth: int) -> list[Operation]:
    st = parser.state
    if len(set(qubits)) != len(qubits):
        raise ts.error(f"gate '{name.text}' is applied to the same qubit twice", name)
    if name.text in st.gates:
        return _inline(parser, ts, name, params, qubits, depth)
    if name.text == "gphase":
        if len(params) != 1:
            raise ts.error(f"gphase takes 1 parameter, got {len(params)}", name)
        return [Operation("gphase", (), params=params)]
    gate = native_gate(name.text) if (name.text in st.native or name.text in BUILTINS) else None
    if gate is None:
        raise unknown_gate(parser, ts, name)
    if len(params) != gate.n_params:
        raise ts.error(f"gate '{name.text}' takes {gate.n_params} parameter(s), got {len(params)}", name)
    if len(qubits) != gate.n_qubits:
        raise ts.error(f"gate '{name.text}' acts on {gate.n_qubits} qubit(s), got {len(qubits)}", name)
    try:
        return native_operations(name.text, params, qubits)
    except InputError as exc:
        raise ts.error(exc.message, name) from None


def _inline(parser, ts, name: Token, params: tuple, qubits: list[int], depth: int) -> list[Operation]:
    definition: GateDefinition = parser.state.gates[name.text]
    if len(params) != len(definition.params):
        raise ts.error(f"gate '{name.text}' takes {len(definition.params)} parameter(s), got {len(params)}",
                       name)
    if len(qubits) != len(definition.args):
        raise ts.error(f"gate '{name.text}' acts on {len(definition.args)} qubit(s), got {len(qubits)}", name)
    env = dict(zip(definition.params, params, strict=True))
    where = dict(zip(definition.args, qubits, strict=True))
    ops: list[Operation] = []
    for call in definition.body:
        sub_params = tuple(evaluate(e, env, ts) for e in call.exprs)
        sub_qubits = [where[tok.text] for tok in call.operands]
        if call.name.text == "gphase" and not call.operands and not call.modifiers:
            ops.append(Operation("gphase", (), params=sub_params))
            continue
        ops.extend(_modified(parser, ts, call, list(call.modifiers), sub_params, sub_qubits, env, depth + 1))
    return ops


def define_gate(parser: _Parser, ts: TokenStream) -> tuple[Token, GateDefinition]:
    """``gate name(params) args { body }``: every call in the body is checked now (known gate,
    own arguments), so definitions cannot recurse and their cost is known before any use."""
    name = ts.expect_kind("id", "a gate name")
    params: list[str] = []
    if ts.accept("("):
        while not ts.accept(")"):
            params.append(ts.expect_kind("id", "a parameter name").text)
            if not ts.at(")"):
                ts.expect(",")
    args = [] if ts.at("{") else [ts.expect_kind("id", "a qubit argument").text]
    while ts.accept(","):
        args.append(ts.expect_kind("id", "a qubit argument").text)
    for names, what in ((params, "parameter"), (args, "qubit argument")):
        if len(set(names)) != len(names):
            raise ts.error(f"gate '{name.text}' repeats a {what} name", name)
    ts.expect("{")
    body: list[GateCall] = []
    cost = 0
    while not ts.accept("}"):
        if ts.peek().kind == "eof":
            raise ts.error(f"gate '{name.text}' body is not closed with '}}'", name)
        if ts.accept("barrier"):
            _operand_list(parser, ts, in_body=True, allow_empty=True)
            continue
        call = parse_call(parser, ts, in_body=True)
        if not is_known(parser, call.name.text):
            raise unknown_gate(parser, ts, call.name)
        for tok in call.operands:
            if tok.text not in args:
                raise ts.error(f"{shown(tok)} is not an argument of gate '{name.text}'", tok)
        static_env = {p: 1.0 for p in params}
        cost += call_cost(parser, call, static_env, ts)
        if cost > parser.limits.max_operations:
            raise ts.error(f"gate '{name.text}' expands to more than {parser.limits.max_operations} "
                           "operations", name)
        body.append(call)
    return name, GateDefinition(params, args, body, max(cost, 1))
