"""Tokens and arithmetic expressions of OpenQASM 2.0/3, with line and column positions."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mstool.toolkit.errors import InputError

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\n]+)|(?P<comment>//[^\n]*|/\*.*?\*/)"
    r"|(?P<real>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)|\d+\.\d*|\.\d+)|(?P<int>\d+)"
    r"|(?P<string>\"[^\"\n]*\")|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<sym>->|==|@|[;,()\[\]{}+\-*/^=:])",
    re.S,
)

FUNCTIONS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
             "sqrt": math.sqrt, "asin": math.asin, "acos": math.acos, "atan": math.atan}
CONSTANTS = {"pi": math.pi, "π": math.pi, "tau": 2 * math.pi, "euler": math.e}


@dataclass(frozen=True)
class Token:
    kind: str  # real, int, string, id, sym, eof
    text: str
    line: int
    col: int


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

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def where(self, tok: Token) -> str:
        return f"{self.source}:{tok.line}:{tok.col}"

    def error(self, message: str, tok: Token | None = None) -> InputError:
        return InputError(message, where=self.where(tok or self.peek()))

    def accept(self, text: str) -> bool:
        if self.peek().text == text and self.peek().kind in ("sym", "id"):
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> Token:
        tok = self.peek()
        if tok.text != text:
            found = "end of file" if tok.kind == "eof" else repr(tok.text)
            raise self.error(f"expected '{text}', found {found}", tok)
        return self.next()

    def expect_kind(self, kind: str, what: str) -> Token:
        tok = self.peek()
        if tok.kind != kind:
            found = "end of file" if tok.kind == "eof" else repr(tok.text)
            raise self.error(f"expected {what}, found {found}", tok)
        return self.next()


# Expressions are parsed to small trees: ("num", v) | ("id", name, tok) | ("neg", e)
# | ("bin", op, a, b) | ("call", fname, e, tok); evaluate() works on floats and on linear
# Parameter forms alike (a non-linear use of a symbol is an error).

def parse_expression(ts: TokenStream):
    return _sum(ts)


def _sum(ts):
    node = _product(ts)
    while ts.peek().text in ("+", "-") and ts.peek().kind == "sym":
        op = ts.next().text
        node = ("bin", op, node, _product(ts))
    return node


def _product(ts):
    node = _unary(ts)
    while ts.peek().text in ("*", "/") and ts.peek().kind == "sym":
        op = ts.next().text
        node = ("bin", op, node, _unary(ts))
    return node


def _unary(ts):
    if ts.accept("-"):
        return ("neg", _unary(ts))
    if ts.accept("+"):
        return _unary(ts)
    return _power(ts)


def _power(ts):
    base = _primary(ts)
    if ts.peek().text == "^":
        tok = ts.next()
        return ("bin", "^", base, _unary(ts), tok)
    return base


def _primary(ts):
    tok = ts.peek()
    if tok.kind in ("real", "int"):
        ts.next()
        return ("num", float(tok.text))
    if tok.kind == "id":
        ts.next()
        if tok.text in FUNCTIONS:
            ts.expect("(")
            arg = parse_expression(ts)
            ts.expect(")")
            return ("call", tok.text, arg, tok)
        return ("id", tok.text, tok)
    if ts.accept("("):
        node = parse_expression(ts)
        ts.expect(")")
        return node
    found = "end of file" if tok.kind == "eof" else repr(tok.text)
    raise ts.error(f"expected an expression, found {found}", tok)


def evaluate(node, env: dict, ts: TokenStream):
    """Value of an expression tree with identifiers from ``env`` (floats or Parameters)."""
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "id":
        name, tok = node[1], node[2]
        if name in env:
            return env[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        raise ts.error(f"unknown identifier '{name}'", tok)
    if kind == "neg":
        return -evaluate(node[1], env, ts)
    if kind == "call":
        arg = evaluate(node[2], env, ts)
        if not isinstance(arg, float):
            raise ts.error(f"{node[1]}() of a symbolic parameter is not linear", node[3])
        return FUNCTIONS[node[1]](arg)
    op, a, b = node[1], evaluate(node[2], env, ts), evaluate(node[3], env, ts)
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        return float(a) ** float(b)
    except (TypeError, ZeroDivisionError) as exc:
        raise ts.error(f"cannot evaluate '{op}': {exc}") from None
