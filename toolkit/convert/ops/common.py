"""Helpers every converter uses: attributes, optional inputs, constant arguments."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.safe_code import choice


def attr(node: Any, name: str, default: Any = None) -> Any:
    """The value of attribute ``name`` (strings decoded), or ``default``."""
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            value = helper.get_attribute_value(a)
            if isinstance(value, bytes):
                return value.decode()
            if isinstance(value, list) and value and isinstance(value[0], bytes):
                return [v.decode() for v in value]
            return value
    return default


def attr_choice(node: Any, name: str, default: str, allowed: tuple[str, ...]) -> str:
    """A string attribute that takes one of a fixed set of values; anything else is refused (exit 2)."""
    return choice(attr(node, name, default), allowed, f"{node.op_type} attribute {name}")


def optional_input(node: Any, index: int) -> str | None:
    """The name of input ``index`` when given (ONNX marks omitted optional inputs with '')."""
    return node.input[index] if len(node.input) > index and node.input[index] else None


def const_input(node: Any, b: Builder, index: int, default: Any = None) -> np.ndarray | None:
    """Constant value of an optional input, ``default`` when omitted; refuses run-time values."""
    name = optional_input(node, index)
    if name is None:
        return None if default is None else np.asarray(default)
    if not b.is_const(name):
        raise Unsupported(f"input {index} ('{name}') must be constant")
    return b.const(name)


def ints(values: Any) -> list[int]:
    return [int(v) for v in np.asarray(values).reshape(-1)]


def axes_from(node: Any, b: Builder, rank: int, input_index: int = 1,
              attr_before: int | None = None) -> list[int] | None:
    """Axes given as an attribute (older opsets) or a constant input, normalised to >= 0."""
    if attr_before is not None and b.opset < attr_before:
        axes = attr(node, "axes", None)
    else:
        value = const_input(node, b, input_index)
        axes = None if value is None else ints(value)
    return None if axes is None else sorted(a + rank if a < 0 else a for a in axes)


def same_perm_inputs(b: Builder, names: list[str]) -> tuple[int, ...] | None:
    """The layout shared by the run-time inputs of widest rank, or None when they disagree."""
    rank = max(b.rank(n) for n in names)
    perms = {b.perm(n) for n in names if not b.is_const(n) and b.rank(n) == rank}
    return perms.pop() if len(perms) == 1 else None
