"""Evaluate the ops of a shape subgraph on symbolic values (object arrays of ints and Dims).

``Shape(x) -> Gather -> Unsqueeze -> Concat -> Reshape`` on a dynamic ``x`` gives
``[batch, sequence, 2, 64]`` here instead of a literal frozen at one input size.
An op outside this table, or a result that depends on the run-time size, raises
:class:`~mstool.toolkit.convert.dims.Undecidable` and the node becomes run-time code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mstool.toolkit.convert.dims import Undecidable, object_array

INT_TYPES = {6, 7, 12, 13, 2, 3, 4, 5}  # ONNX int32, int64, uint32, uint64, uint8, int8, uint16, int16


def _attr(node: Any, name: str, default: Any = None) -> Any:
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _ints(value: Any) -> list[int]:
    array = np.asarray(value, dtype=object).reshape(-1)
    if any(not isinstance(v, int | np.integer) for v in array):
        raise Undecidable("a symbolic value where an integer constant is needed")
    return [int(v) for v in array]


def _axes(node: Any, values: list[Any], rank: int, index: int = 1) -> list[int] | None:
    given = _attr(node, "axes", None)
    if given is None and len(values) > index and values[index] is not None:
        given = _ints(values[index])
    return None if given is None else [a + rank if a < 0 else a for a in given]


def _elementwise(fn: Callable[[Any, Any], Any]) -> Callable[..., list[np.ndarray]]:
    def run(node: Any, values: list[Any]) -> list[np.ndarray]:
        a, b = (np.asarray(v, dtype=object) for v in values[:2])
        out = np.frompyfunc(fn, 2, 1)(a, b)
        return [object_array(out)]

    return run


def _gather(node: Any, values: list[Any]) -> list[np.ndarray]:
    data = np.asarray(values[0], dtype=object)
    index = np.asarray(_ints(values[1])).reshape(np.shape(values[1]))
    axis = int(_attr(node, "axis", 0))
    return [object_array(np.take(data, index, axis=axis))]


def _concat(node: Any, values: list[Any]) -> list[np.ndarray]:
    parts = [np.asarray(v, dtype=object) for v in values if v is not None and np.size(v)]
    axis = int(_attr(node, "axis", 0))
    return [object_array(np.concatenate(parts, axis=axis) if parts else np.zeros(0, object))]


def _unsqueeze(node: Any, values: list[Any]) -> list[np.ndarray]:
    data = np.asarray(values[0], dtype=object)
    axes = _axes(node, values, data.ndim + len(_attr(node, "axes", None) or _ints(values[1])))
    shape = list(data.shape)
    for a in sorted(axes):
        shape.insert(a, 1)
    return [object_array(data.reshape(shape))]


def _squeeze(node: Any, values: list[Any]) -> list[np.ndarray]:
    data = np.asarray(values[0], dtype=object)
    axes = _axes(node, values, data.ndim)
    shape = [d for i, d in enumerate(data.shape) if (axes is not None and i not in axes) or
             (axes is None and d != 1)]
    return [object_array(data.reshape(shape))]


def _slice(node: Any, values: list[Any]) -> list[np.ndarray]:
    data = np.asarray(values[0], dtype=object)
    starts, ends = _ints(values[1]), _ints(values[2])
    axes = _ints(values[3]) if len(values) > 3 and values[3] is not None else list(range(len(starts)))
    steps = _ints(values[4]) if len(values) > 4 and values[4] is not None else [1] * len(starts)
    index = [slice(None)] * data.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
        dim = data.shape[axis]
        end = max(min(end, dim), -dim - 1) if step > 0 else max(min(end, dim), -dim - 1)
        index[axis] = slice(start, None if step < 0 and end < -dim else end, step)
    return [object_array(data[tuple(index)])]


def _reshape(node: Any, values: list[Any]) -> list[np.ndarray]:
    data = np.asarray(values[0], dtype=object)
    shape = _ints(values[1])
    shape = [data.shape[i] if d == 0 and not _attr(node, "allowzero", 0) else d for i, d in enumerate(shape)]
    return [object_array(data.reshape(shape))]


def _cast(node: Any, values: list[Any]) -> list[np.ndarray]:
    target = int(_attr(node, "to"))
    data = np.asarray(values[0], dtype=object)
    if target == 9:  # bool
        return [object_array(np.frompyfunc(lambda v: bool(v != 0), 1, 1)(data))]
    if target not in INT_TYPES:
        raise Undecidable("a symbolic size cast to a float type")
    return [data]


def _where(node: Any, values: list[Any]) -> list[np.ndarray]:
    cond = np.asarray(values[0], dtype=object)
    if any(not isinstance(v, bool | np.bool_) for v in cond.reshape(-1)):
        raise Undecidable("a symbolic condition")
    return [object_array(np.where(cond.astype(bool), np.asarray(values[1], dtype=object),
                                  np.asarray(values[2], dtype=object)))]


def _expand(node: Any, values: list[Any]) -> list[np.ndarray]:
    data = np.asarray(values[0], dtype=object)
    shape = tuple(np.broadcast_shapes(data.shape, tuple(_ints(values[1]))))
    return [object_array(np.broadcast_to(data, shape))]


def _reduce_prod(node: Any, values: list[Any]) -> list[np.ndarray]:
    data = np.asarray(values[0], dtype=object)
    if data.ndim != 1:
        raise Undecidable("ReduceProd of a symbolic value of rank > 1")
    result: Any = 1
    for v in data:
        result = result * v
    keep = bool(_attr(node, "keepdims", 1))
    return [object_array([result] if keep else result)]


def _extreme(pick_max: bool) -> Callable[..., list[np.ndarray]]:
    def choose(a: Any, b: Any) -> Any:
        return (a if a >= b else b) if pick_max else (a if a <= b else b)

    def run(node: Any, values: list[Any]) -> list[np.ndarray]:
        out = np.asarray(values[0], dtype=object)
        for other in values[1:]:
            out = np.frompyfunc(choose, 2, 1)(out, np.asarray(other, dtype=object))
        return [object_array(out)]

    return run


def _identity(node: Any, values: list[Any]) -> list[np.ndarray]:
    return [object_array(values[0])]


def _not(node: Any, values: list[Any]) -> list[np.ndarray]:
    return [object_array(np.frompyfunc(lambda v: not v, 1, 1)(np.asarray(values[0], dtype=object)))]


SYMBOLIC_OPS: dict[str, Callable[..., list[np.ndarray]]] = {
    "Gather": _gather, "Concat": _concat, "Unsqueeze": _unsqueeze, "Squeeze": _squeeze, "Slice": _slice,
    "Reshape": _reshape, "Cast": _cast, "Identity": _identity, "Where": _where, "Expand": _expand,
    "ReduceProd": _reduce_prod, "Max": _extreme(True), "Min": _extreme(False), "Not": _not,
    "Add": _elementwise(lambda a, b: a + b), "Sub": _elementwise(lambda a, b: a - b),
    "Mul": _elementwise(lambda a, b: a * b), "Div": _elementwise(lambda a, b: a // b),
    "Equal": _elementwise(lambda a, b: bool(a == b)), "Less": _elementwise(lambda a, b: bool(a < b)),
    "Greater": _elementwise(lambda a, b: bool(a > b)),
    "LessOrEqual": _elementwise(lambda a, b: bool(a <= b)),
    "GreaterOrEqual": _elementwise(lambda a, b: bool(a >= b)),
    "And": _elementwise(lambda a, b: bool(a and b)), "Or": _elementwise(lambda a, b: bool(a or b)),
}


def fold_symbolic(node: Any, values: list[Any]) -> list[np.ndarray]:
    """Outputs of ``node`` from symbolic or constant inputs (``None`` for an omitted input).

    >>> from onnx import helper
    >>> from mstool.toolkit.convert.dims import Dim
    >>> node = helper.make_node("Mul", ["a", "b"], ["c"])
    >>> [str(v) for v in fold_symbolic(node, [object_array([Dim.symbol("n"), 4]), np.array(2)])[0]]
    ['2*n', '8']
    """
    run = SYMBOLIC_OPS.get(node.op_type)
    if run is None or node.domain not in ("", "ai.onnx"):
        raise Undecidable(f"{node.op_type} is not evaluated symbolically")
    try:
        return run(node, values)
    except (TypeError, ValueError, IndexError) as err:
        raise Undecidable(f"{node.op_type}: {err}") from None
