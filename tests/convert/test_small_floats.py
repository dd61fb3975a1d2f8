"""Casts into float8 E4M3FNUZ/E5M2FNUZ/E8M0 and float4 E2M1 (carried in float32) against onnxruntime.

onnxruntime runs the float8 casts; it has no float4 cast on CPU, so E2M1 is checked against the
rule written out here (round half to even on the grid 0, 0.5, 1, 1.5, 2, 3, 4, 6, clip to +-6).
"""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.convert.test_narrow_ints import narrow_model, onnxruntime

F = np.float32
RNG = np.random.default_rng(0)
# Every binade the types cover (and beyond), ties, the types' maxima and the special values.
VALUES = np.concatenate([RNG.normal(size=400) * 10.0 ** RNG.integers(-8, 8, 400),
                         [0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30, 240, 241, 247, 248, 250, 256,
                          57344, 61440, 65536, 2**-10, 2**-11, 2**-12, 2**-17, 2**-18, 0.1, 1.1, 1.5,
                          3.0, 2**100, 2**127, 3e38, 2**-126]]).astype(F)


def cast_model(onnx_type, **attrs):
    node = helper.make_node("Cast", ["x"], ["y"], name="cast", to=onnx_type, **attrs)
    return narrow_model([node], [("x", TensorProto.FLOAT, [len(VALUES)])], [("y", onnx_type, [len(VALUES)])])


def converted(model):
    from mstool.toolkit.convert import onnx_to_keras_model

    return np.asarray(onnx_to_keras_model(model)(VALUES))


@pytest.mark.parametrize("onnx_type", [TensorProto.FLOAT8E4M3FNUZ, TensorProto.FLOAT8E5M2FNUZ])
@pytest.mark.parametrize("saturate", [1, 0])
def test_fnuz_cast_matches_onnxruntime(onnx_type, saturate):
    from mstool.toolkit.convert.small_floats import small_float_values

    model = cast_model(onnx_type, saturate=saturate)
    expected = onnxruntime(model, {"x": VALUES})[0]
    got = converted(model)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)  # NaN where onnxruntime has NaN, exact elsewhere
    assert (np.isnan(expected).sum() > 1) == (saturate == 0)  # beyond the range: NaN, else +-max
    # the numpy twin (constant folding) agrees too
    np.testing.assert_array_equal(small_float_values(VALUES, onnx_type, bool(saturate)), expected)


@pytest.mark.parametrize("saturate", [1, 0])
def test_e8m0_cast_matches_onnxruntime(saturate):
    from mstool.toolkit.convert.small_floats import small_float_values

    model = cast_model(TensorProto.FLOAT8E8M0, saturate=saturate)
    expected = onnxruntime(model, {"x": VALUES})[0]
    got = converted(model)
    # float32 subnormals (2**-127, the type's smallest value) may be flushed to 0 by TensorFlow
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-37)
    np.testing.assert_allclose(small_float_values(VALUES, TensorProto.FLOAT8E8M0, bool(saturate)), expected,
                               rtol=0, atol=1e-37)
    assert got[np.flatnonzero(VALUES == F(1.1))[0]] == 2.0  # rounds up by default


@pytest.mark.parametrize("mode, expected", [("up", [2.0, 2.0, 2.0, 4.0, 1.0, 8.0]),
                                            ("down", [1.0, 1.0, 2.0, 2.0, 0.5, 4.0]),
                                            ("nearest", [1.0, 2.0, 2.0, 4.0, 0.5, 4.0])])
def test_e8m0_round_modes_match_onnxruntime(mode, expected):
    from mstool.toolkit.convert import onnx_to_keras_model

    node = helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT8E8M0, round_mode=mode)
    model = narrow_model([node], [("x", TensorProto.FLOAT, [6])], [("y", TensorProto.FLOAT8E8M0, [6])])
    x = np.array([1.1, 1.5, 2.0, 3.0, 0.7, 5.9], F)
    assert onnxruntime(model, {"x": x})[0].tolist() == expected
    assert np.asarray(onnx_to_keras_model(model)(x)).tolist() == expected


def test_float4_cast_rounds_half_to_even_and_clips():
    x = np.array([0.24, 0.25, 0.26, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0, 5.5, 7.0, -3.5, 1e6, -np.inf, np.nan], F)
    node = helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT4E2M1)
    model = narrow_model([node], [("x", TensorProto.FLOAT, [len(x)])],
                         [("y", TensorProto.FLOAT4E2M1, [len(x)])])
    from mstool.toolkit.convert import onnx_to_keras_model

    got = np.asarray(onnx_to_keras_model(model)(x)).tolist()
    assert got == [0.0, 0.0, 0.5, 1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 6.0, 6.0, -4.0, 6.0, -6.0, 0.0]


def test_fnuz_output_is_verified_against_onnxruntime(tmp_path):
    """A model returning a float8 FNUZ tensor converts, and --verify reads onnxruntime's output exactly."""
    from mstool.toolkit.convert import convert_onnx

    nodes = [helper.make_node("Mul", ["x", "x"], ["sq"]),
             helper.make_node("Cast", ["sq"], ["y"], to=TensorProto.FLOAT8E4M3FNUZ)]
    model = narrow_model(nodes, [("x", TensorProto.FLOAT, [2, 8])],
                         [("y", TensorProto.FLOAT8E4M3FNUZ, [2, 8])])
    report = convert_onnx(model, tmp_path / "out")
    assert report.status == "ok", report
    assert report.verification["max_abs_error"] == {"y": 0.0}


@pytest.mark.parametrize("onnx_type", [TensorProto.FLOAT8E4M3FNUZ, TensorProto.INT4])
def test_constant_cast_like_folds_with_the_target_types_rule(onnx_type):
    """A CastLike of constants folds at conversion time: into the like-input's ONNX type (int4,
    float8 FNUZ), not into the dtype that carries it (int8, float32)."""
    from onnx import numpy_helper

    from mstool.toolkit.convert import onnx_to_keras_model

    values = np.array([0.47, 9.5, 300.0, -2.5], F)
    like = np.zeros(1, F).astype(helper.tensor_dtype_to_np_dtype(onnx_type))
    saturate = {"saturate": 0} if onnx_type == TensorProto.FLOAT8E4M3FNUZ else {}  # 300 -> NaN
    nodes = [helper.make_node("CastLike", ["c", "like"], ["cast"], **saturate),
             helper.make_node("Cast", ["cast"], ["wide"], to=TensorProto.FLOAT),
             helper.make_node("Add", ["x", "wide"], ["y"])]
    model = narrow_model(nodes, [("x", TensorProto.FLOAT, [4])], [("y", TensorProto.FLOAT, [4])],
                         initializers=[numpy_helper.from_array(values, "c"),
                                       numpy_helper.from_array(like, "like")])
    x = np.zeros(4, F)
    expected = onnxruntime(model, {"x": x})[0]
    np.testing.assert_array_equal(np.asarray(onnx_to_keras_model(model)(x)), expected)
