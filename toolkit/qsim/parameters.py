"""Gate parameters: named symbols with linear coefficients (``2*a + 0.5``).

A :class:`Parameter` is a linear form ``sum_k c_k * x_k + c0`` over named symbols;
the adjoint gradient uses the coefficients ``c_k`` to map d/dtheta onto each symbol.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

from mstool.toolkit.errors import InputError


class Parameter:
    """A linear combination of named symbols plus a constant.

    >>> a = Parameter("a")
    >>> expr = 2 * a + 0.5
    >>> expr.resolve({"a": 1.0})
    2.5
    >>> str(expr)
    '2*a + 0.5'
    """

    __slots__ = ("terms", "constant")

    def __init__(self, name: str | None = None, *, terms: Mapping[str, float] | None = None,
                 constant: float = 0.0) -> None:
        self.terms: dict[str, float] = dict(terms or {})
        if name is not None:
            if not name.isidentifier():
                raise InputError(f"parameter name {name!r} is not an identifier")
            self.terms[name] = self.terms.get(name, 0.0) + 1.0
        self.constant = float(constant)

    @property
    def symbols(self) -> list[str]:
        """Names this expression depends on (non-zero coefficients)."""
        return [k for k, v in self.terms.items() if v != 0.0]

    def resolve(self, values: Mapping[str, float]) -> float:
        """The numeric value; an unresolved symbol is an :class:`InputError`."""
        total = self.constant
        for name, coeff in self.terms.items():
            if name not in values:
                raise InputError(f"unresolved parameter {name!r}")
            total += coeff * float(values[name])
        return total

    def _combine(self, other: object, sign: float) -> Parameter:
        if isinstance(other, Parameter):
            terms = dict(self.terms)
            for k, v in other.terms.items():
                terms[k] = terms.get(k, 0.0) + sign * v
            return Parameter(terms=terms, constant=self.constant + sign * other.constant)
        if isinstance(other, Real):
            return Parameter(terms=self.terms, constant=self.constant + sign * float(other))
        return NotImplemented

    def __add__(self, other: object) -> Parameter:
        return self._combine(other, 1.0)

    __radd__ = __add__

    def __sub__(self, other: object) -> Parameter:
        return self._combine(other, -1.0)

    def __rsub__(self, other: object) -> Parameter:
        return (-self)._combine(other, 1.0)

    def __mul__(self, other: object) -> Parameter:
        if not isinstance(other, Real):
            return NotImplemented
        f = float(other)
        return Parameter(terms={k: f * v for k, v in self.terms.items()}, constant=f * self.constant)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Parameter:
        if not isinstance(other, Real):
            return NotImplemented
        return self * (1.0 / float(other))

    def __neg__(self) -> Parameter:
        return self * -1.0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Parameter):
            return False
        return self.constant == other.constant and {k: v for k, v in self.terms.items() if v} == {
            k: v for k, v in other.terms.items() if v}

    def __hash__(self) -> int:
        return hash((self.constant, tuple(sorted(self.terms.items()))))

    def __str__(self) -> str:
        parts = []
        for name, coeff in self.terms.items():
            if coeff == 0.0:
                continue
            parts.append(name if coeff == 1.0 else f"-{name}" if coeff == -1.0 else f"{coeff:g}*{name}")
        if self.constant or not parts:
            parts.append(f"{self.constant:g}")
        return " + ".join(parts).replace("+ -", "- ")

    def __repr__(self) -> str:
        return f"Parameter({str(self)!r})"


ParamLike = float | Parameter


def as_param(value: object) -> ParamLike:
    """Turn a user value into a float or a :class:`Parameter` (a string names a symbol).

    >>> as_param("theta").symbols
    ['theta']
    >>> as_param(3)
    3.0
    """
    if isinstance(value, Parameter):
        return value
    if isinstance(value, str):
        return Parameter(value)
    if isinstance(value, Real):
        return float(value)
    raise InputError(f"gate parameter must be a number or a symbol name, got {value!r}")


def resolve(value: ParamLike, values: Mapping[str, float] | None) -> float:
    """The float value of a parameter, resolving symbols from ``values``.

    >>> resolve(Parameter("a") * 2, {"a": 0.25})
    0.5
    """
    if isinstance(value, Parameter):
        return value.resolve(values or {})
    return float(value)
