"""Cast, CastLike, Shape/Size (static), ConstantOfShape, Range, EyeLike, Size, Det, and friends."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert import dims, dynamic
from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.codegen import literal
from mstool.toolkit.convert.narrow import NARROW_INTS, carrier_dtype, rounding_steps, wrap_expr
from mstool.toolkit.convert.ops.common import attr, attr_choice
from mstool.toolkit.convert.ops.registry import add_converter
from mstool.toolkit.convert.safe_code import string_literal
from mstool.toolkit.convert.small_floats import ROUND_MODES, is_small_float, small_float_steps

# The largest finite value of the float8 types Keras has.
FLOAT8_MAX = {"float8_e4m3fn": 448.0, "float8_e5m2": 57344.0}


def _np_dtype(onnx_type: int) -> str:
    from onnx import helper

    return carrier_dtype(helper.tensor_dtype_to_np_dtype(onnx_type))


def _cast_to(node: Any, b: Builder, onnx_type: int | None, dtype: str) -> None:
    x = node.input[0]
    source = b.view(x, b.perm(x))
    if onnx_type in NARROW_INTS:  # 4- and 2-bit integers, carried in int8/uint8
        if "float" in b.dtype(x):
            base = node.name or node.output[0]
            names = [b.fresh_name(f"{base}_{part}") for part in ("frac", "away", "rounded")]
            for target, expr in rounding_steps(source, *names):
                b.assign(target, expr)
            source = names[-1]
        b.emit(node, wrap_expr(source, onnx_type), b.perm(x))
        return
    if is_small_float(onnx_type):  # float8 FNUZ/E8M0 and float4, carried in float32
        base = node.name or node.output[0]
        round_mode = attr_choice(node, "round_mode", "up", ROUND_MODES)
        steps = small_float_steps(source, onnx_type, bool(attr(node, "saturate", 1)), round_mode,
                                  lambda part: b.fresh_name(f"{base}_{part}"))
        for target, expr in steps[:-1]:
            b.assign(target, expr)
        b.emit(node, steps[-1][1], b.perm(x))
        return
    if dtype in FLOAT8_MAX and "float" in b.dtype(x) and attr(node, "saturate", 1):
        # Saturating float8 cast: out-of-range values (and infinities) become +-max, NaN stays NaN.
        limit = FLOAT8_MAX[dtype]
        source = f"keras.ops.clip({source}, {-limit}, {limit})"
    b.emit(node, f'keras.ops.cast({source}, "{dtype}")', b.perm(x))


@add_converter("Cast", 6)
def cast(node: Any, b: Builder) -> None:
    _cast_to(node, b, attr(node, "to"), _np_dtype(attr(node, "to")))


@add_converter("CastLike", 15)
def cast_like(node: Any, b: Builder) -> None:
    like = b.onnx_dtypes.get(node.input[1])
    _cast_to(node, b, like, _np_dtype(like) if like else b.dtype(node.input[1]))


@add_converter("Shape", 1)
def shape(node: Any, b: Builder) -> None:
    """A constant when the shape is static, else a symbolic value of ints and Dims."""
    full = dims.object_array(list(b.onnx_shape(node.input[0])))
    value = full[attr(node, "start", 0):attr(node, "end", None)]
    if dims.all_ints(value):
        b.constants[node.output[0]] = value.astype(np.int64)
    else:
        b.shape_values[node.output[0]] = value


@add_converter("Size", 1)
def size(node: Any, b: Builder) -> None:
    value = dims.object_array(dims.product(b.onnx_shape(node.input[0])))
    if dims.all_ints(value):
        b.constants[node.output[0]] = value.astype(np.int64)
    else:
        b.shape_values[node.output[0]] = value


@add_converter("ConstantOfShape", 9)
def constant_of_shape(node: Any, b: Builder) -> None:
    from onnx import numpy_helper

    value = attr(node, "value", None)
    fill = numpy_helper.to_array(value).reshape(-1)[0] if value is not None else np.float32(0)
    wanted = list(b.shape_value(node.input[0], "ConstantOfShape shape").reshape(-1))
    dtype = str(np.asarray(fill).dtype)
    if not dims.is_static(wanted):
        result = dynamic.filled(b, wanted, literal(np.asarray(fill)), dtype, node.name or "filled")
        b.alias(node.output[0], result)
        b.set_dims(node.output[0], tuple(wanted))
        return
    target = tuple(int(d) for d in wanted)
    b.emit(node, f"keras.ops.full({target}, {literal(np.asarray(fill))}, dtype={string_literal(dtype)})")


@add_converter("Range", 11)
def range_(node: Any, b: Builder) -> None:
    values = [b.shape_value(n) if b.is_const(n) or b.is_shape_value(n) else None for n in node.input[:3]]
    dtype = b.dtype(node.input[0])
    if all(v is not None for v in values):
        start, limit, delta = (dims.simplify(v.reshape(-1)[0]) for v in values)
        if isinstance(start, int) and isinstance(delta, int) and delta > 0:
            # A dynamic length: a cumulative sum of ones along the dim it comes from.
            length = dims.simplify(limit - start) if delta == 1 else None
            if length is None:
                raise Unsupported("Range with a dynamic limit and a step other than 1")
            positions = dynamic.arange_vector(b, length)
            expr = positions if start == 0 else f"keras.ops.add({positions}, {start})"
            b.emit(node, f"keras.ops.cast({expr}, {string_literal(dtype)})")
            b.set_dims(node.output[0], (length,))
            return
    raise Unsupported("Range bounds must be constant or sizes (here they are computed from tensor values)")


@add_converter("EyeLike", 9)
def eye_like(node: Any, b: Builder) -> None:
    # Depends only on the (static) input shape: a constant.
    rows, cols = b.onnx_shape(node.input[0])
    dtype = _np_dtype(attr(node, "dtype")) if attr(node, "dtype") is not None else b.dtype(node.input[0])
    b.constants[node.output[0]] = np.eye(rows, cols, k=int(attr(node, "k", 0)), dtype=dtype)
