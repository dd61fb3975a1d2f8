"""Expanding a QASM gate call: broadcasting over registers, native gates, and user
``gate`` definitions inlined with their parameters substituted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Operation
from mstool.toolkit.qsim.qasm_lexer import Token, TokenStream, evaluate

if TYPE_CHECKING:
    from mstool.toolkit.qsim.qasm import _Parser

MAX_DEPTH = 64


def expand_call(parser: _Parser, ts: TokenStream) -> list[Operation]:
    """Parse ``name(params) operands;`` at the top level and return its operations."""
    name = ts.next()
    exprs = parser._param_exprs(ts)
    env = dict(parser.state.symbols)
    params = tuple(evaluate(e, env, ts) for e in exprs)
    operands = parser._operands(ts)
    sizes = {len(qs) for _, qs in operands if len(qs) > 1}
    if len(sizes) > 1:
        raise ts.error(f"registers of different sizes in one '{name.text}' call", name)
    width = sizes.pop() if sizes else 1
    ops: list[Operation] = []
    for k in range(width):
        qubits = [qs[k] if len(qs) > 1 else qs[0] for _, qs in operands]
        ops.extend(_apply(parser, ts, name, params, qubits, depth=0))
    return ops


def _apply(parser: _Parser, ts: TokenStream, name: Token, params: tuple, qubits: list[int],
           depth: int) -> list[Operation]:
    from mstool.toolkit.qsim.qasm import NATIVE, gate_spec

    st = parser.state
    if len(set(qubits)) != len(qubits):
        raise ts.error(f"gate '{name.text}' is applied to the same qubit twice", name)
    if name.text in st.gates:
        return _inline(parser, ts, name, params, qubits, depth)
    builtin = name.text in ("U", "CX") or name.text in st.native
    if not builtin:
        raise ts.error(f"unknown gate '{name.text}'", name)
    internal, n_controls, n_params, _ = NATIVE[name.text]
    if len(params) != n_params:
        raise ts.error(f"gate '{name.text}' takes {n_params} parameter(s), got {len(params)}", name)
    try:
        spec = gate_spec(name.text, params)
        expected = spec.n_targets + n_controls
        if len(qubits) != expected:
            raise ts.error(f"gate '{name.text}' acts on {expected} qubit(s), got {len(qubits)}", name)
        return [spec.on(qubits[n_controls:], qubits[:n_controls] or None)]
    except InputError as exc:
        if exc.where:
            raise
        raise ts.error(exc.message, name) from None


def _inline(parser: _Parser, ts: TokenStream, name: Token, params: tuple, qubits: list[int],
            depth: int) -> list[Operation]:
    definition = parser.state.gates[name.text]
    if depth > MAX_DEPTH:
        raise ts.error(f"gate '{name.text}' nests deeper than {MAX_DEPTH} levels", name)
    if len(params) != len(definition.params):
        raise ts.error(f"gate '{name.text}' takes {len(definition.params)} parameter(s), got {len(params)}",
                       name)
    if len(qubits) != len(definition.args):
        raise ts.error(f"gate '{name.text}' acts on {len(definition.args)} qubit(s), got {len(qubits)}",
                       name)
    env = dict(zip(definition.params, params, strict=True))
    where = dict(zip(definition.args, qubits, strict=True))
    ops: list[Operation] = []
    for head, exprs, operands in definition.body:
        sub_params = tuple(evaluate(e, env, ts) for e in exprs)
        sub_qubits = []
        for tok in operands:
            if tok.text not in where:
                raise ts.error(f"'{tok.text}' is not an argument of gate '{name.text}'", tok)
            sub_qubits.append(where[tok.text])
        ops.extend(_apply(parser, ts, head, sub_params, sub_qubits, depth + 1))
    return ops
