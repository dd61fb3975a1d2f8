"""Where TensorFlow/Keras differ from ONNX: out-of-range shifts, empty reductions, dilated pools, pads."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper

from tests.convert.helpers import const, make_model


def reference(model, feeds):
    from onnx.reference import ReferenceEvaluator

    return [np.asarray(v) for v in ReferenceEvaluator(model).run(None, feeds)]


@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint32, np.int8, np.int32])
def test_bitshift_by_negative_or_too_wide_amounts(direction, dtype):
    from mstool.toolkit.convert import onnx_to_keras_model

    bits = 8 * np.dtype(dtype).itemsize
    x = np.array([1, 3, 100, 7, 255, 6, 2, 9], dtype=np.int64)
    y = np.array([0, 1, bits - 1, bits, bits + 1, 127, 3, 2], dtype=np.int64)
    if np.dtype(dtype).kind == "i":
        x, y = x - 50, np.where(np.arange(8) % 3 == 0, -y, y)
    x, y = x.astype(dtype), y.astype(dtype)
    node = helper.make_node("BitShift", ["x", "y"], ["z"], direction=direction)
    model = make_model([node], [("x", dtype, [8]), ("y", dtype, [8])], [("z", dtype, [8])], opset=26)
    got = np.asarray(onnx_to_keras_model(model)([x, y]))
    np.testing.assert_array_equal(got, reference(model, {"x": x, "y": y})[0])


def test_bitshift_by_a_constant_in_range_stays_one_call():
    from mstool.toolkit.convert.graph import convert_graph
    from mstool.toolkit.convert.loader import load_onnx

    node = helper.make_node("BitShift", ["x", "k"], ["z"], direction="LEFT")
    model = make_model([node], [("x", np.uint8, [4])], [("z", np.uint8, [4])],
                       [const("k", np.array([1, 2, 3, 7], np.uint8))], opset=11)
    lines = convert_graph(load_onnx(model)).lines
    assert not any("where" in ln for ln in lines)


@pytest.mark.parametrize("op", ["ReduceMax", "ReduceMin"])
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_])
def test_max_and_min_over_an_empty_axis_give_the_identity(op, dtype):
    from mstool.toolkit.convert import onnx_to_keras_model

    node = helper.make_node(op, ["x", "axes"], ["y"], keepdims=1)
    model = make_model([node], [("x", dtype, [2, 0, 4])], [("y", dtype, [2, 1, 4])],
                       [const("axes", np.array([1], np.int64))], opset=18)
    got = np.asarray(onnx_to_keras_model(model, input_shapes=["x=2,0,4"])(np.zeros((2, 0, 4), dtype)))
    if dtype == np.float32:
        identity = -np.inf if op == "ReduceMax" else np.inf
    elif dtype == np.int32:
        identity = np.iinfo(np.int32).min if op == "ReduceMax" else np.iinfo(np.int32).max
    else:
        identity = op == "ReduceMin"
    np.testing.assert_array_equal(got, np.full((2, 1, 4), identity, dtype))
    assert got.dtype == dtype
    if dtype != np.int32:  # onnx's reference agrees (it has no integer identity)
        np.testing.assert_array_equal(got, reference(model, {"x": np.zeros((2, 0, 4), dtype)})[0])


@pytest.mark.parametrize("keep_layout", [False, True])
@pytest.mark.parametrize(("op", "attrs"), [
    ("MaxPool", {"kernel_shape": [3, 3], "dilations": [2, 3], "strides": [1, 2], "pads": [2, 1, 1, 2]}),
    ("MaxPool", {"kernel_shape": [2, 2], "dilations": [2, 2], "strides": [2, 2], "ceil_mode": 1}),
    ("AveragePool", {"kernel_shape": [3, 3], "dilations": [2, 2], "pads": [1, 2, 2, 1]}),
    ("AveragePool", {"kernel_shape": [3, 3], "dilations": [3, 2], "strides": [2, 1], "pads": [2, 2, 2, 2],
                     "count_include_pad": 1, "ceil_mode": 1}),
])
def test_dilated_pooling_matches_onnxruntime(op, attrs, keep_layout):
    from tests.convert.helpers import check_against_onnxruntime

    node = helper.make_node(op, ["x"], ["y"], name="pool", **attrs)
    model = make_model([node], [("x", np.float32, [2, 3, 11, 10])], [("y", None, None)], opset=19)
    check_against_onnxruntime(model, atol=1e-5, keep_layout=keep_layout)


def test_dilated_3d_max_pool_matches_onnxruntime():
    from tests.convert.helpers import check_against_onnxruntime

    node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2, 2], dilations=[2, 1, 2],
                            strides=[1, 2, 1])
    model = make_model([node], [("x", np.float32, [1, 2, 6, 7, 5])], [("y", None, None)], opset=19)
    check_against_onnxruntime(model, atol=1e-6)


def test_dilated_pooling_script_is_verified_and_lint_clean(tmp_path):
    import subprocess
    import sys

    import onnx

    from tests.conftest import run_cli

    node = helper.make_node("AveragePool", ["x"], ["y"], name="encoder/block_3/pool", kernel_shape=[2, 2, 2],
                            dilations=[2, 1, 2], strides=[1, 2, 1], pads=[1, 1, 1, 1, 1, 1])
    onnx.save(make_model([node], [("x", np.float32, [1, 2, 6, 7, 5])], [("y", None, None)], opset=19),
              tmp_path / "pool.onnx")
    result = run_cli("convert", tmp_path / "pool.onnx", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["max_abs_error"]["y"] < 1e-5
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--select",
                           "E,F,W,I,B,UP", "--line-length", "110", str(tmp_path / "out" / "model.py")],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout


def test_training_dropout_with_zero_ratio_keeps_everything():
    from tests.convert.helpers import check_against_onnxruntime

    node = helper.make_node("Dropout", ["x", "r", "t"], ["y", "mask"], name="drop", seed=0)
    inits = [const("r", np.array(0.0, np.float32)), const("t", np.array(True))]
    outputs = [("y", np.float32, [3, 4]), ("mask", np.bool_, [3, 4])]
    model = make_model([node], [("x", np.float32, [3, 4])], outputs, inits, opset=13)
    check_against_onnxruntime(model, atol=0.0)


def test_training_dropout_with_a_ratio_is_reported_unconverted():
    from mstool.toolkit.convert.graph import convert_graph
    from mstool.toolkit.convert.loader import load_onnx

    node = helper.make_node("Dropout", ["x", "r", "t"], ["y"], name="drop")
    inits = [const("r", np.array(0.3, np.float32)), const("t", np.array(True))]
    model = make_model([node], [("x", np.float32, [3, 4])], [("y", np.float32, [3, 4])], inits, opset=13)
    graph = convert_graph(load_onnx(model))
    assert [u.name for u in graph.unconverted] == ["drop"]


@pytest.mark.parametrize("keep_layout", [False, True])
@pytest.mark.parametrize(("mode", "pads"), [("wrap", [0, 1, 2, 3, 0, 2, 1, 4]),
                                            ("edge", [0, 0, 3, 1, 0, 0, 2, 5]),
                                            ("wrap", [0, 0, 7, 0, 0, 0, 0, 9])])
def test_wrap_and_wide_edge_padding_match_onnxruntime(mode, pads, keep_layout):
    from tests.convert.helpers import check_against_onnxruntime

    rng = np.random.default_rng(4)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("Pad", ["c", "pads"], ["y"], name="pad", mode=mode)]
    inits = [const("w", rng.standard_normal((3, 2, 1, 1)).astype(np.float32)),
             const("pads", np.array(pads, np.int64))]
    model = make_model(nodes, [("x", np.float32, [1, 2, 5, 4])], [("y", None, None)], inits, opset=19)
    check_against_onnxruntime(model, atol=1e-5, keep_layout=keep_layout)


@pytest.mark.parametrize("keep_layout", [False, True])
def test_training_mode_batch_norm_uses_batch_statistics(keep_layout):
    from mstool.toolkit.convert import onnx_to_keras_model

    rng = np.random.default_rng(5)
    f32 = np.float32
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("BatchNormalization", ["c", "s", "b", "m", "v"], ["y", "rm", "rv"], name="bn",
                              training_mode=1, momentum=0.8, epsilon=1e-3)]
    weights = {"w": rng.standard_normal((3, 2, 1, 1)).astype(f32), "s": rng.uniform(0.5, 2, 3).astype(f32),
               "b": rng.standard_normal(3).astype(f32), "m": rng.standard_normal(3).astype(f32),
               "v": rng.uniform(0.5, 2, 3).astype(f32)}
    outputs = [("y", f32, [2, 3, 4, 5]), ("rm", f32, [3]), ("rv", f32, [3])]
    model = make_model(nodes, [("x", f32, [2, 2, 4, 5])], outputs,
                       [const(n, v) for n, v in weights.items()], opset=15)
    x = rng.standard_normal((2, 2, 4, 5)).astype(f32)
    got = [np.asarray(g) for g in onnx_to_keras_model(model, keep_layout=keep_layout)(x)]
    # By hand: the batch statistics per channel of the convolution's output.
    c = np.einsum("oi,nihw->nohw", weights["w"][:, :, 0, 0], x)
    mu, var = c.mean(axis=(0, 2, 3)), c.var(axis=(0, 2, 3))
    y = (c - mu[:, None, None]) / np.sqrt(var[:, None, None] + 1e-3) * weights["s"][:, None, None]
    np.testing.assert_allclose(got[0], y + weights["b"][:, None, None], atol=1e-5)
    np.testing.assert_allclose(got[1], 0.8 * weights["m"] + 0.2 * mu, atol=1e-6)
    np.testing.assert_allclose(got[2], 0.8 * weights["v"] + 0.2 * var, atol=1e-6)
    for g, e in zip(got, reference(model, {"x": x}), strict=True):
        np.testing.assert_allclose(g, e, atol=1e-5)


@pytest.mark.parametrize("keep_layout", [False, True])
def test_grouped_conv_transpose_matches_onnxruntime(keep_layout):
    from tests.convert.helpers import check_against_onnxruntime

    rng = np.random.default_rng(6)
    node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], name="up", group=3, strides=[2, 2],
                            pads=[1, 0, 0, 1])
    inits = [const("w", rng.standard_normal((6, 2, 3, 3)).astype(np.float32)),
             const("b", rng.standard_normal(6).astype(np.float32))]
    model = make_model([node], [("x", np.float32, [2, 6, 5, 4])], [("y", None, None)], inits, opset=17)
    check_against_onnxruntime(model, atol=1e-5, keep_layout=keep_layout)


def test_gather_nd_with_two_batch_dims_matches_onnxruntime():
    from tests.convert.helpers import check_against_onnxruntime

    rng = np.random.default_rng(3)
    model = make_model([helper.make_node("GatherND", ["data", "idx"], ["out"], batch_dims=2)],
                       [("data", np.float32, [2, 3, 4, 5, 6]), ("idx", np.int64, [2, 3, 7, 2])],
                       [("out", np.float32, [2, 3, 7, 6])])
    feeds = {"data": rng.standard_normal((2, 3, 4, 5, 6)).astype(np.float32),
             "idx": np.stack([rng.integers(0, 4, (2, 3, 7)), rng.integers(0, 5, (2, 3, 7))], -1)}
    check_against_onnxruntime(model, feeds=feeds)


@pytest.mark.parametrize("mode", ["linear", "nearest"])
def test_resize_tf_crop_and_resize_with_extrapolation_matches_onnxruntime(mode):
    from tests.convert.helpers import check_against_onnxruntime

    # The roi reaches past the input on the last axis: those positions take extrapolation_value.
    roi = const("roi", np.array([0, 0, 0.2, 0.4, 1, 1, 0.9, 1.3], np.float32))
    sizes = const("sizes", np.array([1, 2, 4, 5], np.int64))
    node = helper.make_node("Resize", ["x", "roi", "", "sizes"], ["y"], mode=mode,
                            coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-3.0)
    model = make_model([node], [("x", np.float32, [1, 2, 6, 7])], [("y", np.float32, [1, 2, 4, 5])],
                       initializers=[roi, sizes])
    check_against_onnxruntime(model)
