"""Converter registry: ONNX (domain, op_type, since_version) -> a function that emits Keras code.

A converter is registered with :func:`add_converter`; :func:`find_converter` picks, for a
model's opset, the newest converter whose version is not above that opset, so a converter
written for an op's ``since_version`` keeps serving later opsets until the op changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Converter = Callable[..., Any]

_CONVERTERS: dict[tuple[str, str, int], Converter] = {}


def add_converter(op_type: str, version: int, domain: str = "") -> Callable[[Converter], Converter]:
    """Register ``fn`` for ``op_type`` from opset ``version`` on.

    >>> @add_converter("MyDoctestOp", 7)
    ... def _convert(node, builder):
    ...     pass
    >>> find_converter("MyDoctestOp", 13) is _convert
    True
    """

    def register(fn: Converter) -> Converter:
        _CONVERTERS[(domain, op_type, int(version))] = fn
        return fn

    return register


def find_converter(op_type: str, opset: int, domain: str = "") -> Converter | None:
    """The converter serving ``op_type`` at ``opset``: the newest one registered at or below it."""
    versions = [v for (d, op, v) in _CONVERTERS if d == domain and op == op_type and v <= opset]
    return _CONVERTERS[(domain, op_type, max(versions))] if versions else None


def registered_op_types(domain: str = "") -> list[str]:
    """Every op type with at least one converter, sorted."""
    return sorted({op for (d, op, _v) in _CONVERTERS if d == domain and not op.startswith("MyDoctest")})
