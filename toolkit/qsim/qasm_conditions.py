"""``if`` statements: OpenQASM 2's ``if(creg==n) op;`` and OpenQASM 3's ``if (cond) { ... }
else { ... }`` on a register or a single bit; nested conditions combine into one.

>>> from mstool.toolkit.qsim.qasm import parse_qasm
>>> c = parse_qasm('OPENQASM 3; include "stdgates.inc"; qubit[2] q; bit[2] c; '
...                'if (c[1]) { if (!c[0]) { x q[0]; } }')
>>> c.ops[0].condition
((1, 0), 1)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.qasm_lexer import TokenStream, shown

if TYPE_CHECKING:
    from mstool.toolkit.qsim.qasm import _Parser


def parse_if(parser: _Parser, ts: TokenStream, circuit: Circuit) -> None:
    """Parse an ``if`` and run its branch(es) with the condition applied to every operation."""
    tok = ts.next()
    ts.expect("(")
    clbits, value = _condition(parser, ts)
    ts.expect(")")
    outer = parser.condition
    parser.condition = combine(outer, (clbits, value), ts, tok)
    try:
        _branch(parser, ts, circuit)
    finally:
        parser.condition = outer
    if ts.at("else"):
        else_tok = ts.next()
        if len(clbits) != 1:
            raise ts.error("'else' is supported on single-bit conditions only", else_tok)
        parser.condition = combine(outer, (clbits, 1 - value), ts, else_tok)
        try:
            _branch(parser, ts, circuit)
        finally:
            parser.condition = outer


def _branch(parser: _Parser, ts: TokenStream, circuit: Circuit) -> None:
    if ts.at("{"):
        parser._block(ts, circuit)
        return
    head = ts.peek()
    if head.text in ("qreg", "creg", "qubit", "bit", "gate", "include", "input", "opaque"):
        raise ts.error(f"'{head.text}' cannot be conditioned by 'if'", head)
    parser.statement(ts, circuit)


def _condition(parser: _Parser, ts: TokenStream) -> tuple[tuple[int, ...], int]:
    negate = ts.accept("!")
    reg_tok, bits = parser.operand(ts, "c")
    if negate:
        if len(bits) != 1:
            raise ts.error("'!' applies to a single bit", reg_tok)
        return tuple(bits), 0
    if not ts.at("=="):
        if len(bits) != 1:
            raise ts.error("a register condition needs '== value'", ts.peek())
        return tuple(bits), 1
    ts.next()
    val_tok = ts.peek()
    if val_tok.text in ("true", "false") and len(bits) == 1:
        ts.next()
        return tuple(bits), int(val_tok.text == "true")
    val_tok, value = ts.expect_int("an integer", 1 << 62)
    if value >= 1 << len(bits):
        raise ts.error(f"value {shown(val_tok)} does not fit in {len(bits)} bit(s)", val_tok)
    return tuple(bits), value


def combine(outer, inner, ts: TokenStream, tok) -> tuple[tuple[int, ...], int]:
    """The condition that holds when both ``outer`` and ``inner`` hold.

    >>> combine(((0,), 1), ((2, 3), 2), None, None)
    ((0, 2, 3), 5)
    """
    if outer is None:
        return inner
    required = {c: (outer[1] >> k) & 1 for k, c in enumerate(outer[0])}
    for k, c in enumerate(inner[0]):
        bit = (inner[1] >> k) & 1
        if required.get(c, bit) != bit:
            raise ts.error("nested conditions contradict each other on one bit", tok)
        required[c] = bit
    clbits = tuple(required)
    return clbits, sum(required[c] << k for k, c in enumerate(clbits))
