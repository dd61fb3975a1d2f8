"""Tokens and arithmetic expressions of OpenQASM 2.0/3, with line and column positions.

Expressions are bounded (nesting and size) so no input can exhaust the Python stack.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mstool.toolkit.errors import InputError

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\n\f\v]+)|(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"
    r"|(?P<real>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)|\d+\.\d*|\.\d+)|(?P<int>\d+)"
    r"|(?P<string>\"[^\"\n]*\")|(?P<id>[^\W\d]\w*)"
    r"|(?P<sym>->|==|!=|<=|>=|&&|\|\||\*\*|@|[;,()\[\]{}+\-*/^=:<>!~%])",
    re.S,
)

FUNCTIONS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
             "sqrt": math.sqrt, "asin": math.asin, "acos": math.acos, "atan": math.atan,
             "arcsin": math.asin, "arccos": math.acos, "arctan": math.atan}
CONSTANTS = {"pi": math.pi, "π": math.pi, "tau": 2 * math.pi, "τ": 2 * math.pi, "euler": math.e,
             "ℇ": math.e}
MAX_TOKENS = 4_000_000
MAX_NESTING = 32  # parentheses, unary signs and function calls inside one expression
MAX_EXPRESSION_NODES = 256


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # real, int, string, id, sym, eof
    text: str
    line: int
    col: int


def shown(tok: Token) -> str:
    """How a token appears in an error message: quoted and cut short.

    >>> shown(Token("id", "x" * 50, 1, 1))
    "'xxxxxxxxxxxxxxxxxxxxxxxx...'"
    """
    if tok.kind == "eof":
        return "end of file"
    text = tok.text if len(tok.text) <= 24 else tok.text[:24] + "..."
    return repr(text)


def tokenize(text: str, source: str) -> list[Token]:
    """Split QASM text into tokens; an unknown character is an :class:`InputError` with file:line:col.

    >>> [t.text for t in tokenize("rx(pi/2) q[0];", "f.qasm")][:4]
    ['rx', '(', 'pi', '/']
    """
    tokens, pos, line, line_start = [], 0, 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise InputError(f"unexpected character {text[pos]!r}",
                             where=f"{source}:{line}:{pos - line_start + 1}")
        kind = m.lastgroup
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, m.group(), line, pos - line_start + 1))
            if len(tokens) > MAX_TOKENS:
                raise InputError(f"more than {MAX_TOKENS} tokens", where=f"{source}:{line}")
        elif kind == "comment" and m.group().startswith("/*") and not m.group().endswith("*/"):
            raise InputError("comment is not closed", where=f"{source}:{line}:{pos - line_start + 1}")
        newlines = m.group().count("\n")
        if newlines:
            line += newlines
            line_start = m.start() + m.group().rfind("\n") + 1
        pos = m.end()
    tokens.append(Token("eof", "", line, pos - line_start + 1))
    return tokens


class TokenStream:
    """A cursor over tokens with error helpers that name file:line:column."""

    def __init__(self, tokens: list[Token], source: str) -> None:
        self.tokens, self.source, self.i = tokens, source, 0
        self.nesting = 0
        self.nodes = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        tok = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def where(self, tok: Token) -> str:
        return f"{self.source}:{tok.line}:{tok.col}"

    def error(self, message: str, tok: Token | None = None) -> InputError:
        return InputError(message, where=self.where(tok or self.peek()))

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok.text == text and tok.kind in ("sym", "id")

    def accept(self, text: str) -> bool:
        if self.at(text):
            self.next()
            return True
        return False

    def expect(self, text: str) -> Token:
        tok = self.peek()
        if not self.at(text):
            raise self.error(f"expected '{text}', found {shown(tok)}", tok)
        return self.next()

    def expect_kind(self, kind: str, what: str) -> Token:
        tok = self.peek()
        if tok.kind != kind:
            raise self.error(f"expected {what}, found {shown(tok)}", tok)
        return self.next()

    def expect_int(self, what: str, limit: int) -> tuple[Token, int]:
        """A non-negative integer literal no larger than ``limit``."""
        tok = self.expect_kind("int", what)
        if len(tok.text) > 18 or int(tok.text) > limit:
            raise self.error(f"{what} {shown(tok)} is larger than the limit {limit}", tok)
        return tok, int(tok.text)


# Expressions are parsed to small trees: ("num", v) | ("id", name, tok) | ("neg", e)
# | ("bin", op, a, b, tok) | ("call", fname, e, tok); evaluate() works on floats and on linear
# Parameter forms alike (a non-linear use of a symbol is an error).

def parse_expression(ts: TokenStream):
    """An arithmetic expression; at most MAX_NESTING deep and MAX_EXPRESSION_NODES large.

    >>> ts = TokenStream(tokenize("2*pi/4", "x"), "x")
    >>> round(evaluate(parse_expression(ts), {}, ts), 6)
    1.570796
    """
    ts.nesting, ts.nodes = 0, 0
    return _sum(ts)


def _count(ts: TokenStream, tok: Token) -> None:
    ts.nodes += 1
    if ts.nodes > MAX_EXPRESSION_NODES:
        raise ts.error(f"expression has more than {MAX_EXPRESSION_NODES} terms", tok)


def _nest(ts: TokenStream, tok: Token, delta: int) -> None:
    ts.nesting += delta
    if ts.nesting > MAX_NESTING:
        raise ts.error(f"expression nests deeper than {MAX_NESTING} levels", tok)


def _sum(ts):
    node = _product(ts)
    while ts.peek().text in ("+", "-") and ts.peek().kind == "sym":
        tok = ts.next()
        _count(ts, tok)
        node = ("bin", tok.text, node, _product(ts), tok)
    return node


def _product(ts):
    node = _unary(ts)
    while ts.peek().text in ("*", "/") and ts.peek().kind == "sym":
        tok = ts.next()
        _count(ts, tok)
        node = ("bin", tok.text, node, _unary(ts), tok)
    return node


def _unary(ts):
    tok = ts.peek()
    if tok.kind == "sym" and tok.text in ("-", "+"):
        ts.next()
        _count(ts, tok)
        _nest(ts, tok, 1)
        inner = _unary(ts)
        _nest(ts, tok, -1)
        return ("neg", inner) if tok.text == "-" else inner
    return _power(ts)


def _power(ts):
    base = _primary(ts)
    if ts.peek().text in ("^", "**") and ts.peek().kind == "sym":
        tok = ts.next()
        _count(ts, tok)
        _nest(ts, tok, 1)
        exponent = _unary(ts)
        _nest(ts, tok, -1)
        return ("bin", "^", base, exponent, tok)
    return base


def _primary(ts):
    tok = ts.peek()
    _count(ts, tok)
    if tok.kind in ("real", "int"):
        ts.next()
        return ("num", float(tok.text))
    if tok.kind == "id":
        ts.next()
        if tok.text in FUNCTIONS and ts.at("("):
            ts.expect("(")
            _nest(ts, tok, 1)
            arg = _sum(ts)
            _nest(ts, tok, -1)
            ts.expect(")")
            return ("call", tok.text, arg, tok)
        return ("id", tok.text, tok)
    if ts.accept("("):
        _nest(ts, tok, 1)
        node = _sum(ts)
        _nest(ts, tok, -1)
        ts.expect(")")
        return node
    raise ts.error(f"expected an expression, found {shown(tok)}", tok)


def evaluate(node, env: dict, ts: TokenStream):
    """Value of an expression tree with identifiers from ``env`` (floats or Parameters).

    A result that is not a finite number (an overflow, ``0/0``, ``ln(0)``) is an
    :class:`InputError` at the operator's position.
    """
    value = _evaluate(node, env, ts)
    if isinstance(value, float) and not math.isfinite(value):
        raise ts.error("parameter is not a finite number", _position(node) or ts.peek())
    return value


def _position(node) -> Token | None:
    if node[0] in ("id", "call"):
        return node[-1]
    if node[0] == "bin":
        return node[4]
    if node[0] == "neg":
        return _position(node[1])
    return None


def _evaluate(node, env: dict, ts: TokenStream):
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "id":
        name, tok = node[1], node[2]
        if name in env:
            return env[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        raise ts.error(f"unknown identifier {shown(tok)}", tok)
    if kind == "neg":
        return -_evaluate(node[1], env, ts)
    if kind == "call":
        arg = _evaluate(node[2], env, ts)
        if not isinstance(arg, float):
            raise ts.error(f"{node[1]}() of a symbolic parameter is not linear", node[3])
        try:
            return float(FUNCTIONS[node[1]](arg))
        except (ValueError, OverflowError):
            raise ts.error(f"{node[1]}({arg:g}) is not a finite number", node[3]) from None
    op, tok = node[1], node[4]
    a, b = _evaluate(node[2], env, ts), _evaluate(node[3], env, ts)
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if not isinstance(a, float) or not isinstance(b, float):
            raise TypeError("a power of a symbolic parameter is not linear")
        result = a ** b
        if isinstance(result, complex):
            raise ValueError("complex result")
        return float(result)
    except (TypeError, ZeroDivisionError, OverflowError, ValueError, InputError) as exc:
        reason = exc.message if isinstance(exc, InputError) else str(exc)
        raise ts.error(f"cannot evaluate '{op}': {reason}", tok) from None
