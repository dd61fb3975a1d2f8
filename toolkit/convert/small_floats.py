"""Casts into the small float types Keras lacks (float8 E4M3FNUZ/E5M2FNUZ/E8M0, float4 E2M1).

Every value of these types is exact in float32, so such a tensor lives in a ``float32`` tensor
holding exactly the type's values (model inputs, weights, outputs). A cast into one is written in
plain ``keras.ops`` as the ONNX rule, as onnxruntime applies it:

- E4M3FNUZ, E5M2FNUZ, E2M1: round half to even to the type's mantissa width (subnormals keep
  the smallest normal exponent's step); a value beyond the largest finite one becomes it
  (``saturate=1``, the default, and always for E2M1, which has no NaN) or NaN (``saturate=0``;
  these types have no infinity). Infinities count as beyond the range; NaN stays NaN (E2M1: 0).
- E8M0 (powers of two ``2**-127 .. 2**127``): ``round_mode`` ``up`` (default), ``down`` or
  ``nearest`` (up from 1.5 times the power below); zero and negatives give ``2**-127`` when
  saturating, else NaN; values beyond ``2**127`` (and +inf) give ``2**127``, or NaN. TensorFlow
  reads float32 subnormals (below ``2**-126``) as 0, so the generated code treats them as zero
  (onnxruntime rounds them to ``2**-126`` or ``2**-127``, as the numpy twin does).

:func:`small_float_values` is the numpy twin, used to fold constant casts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

E8M0 = 24
FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True)
class SmallFloat:
    name: str
    mantissa_bits: int
    min_exponent: int  # of the smallest normal value
    max_value: float
    has_nan: bool


# ONNX element type -> the type's rounding parameters (E8M0, only powers of two, is apart).
SMALL_FLOATS = {18: SmallFloat("float8_e4m3fnuz", 3, -7, 240.0, True),
                20: SmallFloat("float8_e5m2fnuz", 2, -15, 57344.0, True),
                23: SmallFloat("float4_e2m1fn", 1, 0, 6.0, False)}
ROUND_MODES = ("up", "down", "nearest")


def is_small_float(onnx_type: int | None) -> bool:
    """True for the ONNX float types carried in float32 and produced by :func:`small_float_steps`.

    >>> is_small_float(18), is_small_float(24), is_small_float(1)
    (True, True, False)
    """
    return onnx_type in SMALL_FLOATS or onnx_type == E8M0


def small_float_values(value: Any, onnx_type: int, saturate: bool = True,
                       round_mode: str = "up") -> np.ndarray:
    """``value`` cast into ``onnx_type`` as onnxruntime does, as float32 (the numpy twin of
    :func:`small_float_steps`).

    >>> small_float_values(np.array([0.47, 248.0, 247.0, -1e9, np.inf]), 18).tolist()
    [0.46875, 240.0, 240.0, -240.0, 240.0]
    >>> small_float_values(np.array([248.0, np.inf]), 18, saturate=False).tolist()
    [nan, nan]
    >>> small_float_values(np.array([0.124, 1.1, 2.0, 0.0]), 24).tolist()[:3]
    [0.125, 2.0, 2.0]
    """
    x = np.asarray(value).astype(np.float64)
    if onnx_type == E8M0:
        return _e8m0_values(x, saturate, round_mode)
    kind = SMALL_FLOATS[onnx_type]
    with np.errstate(invalid="ignore", over="ignore"):
        a = np.minimum(np.abs(x), 2 * kind.max_value)
        exponent = np.floor(np.log2(np.maximum(a, 2.0**kind.min_exponent)))
        step = 2.0 ** (exponent - kind.mantissa_bits)
        rounded = np.round(a / step) * step  # numpy rounds half to even
        over = rounded > kind.max_value
        fill = kind.max_value if (saturate or not kind.has_nan) else np.nan
        fitted = np.where(over, fill, rounded)
        signed = np.where(x < 0, -fitted, fitted)
        if not kind.has_nan:
            signed = np.where(np.isnan(x), 0.0, signed)
    return signed.astype(np.float32)


def _e8m0_values(x: np.ndarray, saturate: bool, round_mode: str) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.clip(x, 2.0**-126, FLOAT32_MAX)
        exponent = np.floor(np.log2(a))
        power = 2.0**exponent
        if round_mode == "up":
            exponent = np.where(a > power, exponent + 1, exponent)
        elif round_mode == "nearest":
            exponent = np.where(a >= 1.5 * power, exponent + 1, exponent)
        over = (exponent > 127) | np.isposinf(x)
        result = np.where(over, 2.0**127 if saturate else np.nan, 2.0**np.minimum(exponent, 127))
        # float32 subnormals (TensorFlow reads them as 0; onnxruntime keeps them): 2**-126 or 2**-127
        nearest = np.where(x > 2.0**-127, 2.0**-126, 2.0**-127)
        tiny = {"up": 2.0**-126, "down": 2.0**-127}.get(round_mode, nearest)
        result = np.where((x > 0) & (x < 2.0**-126), tiny, result)
        result = np.where(x <= 0, 2.0**-127 if saturate else np.nan, result)
    return result.astype(np.float32)


def small_float_steps(var: str, onnx_type: int, saturate: bool, round_mode: str,
                      fresh: Any) -> list[tuple[str, str]]:
    """``(target, expr)`` statements casting ``var`` into ``onnx_type``; the last target holds the
    result (float32). ``fresh(part)`` returns a new variable name for each step.

    >>> steps = small_float_steps("x", 18, True, "up", lambda part: part)
    >>> [target for target, _ in steps]
    ['magnitude', 'log2', 'exponent', 'step', 'rounded', 'fitted', 'signed']
    """
    names: dict[str, str] = {}

    def name(part: str) -> str:
        names.setdefault(part, fresh(part))
        return names[part]

    x = f'keras.ops.cast({var}, "float32")'
    if onnx_type == E8M0:
        return _e8m0_steps(x, saturate, round_mode, name)
    kind = SMALL_FLOATS[onnx_type]
    floor = f"keras.ops.maximum({name('magnitude')}, {2.0**kind.min_exponent!r})"
    fill = repr(kind.max_value) if saturate or not kind.has_nan else 'float("nan")'
    steps = [
        (name("magnitude"), f"keras.ops.minimum(keras.ops.abs({x}), {2 * kind.max_value!r})"),
        *_floor_log2_steps(floor, name("log2"), name("exponent")),
        (name("step"),
         f"keras.ops.power(2.0, keras.ops.subtract({name('exponent')}, {kind.mantissa_bits}.0))"),
        (name("rounded"), f"keras.ops.multiply(keras.ops.round(keras.ops.divide({name('magnitude')}, "
                          f"{name('step')})), {name('step')})"),
        (name("fitted"), f"keras.ops.where(keras.ops.greater({name('rounded')}, {kind.max_value!r}), {fill}, "
                         f"{name('rounded')})"),
        (name("signed"), f"keras.ops.where(keras.ops.less({x}, 0.0), keras.ops.negative({name('fitted')}), "
                         f"{name('fitted')})"),
    ]
    if not kind.has_nan:
        steps.append((name("finite"), f"keras.ops.where(keras.ops.isnan({x}), 0.0, {name('signed')})"))
    return steps


def _floor_log2_steps(magnitude: str, nearest: str, target: str) -> list[tuple[str, str]]:
    # floor(log2(m)) exactly: TensorFlow's log2 is off by ~1e-5 at some powers of two, so take the
    # nearest integer and step down when that power of two is above m.
    return [(nearest, f"keras.ops.round(keras.ops.log2({magnitude}))"),
            (target, f"keras.ops.where(keras.ops.greater(keras.ops.power(2.0, {nearest}), {magnitude}), "
                     f"keras.ops.subtract({nearest}, 1.0), {nearest})")]


def _e8m0_steps(x: str, saturate: bool, round_mode: str, name: Any) -> list[tuple[str, str]]:
    if round_mode not in ROUND_MODES:
        from mstool.toolkit.convert.builder import Unsupported

        raise Unsupported(f"Cast round_mode {round_mode!r} (expected one of {', '.join(ROUND_MODES)})")
    clipped, exponent = name("clipped"), name("exponent")
    steps = [(clipped, f"keras.ops.clip({x}, {2.0**-126!r}, {FLOAT32_MAX!r})"),
             *_floor_log2_steps(clipped, name("log2"), exponent)]
    if round_mode != "down":
        bound = f"keras.ops.power(2.0, {exponent})"
        test = (f"keras.ops.greater({clipped}, {bound})" if round_mode == "up"
                else f"keras.ops.greater_equal({clipped}, keras.ops.multiply(1.5, {bound}))")
        steps.append((name("rounded"),
                      f"keras.ops.where({test}, keras.ops.add({exponent}, 1.0), {exponent})"))
        exponent = name("rounded")
    top = repr(2.0**127) if saturate else 'float("nan")'
    bottom = repr(2.0**-127) if saturate else 'float("nan")'
    over = f"keras.ops.logical_or(keras.ops.greater({exponent}, 127.0), keras.ops.isinf({x}))"
    power = f"keras.ops.power(2.0, keras.ops.minimum({exponent}, 127.0))"
    steps += [(name("power"), f"keras.ops.where({over}, {top}, {power})"),
              (name("ranged"),
               f"keras.ops.where(keras.ops.less({x}, {2.0**-126!r}), {bottom}, {name('power')})")]
    return steps
