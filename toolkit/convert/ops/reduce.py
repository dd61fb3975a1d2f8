"""Reductions (ReduceSum/Mean/Max/...), Softmax/LogSoftmax/Hardmax and CumSum, layout-aware on axes."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert import layout
from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.ops.common import attr, axes_from, const_input
from mstool.toolkit.convert.ops.registry import add_converter

# op -> (template around the reduced expression, function, inner transform, opset where axes became an input)
REDUCE = {
    "ReduceSum": ("{}", "sum", "{}", 13), "ReduceMean": ("{}", "mean", "{}", 18),
    "ReduceMax": ("{}", "max", "{}", 18), "ReduceMin": ("{}", "min", "{}", 18),
    "ReduceProd": ("{}", "prod", "{}", 18), "ReduceL1": ("{}", "sum", "keras.ops.abs({})", 18),
    "ReduceL2": ("keras.ops.sqrt({})", "sum", "keras.ops.square({})", 18),
    "ReduceSumSquare": ("{}", "sum", "keras.ops.square({})", 18),
    "ReduceLogSum": ("keras.ops.log({})", "sum", "{}", 18), "ReduceLogSumExp": ("{}", "logsumexp", "{}", 18),
}


def _reduce(op_type: str, outer: str, fn: str, inner: str, axes_input_since: int) -> None:
    def convert(node: Any, b: Builder) -> None:
        x = node.input[0]
        rank, perm = b.rank(x), b.perm(x)
        axes = axes_from(node, b, rank, attr_before=axes_input_since)
        if axes is None or not axes:
            if attr(node, "noop_with_empty_axes", 0):
                b.alias(node.output[0], x, perm)
                return
            axes = list(range(rank))
        keep = bool(attr(node, "keepdims", 1))
        keras_axes = tuple(sorted(layout.keras_axis(a, perm, rank) for a in axes))
        out_perm = perm if keep else layout.after_removing(perm, axes, rank)
        v = inner.format(b.view(x, perm))
        if fn in ("max", "min") and any(b.onnx_shape(x)[a] == 0 for a in axes):
            _empty_extreme(node, b, v, fn, f"axis={keras_axes}, keepdims={keep}", out_perm)
            return
        b.emit(node, outer.format(f"keras.ops.{fn}({v}, axis={keras_axes}, keepdims={keep})"), out_perm)

    add_converter(op_type, 1)(convert)


def _empty_extreme(node: Any, b: Builder, v: str, fn: str, how: str, perm: Any) -> None:
    """Max/Min over an empty set: the identity of the reduction (-inf/+inf, the integer type's
    min/max, False/True for bool), kept connected to the input through a (zero) sum."""
    dtype = np.dtype(b.dtype(node.input[0]))
    if dtype.kind == "b":
        value = repr(fn == "min")
    elif dtype.kind == "f":
        value = 'float("-inf")' if fn == "max" else 'float("inf")'
    else:
        value = repr(int(np.iinfo(dtype).min if fn == "max" else np.iinfo(dtype).max))
    shaped = f'keras.ops.sum(keras.ops.cast({v}, "float32"), {how})'
    b.emit(node, f'keras.ops.full_like({shaped}, {value}, dtype="{dtype}")', perm)


for _op, (_outer, _fn, _inner, _since) in REDUCE.items():
    _reduce(_op, _outer, _fn, _inner, _since)


def _softmax(op_type: str, fn: str) -> None:
    def convert(node: Any, b: Builder) -> None:
        x = node.input[0]
        shape = b.onnx_shape(x)
        rank, perm = len(shape), b.perm(x)
        axis = int(attr(node, "axis", -1 if b.opset >= 13 else 1))
        axis = axis + rank if axis < 0 else axis
        if b.opset >= 13 or axis == rank - 1:
            k = layout.keras_axis(axis, perm, rank)
            k = -1 if k == rank - 1 else k
            b.emit(node, _apply(fn, b.view(x, perm), k), perm)
            return
        # Before opset 13 the input is coerced to 2-D at ``axis``.
        rows = 1
        for d in shape[:axis]:
            rows *= d
        flat = b.fresh_name(f"{node.name or op_type}_2d")
        b.assign(flat, f"keras.ops.reshape({b.view(x, None)}, ({rows}, -1))")
        result = b.fresh_name(f"{node.name or op_type}_flat")
        b.assign(result, _apply(fn, flat, -1))
        b.emit(node, f"keras.ops.reshape({result}, {tuple(shape)})")

    add_converter(op_type, 1)(convert)


def _apply(fn: str, x: str, axis: int) -> str:
    if fn == "hardmax":
        return f"keras.ops.one_hot(keras.ops.argmax({x}, axis={axis}), {x}.shape[{axis}], axis={axis})"
    return f"keras.ops.{fn}({x}, axis={axis})"


_softmax("Softmax", "softmax")
_softmax("LogSoftmax", "log_softmax")
_softmax("Hardmax", "hardmax")


def _cumulative(node: Any, b: Builder, fn: str) -> None:
    x = node.input[0]
    rank, perm = b.rank(x), b.perm(x)
    if rank == 0:
        raise Unsupported(f"{node.op_type} of a scalar")
    axis = int(const_input(node, b, 1).reshape(-1)[0])
    k = layout.keras_axis(axis, perm, rank)
    v = b.view(x, perm)
    reverse, exclusive = attr(node, "reverse", 0), attr(node, "exclusive", 0)
    if reverse:
        v = f"keras.ops.flip({v}, axis={k})"
    expr = f"keras.ops.{fn}({v}, axis={k})"
    if exclusive:
        # Exclusive: the running total without the element itself (a shifted product for CumProd).
        shape = tuple(b.value_of(b.view(x, perm)).shape)
        expr = f"keras.ops.subtract({expr}, {v})" if fn == "cumsum" else _shifted_product(v, k, shape)
    if reverse:
        expr = f"keras.ops.flip({expr}, axis={k})"
    b.emit(node, expr, perm)


def _shifted_product(v: str, axis: int, shape: tuple[int, ...]) -> str:
    pads = tuple((1, 0) if i == axis else (0, 0) for i in range(len(shape)))
    shifted = f"keras.ops.slice(keras.ops.pad({v}, {pads}, constant_values=1), {(0,) * len(shape)}, {shape})"
    return f"keras.ops.cumprod({shifted}, axis={axis})"


@add_converter("CumSum", 11)
def cumsum(node: Any, b: Builder) -> None:
    _cumulative(node, b, "cumsum")


@add_converter("CumProd", 26)
def cumprod(node: Any, b: Builder) -> None:
    _cumulative(node, b, "cumprod")
