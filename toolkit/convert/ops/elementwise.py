"""Elementwise ops: one-argument math from a table, broadcasting binary ops, variadic Sum/Mean/Max/Min.

Binary ops keep a channels-last layout: constants are broadcast and transposed at conversion time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder
from mstool.toolkit.convert.ops.common import attr, attr_choice, same_perm_inputs
from mstool.toolkit.convert.ops.registry import add_converter

UNARY = {
    "Abs": "abs", "Neg": "negative", "Exp": "exp", "Log": "log", "Sqrt": "sqrt", "Reciprocal": "reciprocal",
    "Floor": "floor", "Ceil": "ceil", "Round": "round", "Sign": "sign", "Sin": "sin", "Cos": "cos",
    "Tan": "tan", "Asin": "arcsin", "Acos": "arccos", "Atan": "arctan", "Sinh": "sinh", "Cosh": "cosh",
    "Asinh": "arcsinh", "Acosh": "arccosh", "Atanh": "arctanh", "Tanh": "tanh", "Sigmoid": "sigmoid",
    "Relu": "relu", "Erf": "erf", "Softplus": "softplus", "Softsign": "softsign", "Not": "logical_not",
    "IsNaN": "isnan", "BitwiseNot": "bitwise_not", "HardSwish": "hard_swish",
}
BINARY = {
    "Add": "add", "Sub": "subtract", "Mul": "multiply", "Pow": "power", "Equal": "equal", "Less": "less",
    "Greater": "greater", "LessOrEqual": "less_equal", "GreaterOrEqual": "greater_equal",
    "And": "logical_and", "Or": "logical_or", "Xor": "logical_xor", "BitwiseAnd": "bitwise_and",
    "BitwiseOr": "bitwise_or", "BitwiseXor": "bitwise_xor",
}


def operands(node: Any, b: Builder, names: list[str]) -> tuple[list[str], tuple[int, ...] | None]:
    """Variables for ``names`` broadcast into one common layout, and that layout."""
    rank = max(b.rank(n) for n in names)
    perm = same_perm_inputs(b, names)
    if perm is None:
        return [b.view(n, None) for n in names], None
    return [b.broadcast_view(n, perm, rank) for n in names], perm


def _unary(op_type: str, fn: str) -> None:
    def convert(node: Any, b: Builder) -> None:
        x = node.input[0]
        b.emit(node, f"keras.ops.{fn}({b.view(x, b.perm(x))})", b.perm(x))

    add_converter(op_type, 1)(convert)


def _misread_as_bias(b: Builder, first: str, second: str) -> bool:
    """Whether Keras' TensorFlow ``add`` would take ``second`` for a bias on the wrong axis.

    keras.ops.add turns ``x + b`` into ``tf.nn.bias_add`` when ``b`` squeezes to a vector whose
    length equals ``x``'s dim 1 or last dim, adding along the last axis if its length matches,
    else along axis 1; a vector lying along any other axis is added along the wrong one.
    """
    x_shape, y_shape = b.value_of_shape(first), b.value_of_shape(second)
    if x_shape is None or y_shape is None or len(x_shape) < 2:
        return False
    big = [i for i, d in enumerate(y_shape) if d != 1]
    if len(big) != 1 or y_shape[big[0]] not in (x_shape[1], x_shape[-1]):
        return False
    axis = big[0] + len(x_shape) - len(y_shape)
    picked = len(x_shape) - 1 if x_shape[-1] == y_shape[big[0]] else 1
    return axis != picked


def _binary(op_type: str, fn: str) -> None:
    def convert(node: Any, b: Builder) -> None:
        (x, y), perm = operands(node, b, list(node.input[:2]))
        if fn == "add" and _misread_as_bias(b, x, y):
            x, y = y, x  # addition commutes; this order keeps Keras off its bias_add shortcut
        b.emit(node, f"keras.ops.{fn}({x}, {y})", perm)

    add_converter(op_type, 1)(convert)


for _op, _fn in UNARY.items():
    _unary(_op, _fn)
for _op, _fn in BINARY.items():
    _binary(_op, _fn)


@add_converter("Div", 1)
def div(node: Any, b: Builder) -> None:
    (x, y), perm = operands(node, b, list(node.input[:2]))
    dtype = b.dtype(node.input[0])
    if np.issubdtype(np.dtype(dtype), np.integer):
        # ONNX integer division truncates toward zero.
        b.emit(node, f'keras.ops.cast(keras.ops.trunc(keras.ops.true_divide({x}, {y})), "{dtype}")', perm)
    else:
        b.emit(node, f"keras.ops.divide({x}, {y})", perm)


@add_converter("Mod", 10)
def mod(node: Any, b: Builder) -> None:
    (x, y), perm = operands(node, b, list(node.input[:2]))
    fn = "fmod" if attr(node, "fmod", 0) else "mod"
    b.emit(node, f"keras.ops.{fn}({x}, {y})", perm)


@add_converter("BitShift", 11)
def bit_shift(node: Any, b: Builder) -> None:
    """Shifts by a negative amount or by >= the bit width give 0 (left, unsigned right) or the sign
    fill (signed right), as numpy does; TensorFlow leaves them undefined, so they are spelt out."""
    (x, y), perm = operands(node, b, list(node.input[:2]))
    left = attr_choice(node, "direction", "", ("LEFT", "RIGHT")) == "LEFT"
    fn = "left_shift" if left else "right_shift"
    dtype = np.dtype(b.dtype(node.input[0]))
    bits = 8 * dtype.itemsize
    shift = node.input[1]
    if b.is_const(shift) and ((b.const(shift) >= 0) & (b.const(shift) < bits)).all():
        b.emit(node, f"keras.ops.{fn}({x}, {y})", perm)
        return
    outside = b.fresh_name(f"{node.name or node.output[0]}_outside")
    b.assign(outside, f"keras.ops.logical_or(keras.ops.less({y}, 0), keras.ops.greater_equal({y}, {bits}))")
    if left or dtype.kind == "u":
        safe = f"keras.ops.where({outside}, 0, {y})"
        b.emit(node, f"keras.ops.where({outside}, 0, keras.ops.{fn}({x}, {safe}))", perm)
    else:
        b.emit(node, f"keras.ops.right_shift({x}, keras.ops.where({outside}, {bits - 1}, {y}))", perm)


def _variadic(op_type: str, fn: str, mean: bool = False) -> None:
    def convert(node: Any, b: Builder) -> None:
        names = [n for n in node.input if n]
        variables, perm = operands(node, b, names)
        expr = variables[0]
        for other in variables[1:]:
            expr = f"keras.ops.{fn}({expr}, {other})"
        if len(variables) == 1:
            expr = f"keras.ops.copy({expr})"
        if mean:
            expr = f"keras.ops.divide({expr}, {float(len(variables))})"
        b.emit(node, expr, perm)

    add_converter(op_type, 1)(convert)


_variadic("Sum", "add")
_variadic("Mean", "add", mean=True)
_variadic("Max", "maximum")
_variadic("Min", "minimum")


@add_converter("IsInf", 10)
def is_inf(node: Any, b: Builder) -> None:
    x = b.view(node.input[0], b.perm(node.input[0]))
    pos, neg = attr(node, "detect_positive", 1), attr(node, "detect_negative", 1)
    fn = "isinf" if pos and neg else ("isposinf" if pos else "isneginf")
    expr = f"keras.ops.{fn}({x})" if pos or neg else f"keras.ops.zeros_like({x}, dtype='bool')"
    b.emit(node, expr, b.perm(node.input[0]))


@add_converter("Where", 9)
def where(node: Any, b: Builder) -> None:
    (c, x, y), perm = operands(node, b, list(node.input[:3]))
    b.emit(node, f"keras.ops.where({c}, {x}, {y})", perm)
