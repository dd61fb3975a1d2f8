"""Symbolic dimensions: integer polynomials in the model's dynamic dims (``batch``, ``batch*sequence``).

Shape subgraphs (Shape -> Gather -> Concat -> Reshape) are evaluated on these instead of being
frozen at one input size; what cannot be decided symbolically is left to run-time code.
Dynamic dims are taken to be at least 2, as a broadcast does (a dim of 1 broadcasts the same
way), so ``batch == 1`` is False but ``batch == 3`` is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class Undecidable(Exception):
    """A symbolic value whose result depends on the run-time size (``batch == 3``, ``seq // 5``)."""


class Dim:
    """A polynomial with integer coefficients over named symbols.

    >>> b, s = Dim.symbol("batch"), Dim.symbol("seq")
    >>> str(b * s * 2 - 1), (b * s) // s == b, b == 1
    ('2*batch*seq - 1', True, False)
    """

    __slots__ = ("terms",)

    def __init__(self, terms: dict[tuple[str, ...], int]) -> None:
        self.terms = {k: v for k, v in terms.items() if v}

    @staticmethod
    def symbol(name: str) -> Dim:
        return Dim({(name,): 1})

    @property
    def symbols(self) -> set[str]:
        return {s for term in self.terms for s in term}

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.terms.items())))

    def __repr__(self) -> str:
        return f"Dim({self})"

    def __str__(self) -> str:
        parts = []
        for term, coeff in sorted(self.terms.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            body = "*".join(term)
            text = body if coeff == 1 and body else (f"{coeff}*{body}" if body else str(coeff))
            parts.append(text)
        return " + ".join(parts).replace("+ -", "- ") or "0"


def simplify(value: Any) -> Any:
    """A :class:`Dim` without symbols becomes a plain int; ints stay ints.

    >>> simplify(Dim({(): 4})), simplify(np.int64(3))
    (4, 3)
    """
    if isinstance(value, Dim):
        if not value.symbols:
            return int(value.terms.get((), 0))
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return int(value)


def _as_dim(value: Any) -> Dim:
    return value if isinstance(value, Dim) else Dim({(): int(value)})


def _add(a: Any, b: Any) -> Any:
    a, b = _as_dim(a), _as_dim(b)
    terms = dict(a.terms)
    for k, v in b.terms.items():
        terms[k] = terms.get(k, 0) + v
    return simplify(Dim(terms))


def _mul(a: Any, b: Any) -> Any:
    a, b = _as_dim(a), _as_dim(b)
    terms: dict[tuple[str, ...], int] = {}
    for ka, va in a.terms.items():
        for kb, vb in b.terms.items():
            key = tuple(sorted(ka + kb))
            terms[key] = terms.get(key, 0) + va * vb
    return simplify(Dim(terms))


def _divide(a: Any, b: Any) -> Any:
    """Exact division (``b*s // s``, ``4*b // 2``); anything else is undecidable."""
    a, b = _as_dim(a), _as_dim(b)
    if len(b.terms) != 1:
        if a == b:
            return 1
        raise Undecidable(f"{a} // {b}")
    (divisor_term, divisor), = b.terms.items()
    terms = {}
    for term, coeff in a.terms.items():
        remaining = list(term)
        for name in divisor_term:
            if name not in remaining:
                raise Undecidable(f"{a} // {b}")
            remaining.remove(name)
        if coeff % divisor:
            raise Undecidable(f"{a} // {b}")
        terms[tuple(remaining)] = coeff // divisor
    return simplify(Dim(terms))


def _equal(a: Any, b: Any) -> bool:
    if not isinstance(b, Dim | int | np.integer) or isinstance(b, bool):
        return False
    a, b = simplify(a), simplify(b)
    if isinstance(a, Dim) or isinstance(b, Dim):
        difference = simplify(_add(a, _mul(b, -1)))
        if isinstance(difference, int):
            return difference == 0
        if _positive(difference) or _positive(_mul(difference, -1)):
            return False
        raise Undecidable(f"{a} == {b}")
    return a == b


def _positive(value: Any) -> bool:
    """True when ``value`` is surely > 0 for every symbol value >= 2."""
    value = simplify(value)
    if isinstance(value, int):
        return value > 0
    # Non-negative coefficients (the constant aside) make the polynomial grow with every
    # symbol, so its value with all symbols at 2 is its minimum.
    if any(c < 0 for term, c in value.terms.items() if term):
        return False
    return sum(c * 2 ** len(term) for term, c in value.terms.items()) > 0


def _compare(a: Any, b: Any, op: str) -> bool:
    if not isinstance(simplify(a), Dim) and not isinstance(simplify(b), Dim):
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    if op in (">", "<"):
        first, second = (a, b) if op == ">" else (b, a)
        if _positive(_add(first, _mul(second, -1))):
            return True
        if _positive(_add(_add(second, _mul(first, -1)), 1)):
            return False
    else:
        first, second = (a, b) if op == ">=" else (b, a)
        if _positive(_add(_add(first, _mul(second, -1)), 1)):
            return True
        if _positive(_add(second, _mul(first, -1))):
            return False
    raise Undecidable(f"{a} {op} {b}")


Dim.__add__ = Dim.__radd__ = lambda self, other: _add(self, other)  # type: ignore[assignment]
Dim.__sub__ = lambda self, other: _add(self, _mul(other, -1))  # type: ignore[assignment]
Dim.__rsub__ = lambda self, other: _add(other, _mul(self, -1))  # type: ignore[assignment]
Dim.__mul__ = Dim.__rmul__ = lambda self, other: _mul(self, other)  # type: ignore[assignment]
Dim.__neg__ = lambda self: _mul(self, -1)  # type: ignore[assignment]
Dim.__floordiv__ = lambda self, other: _divide(self, other)  # type: ignore[assignment]
Dim.__rfloordiv__ = lambda self, other: _divide(other, self)  # type: ignore[assignment]
Dim.__truediv__ = Dim.__floordiv__  # type: ignore[assignment]
Dim.__eq__ = lambda self, other: _equal(self, other)  # type: ignore[assignment]
Dim.__ne__ = lambda self, other: not _equal(self, other)  # type: ignore[assignment]
Dim.__lt__ = lambda self, other: _compare(self, other, "<")  # type: ignore[assignment]
Dim.__le__ = lambda self, other: _compare(self, other, "<=")  # type: ignore[assignment]
Dim.__gt__ = lambda self, other: _compare(self, other, ">")  # type: ignore[assignment]
Dim.__ge__ = lambda self, other: _compare(self, other, ">=")  # type: ignore[assignment]
Dim.__hash__ = lambda self: hash(tuple(sorted(self.terms.items())))  # type: ignore[assignment]


def is_static(dims: Sequence[Any]) -> bool:
    """Whether every entry is a plain integer.

    >>> is_static((1, 3)), is_static((Dim.symbol("n"), 3))
    (True, False)
    """
    return all(not isinstance(simplify(d), Dim) for d in dims)


def product(dims: Sequence[Any]) -> Any:
    """The product of ints and Dims (1 for none).

    >>> str(product([2, Dim.symbol("n")]))
    '2*n'
    """
    result: Any = 1
    for d in dims:
        result = _mul(result, d)
    return result


def object_array(values: Any) -> np.ndarray:
    """``values`` as a numpy object array of simplified ints and Dims."""
    array = np.array(values, dtype=object)
    flat = [simplify(v) for v in array.reshape(-1)]
    result = np.empty(len(flat), dtype=object)
    result[:] = flat
    return result.reshape(array.shape)


def all_ints(array: np.ndarray) -> bool:
    return all(not isinstance(v, Dim) for v in np.asarray(array, dtype=object).reshape(-1))
