"""Activations with parameters (Clip, LeakyRelu, Elu, Selu, HardSigmoid, Gelu, PRelu, ...)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder
from mstool.toolkit.convert.codegen import literal
from mstool.toolkit.convert.ops.common import attr, attr_choice, const_input
from mstool.toolkit.convert.ops.elementwise import operands
from mstool.toolkit.convert.ops.registry import add_converter


def _same(node: Any, b: Builder) -> tuple[str, tuple[int, ...] | None]:
    x = node.input[0]
    return b.view(x, b.perm(x)), b.perm(x)


def _num(value: float) -> str:
    return literal(np.array(value, np.float32))


@add_converter("Clip", 1)
def clip(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    if b.opset < 11:
        low, high = attr(node, "min", None), attr(node, "max", None)
    else:
        low_v, high_v = const_input(node, b, 1), const_input(node, b, 2)
        low = None if low_v is None else low_v.item()
        high = None if high_v is None else high_v.item()
    dtype = np.dtype(b.dtype(node.input[0]))

    def lit(v: Any) -> str:
        return literal(np.array(v, dtype))

    if low == 0 and high == 6 and dtype == np.float32:
        expr = f"keras.ops.relu6({x})"
    elif low is not None and high is not None and low > high:
        expr = f"keras.ops.minimum(keras.ops.maximum({x}, {lit(low)}), {lit(high)})"  # ONNX: all become max
    elif low is not None and high is not None:
        expr = f"keras.ops.clip({x}, {lit(low)}, {lit(high)})"
    elif low is not None:
        expr = f"keras.ops.maximum({x}, {lit(low)})"
    elif high is not None:
        expr = f"keras.ops.minimum({x}, {lit(high)})"
    else:
        expr = f"keras.ops.copy({x})"
    b.emit(node, expr, perm)


@add_converter("LeakyRelu", 6)
def leaky_relu(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    b.emit(node, f"keras.ops.leaky_relu({x}, negative_slope={_num(attr(node, 'alpha', 0.01))})", perm)


@add_converter("Elu", 6)
def elu(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    b.emit(node, f"keras.ops.elu({x}, alpha={_num(attr(node, 'alpha', 1.0))})", perm)


@add_converter("Celu", 12)
def celu(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    b.emit(node, f"keras.ops.celu({x}, alpha={_num(attr(node, 'alpha', 1.0))})", perm)


@add_converter("Selu", 6)
def selu(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    alpha = attr(node, "alpha", 1.67326319217681884765625)
    gamma = attr(node, "gamma", 1.05070102214813232421875)
    expr = (f"keras.ops.multiply(keras.ops.where(keras.ops.greater({x}, 0.0), {x}, "
            f"keras.ops.multiply(keras.ops.expm1({x}), {_num(alpha)})), {_num(gamma)})")
    b.emit(node, expr, perm)


@add_converter("HardSigmoid", 6)
def hard_sigmoid(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    alpha, beta = _num(attr(node, "alpha", 0.2)), _num(attr(node, "beta", 0.5))
    b.emit(node, f"keras.ops.clip(keras.ops.add(keras.ops.multiply({x}, {alpha}), {beta}), 0.0, 1.0)", perm)


@add_converter("ThresholdedRelu", 10)
def thresholded_relu(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    alpha = _num(attr(node, "alpha", 1.0))
    b.emit(node, f"keras.ops.where(keras.ops.greater({x}, {alpha}), {x}, 0.0)", perm)


@add_converter("Mish", 18)
def mish(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    b.emit(node, f"keras.ops.multiply({x}, keras.ops.tanh(keras.ops.softplus({x})))", perm)


@add_converter("Gelu", 20)
def gelu(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    approximate = attr_choice(node, "approximate", "none", ("none", "tanh")) == "tanh"
    b.emit(node, f"keras.ops.gelu({x}, approximate={approximate})", perm)


@add_converter("Shrink", 9)
def shrink(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    lambd, bias = _num(attr(node, "lambd", 0.5)), _num(attr(node, "bias", 0.0))
    expr = (f"keras.ops.where(keras.ops.less({x}, -{lambd}), keras.ops.add({x}, {bias}), "
            f"keras.ops.where(keras.ops.greater({x}, {lambd}), keras.ops.subtract({x}, {bias}), 0.0))")
    b.emit(node, expr.replace("--", ""), perm)


@add_converter("PRelu", 1)
def prelu(node: Any, b: Builder) -> None:
    (x, slope), perm = operands(node, b, list(node.input[:2]))
    b.emit(node, f"keras.ops.where(keras.ops.less({x}, 0.0), keras.ops.multiply({x}, {slope}), {x})", perm)


@add_converter("Swish", 24)
def swish(node: Any, b: Builder) -> None:
    x, perm = _same(node, b)
    alpha = float(attr(node, "alpha", 1.0))
    inner = x if alpha == 1.0 else f"keras.ops.multiply({x}, {_num(alpha)})"
    b.emit(node, f"keras.ops.multiply({x}, keras.ops.sigmoid({inner}))", perm)
