"""Narrow integer types (ONNX INT4, UINT4, INT2, UINT2) carried in 8-bit Keras tensors.

Keras has no 4- or 2-bit integers, so such a tensor lives in an ``int8``/``uint8`` tensor holding
exactly the same values. Casting into a narrow type follows onnxruntime, the runtime users run: a
float is rounded half away from zero to an integer, then every integer is wrapped modulo
``2**bits`` into the type's range (``9.5 -> int4 -6``, ``100 -> int4 4``). onnx's reference
evaluator follows ml_dtypes instead, whose rule for fractions and out-of-range values has changed
between releases, so it is not used for these casts (not even to fold constants). Casting out of
a narrow type is a plain cast of the carrier.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# ONNX element type -> (carrier dtype, bits, signed)
NARROW_INTS: dict[int, tuple[str, int, bool]] = {22: ("int8", 4, True), 21: ("uint8", 4, False),
                                                 26: ("int8", 2, True), 25: ("uint8", 2, False)}
# Small float types Keras lacks: every value is exact in float32, so they live in float32 tensors
# (model inputs, weights and outputs); casts into them are written by ``small_floats``.
FLOAT32_CARRIED = {"float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn"}
_NARROW_NAMES = {"int4": "int8", "uint4": "uint8", "int2": "int8", "uint2": "uint8",
                 **dict.fromkeys(FLOAT32_CARRIED, "float32")}


def carrier_dtype(dtype: Any) -> str:
    """The dtype Keras holds a tensor of numpy ``dtype`` in (itself unless Keras lacks it).

    >>> import ml_dtypes
    >>> carrier_dtype(ml_dtypes.int4), carrier_dtype(np.float32)
    ('int8', 'float32')
    """
    name = str(np.dtype(dtype))
    return _NARROW_NAMES.get(name, name)


def to_carrier(value: Any) -> np.ndarray:
    """``value`` as an array Keras can hold: narrow integers become int8/uint8 with the same values.

    >>> import ml_dtypes
    >>> to_carrier(np.array([7, -8], ml_dtypes.int4)).tolist()
    [7, -8]
    """
    array = np.asarray(value)
    carrier = carrier_dtype(array.dtype)
    return array.astype(carrier) if carrier != str(array.dtype) else array


def rounding_steps(var: str, frac: str, away: str, whole: str) -> list[tuple[str, str]]:
    """``(target, expr)`` statements rounding float ``var`` half away from zero into int32 ``whole``.

    ``x - trunc(x)`` is exact, unlike ``x + 0.5`` (which turns 0.49999997 into 1).

    >>> [target for target, _ in rounding_steps("x", "f", "a", "r")]
    ['f', 'a', 'r']
    """
    return [(frac, f"keras.ops.abs(keras.ops.subtract({var}, keras.ops.trunc({var})))"),
            (away, f"keras.ops.where(keras.ops.greater_equal({frac}, 0.5), keras.ops.sign({var}), 0)"),
            (whole, f'keras.ops.add(keras.ops.cast({var}, "int32"), keras.ops.cast({away}, "int32"))')]


def narrow_values(value: Any, onnx_type: int) -> np.ndarray:
    """``value`` cast into narrow ONNX type ``onnx_type`` as onnxruntime does, in its carrier dtype.

    The numpy twin of :func:`rounding_steps` + :func:`wrap_expr`, used to fold constant casts.

    >>> narrow_values(np.array([9.5, -2.5, 0.49999997, 100.0], np.float32), 22).tolist()
    [-6, -3, 0, 4]
    >>> narrow_values(np.array([-1, 4, 7]), 25).tolist()
    [3, 0, 3]
    """
    carrier, bits, signed = NARROW_INTS[onnx_type]
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.integer) and array.dtype != np.bool_:
        wide = array.astype(np.float64)  # exact for every float type ONNX has
        whole = np.trunc(wide)
        array = whole + np.where(np.abs(wide - whole) >= 0.5, np.sign(wide), 0.0)
    offset = 2 ** (bits - 1) if signed else 0
    return (np.mod(array.astype(np.int64) + offset, 2**bits) - offset).astype(carrier)


def wrap_expr(var: str, onnx_type: int) -> str | None:
    """Code wrapping integer ``var`` into narrow ONNX type ``onnx_type`` (its carrier); None if not narrow.

    >>> wrap_expr("x", 22)
    'keras.ops.cast(keras.ops.mod(keras.ops.cast(x, "int32") + 8, 16) - 8, "int8")'
    """
    if onnx_type not in NARROW_INTS:
        return None
    carrier, bits, signed = NARROW_INTS[onnx_type]
    whole = f'keras.ops.cast({var}, "int32")'
    if signed:
        half = 2 ** (bits - 1)
        return f'keras.ops.cast(keras.ops.mod({whole} + {half}, {2 ** bits}) - {half}, "{carrier}")'
    return f'keras.ops.cast(keras.ops.mod({whole}, {2 ** bits}), "{carrier}")'


def _carrier_type(onnx_type: int) -> int | None:
    """The ONNX type of the carrier of a narrow integer or a float32-carried small float, else None."""
    from onnx import helper

    if onnx_type in NARROW_INTS:
        return helper.np_dtype_to_tensor_dtype(np.dtype(NARROW_INTS[onnx_type][0]))
    if onnx_type and str(helper.tensor_dtype_to_np_dtype(onnx_type)) in FLOAT32_CARRIED:
        return helper.np_dtype_to_tensor_dtype(np.dtype(np.float32))
    return None


def widen_narrow_outputs(model: Any) -> tuple[Any, dict[str, str]] | None:
    """A copy of ``model`` whose narrow-integer and small-float graph outputs are cast (exactly)
    to their carriers.

    onnxruntime cannot hand INT4/INT2 (or float8 FNUZ, E8M0, float4) arrays to numpy as values;
    the copy returns the same values as int8/uint8 (float32). Returns ``(copy, {new output name:
    original name})``, or None when no output is of such a type.
    """
    import onnx
    from onnx import helper

    narrow = [o for o in model.graph.output if _carrier_type(o.type.tensor_type.elem_type) is not None]
    if not narrow:
        return None
    wide = onnx.ModelProto()
    wide.CopyFrom(model)
    renamed = {}
    for out in wide.graph.output:
        elem = out.type.tensor_type.elem_type
        carrier = _carrier_type(elem)
        if carrier is None:
            continue
        new_name = f"{out.name}__carrier"
        wide.graph.node.append(helper.make_node("Cast", [out.name], [new_name], to=carrier))
        renamed[new_name] = out.name
        out.name = new_name
        out.type.tensor_type.elem_type = carrier
    return wide, renamed
