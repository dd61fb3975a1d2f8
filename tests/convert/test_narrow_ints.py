"""INT4/UINT4/INT2/UINT2 tensors carried in int8/uint8: the values onnxruntime computes.

The intended semantics, checked against onnxruntime (the runtime users run) and stated here in
plain numpy so a test never depends on a library's changing cast rule (onnx's reference evaluator
follows ml_dtypes, whose rule for fractions and out-of-range values changed between releases):
a float is rounded half away from zero, then every integer wraps modulo ``2**bits`` into the type.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.convert.helpers import make_model

F = np.float32
NARROW = [(TensorProto.INT4, ml_dtypes.int4, np.int8), (TensorProto.UINT4, ml_dtypes.uint4, np.uint8),
          (TensorProto.INT2, ml_dtypes.int2, np.int8), (TensorProto.UINT2, ml_dtypes.uint2, np.uint8)]
BITS = {TensorProto.INT4: (4, True), TensorProto.UINT4: (4, False), TensorProto.INT2: (2, True),
        TensorProto.UINT2: (2, False)}
# Fractions, ties, negatives and values far outside every narrow range (they wrap modulo 2**bits).
VALUES = np.array([-100.3, -9.5, -8.0, -2.5, -2.7, -0.5, 0.0, 0.49999997, 0.9, 1.5, 2.5, 7.5, 9.5, 15.0,
                   100.3, -100.0, 33.5, -3.5, 8.0, 16.0, -17.0], F)


def intended(x, onnx_type):
    """Round half away from zero, then wrap into ``onnx_type``: written out, not taken from a library."""
    bits, signed = BITS[onnx_type]
    wide = np.asarray(x, np.float64)
    rounded = np.sign(wide) * np.floor(np.abs(wide) + 0.5)
    offset = 2 ** (bits - 1) if signed else 0
    return np.mod(rounded.astype(np.int64) + offset, 2**bits) - offset


def narrow_model(nodes, inputs, outputs, opset=25, initializers=()):
    """``inputs``/``outputs``: (name, ONNX element type, shape)."""
    graph = helper.make_graph(nodes, "narrow", [helper.make_tensor_value_info(*i) for i in inputs],
                              [helper.make_tensor_value_info(*o) for o in outputs], list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 11
    return model


def onnxruntime(model, feeds):
    """onnxruntime's outputs; narrow outputs come back in their carriers (it cannot hand them to numpy)."""
    import onnxruntime as ort

    from mstool.toolkit.convert.narrow import widen_narrow_outputs

    widened = widen_narrow_outputs(model)
    wide = widened[0] if widened else model
    return ort.InferenceSession(wide.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, feeds)


def test_intended_rule_spelled_out():
    assert intended([9.5, -9.5, 2.5, -2.5, 0.49999997, 100.0, 8.0], TensorProto.INT4).tolist() == [
        -6, 6, 3, -3, 0, 4, -8]
    assert intended([-1.0, 4.0, 5.5], TensorProto.UINT2).tolist() == [3, 0, 2]


@pytest.mark.parametrize("source", [TensorProto.FLOAT, TensorProto.FLOAT16])
@pytest.mark.parametrize(("onnx_type", "np_type", "carrier"), NARROW)
def test_cast_float_to_narrow_int_rounds_and_wraps(onnx_type, np_type, carrier, source):
    from mstool.toolkit.convert import onnx_to_keras_model

    node = helper.make_node("Cast", ["x"], ["y"], to=onnx_type)
    model = narrow_model([node], [("x", source, [len(VALUES)])], [("y", onnx_type, [len(VALUES)])])
    x = VALUES.astype(helper.tensor_dtype_to_np_dtype(source))
    got = np.asarray(onnx_to_keras_model(model)(x))
    assert got.dtype == carrier
    np.testing.assert_array_equal(got, onnxruntime(model, {"x": x})[0])
    np.testing.assert_array_equal(got, intended(x, onnx_type))


@pytest.mark.parametrize(("onnx_type", "np_type", "carrier"), NARROW)
def test_constant_cast_to_narrow_int_folds_to_the_same_values(onnx_type, np_type, carrier):
    from mstool.toolkit.convert import onnx_to_keras_model

    nodes = [helper.make_node("Cast", ["w"], ["q"], to=onnx_type),
             helper.make_node("Cast", ["q"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["x", "f"], ["y"])]
    n = len(VALUES)
    model = narrow_model(nodes, [("x", TensorProto.FLOAT, [n])], [("y", TensorProto.FLOAT, [n])],
                         initializers=[numpy_helper.from_array(VALUES, "w")])
    x = np.linspace(-2, 2, n, dtype=F)
    got = np.asarray(onnx_to_keras_model(model)(x))
    np.testing.assert_array_equal(got, onnxruntime(model, {"x": x})[0])
    np.testing.assert_array_equal(got, x * intended(VALUES, onnx_type).astype(F))


@pytest.mark.parametrize(("onnx_type", "np_type", "carrier"), NARROW)
def test_narrow_int_input_casts_out_with_its_values(onnx_type, np_type, carrier):
    from mstool.toolkit.convert import onnx_to_keras_model

    nodes = [helper.make_node("Cast", ["q"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["f", "s"], ["y"])]
    model = narrow_model(nodes, [("q", onnx_type, [2, 6]), ("s", TensorProto.FLOAT, [2, 6])],
                         [("y", TensorProto.FLOAT, [2, 6])])
    # Every value of the type, as its carrier (onnxruntime cannot take a narrow numpy input, so it
    # gets the carrier and an exact in-range cast into the narrow type in front of the same graph).
    info = ml_dtypes.iinfo(np_type)
    q = np.resize(np.arange(int(info.min), int(info.max) + 1), 12).reshape(2, 6).astype(carrier)
    s = np.linspace(-1, 2, 12, dtype=F).reshape(2, 6)
    got = np.asarray(onnx_to_keras_model(model)([q, s]))
    np.testing.assert_array_equal(got, q.astype(F) * s)  # casting out of a narrow type is exact
    carrier_type = helper.np_dtype_to_tensor_dtype(np.dtype(carrier))
    fed = narrow_model([helper.make_node("Cast", ["qc"], ["q"], to=onnx_type), *nodes],
                       [("qc", carrier_type, [2, 6]), ("s", TensorProto.FLOAT, [2, 6])],
                       [("y", TensorProto.FLOAT, [2, 6])])
    np.testing.assert_array_equal(got, onnxruntime(fed, {"qc": q, "s": s})[0])


def test_castlike_takes_the_narrow_type_of_its_second_input():
    from onnx import numpy_helper

    from mstool.toolkit.convert import onnx_to_keras_model

    node = helper.make_node("CastLike", ["x", "like"], ["y"])
    like = numpy_helper.from_array(np.zeros(1, ml_dtypes.uint2), "like")
    model = narrow_model([node], [("x", TensorProto.FLOAT, [len(VALUES)])],
                         [("y", TensorProto.UINT2, [len(VALUES)])])
    model.graph.initializer.append(like)
    got = np.asarray(onnx_to_keras_model(model)(VALUES))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, onnxruntime(model, {"x": VALUES})[0])


def test_plain_int8_cast_is_not_wrapped():
    from mstool.toolkit.convert import onnx_to_keras_model

    node = helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT8)
    model = make_model([node], [("x", F, [len(VALUES)])], [("y", np.int8, [len(VALUES)])])
    got = np.asarray(onnx_to_keras_model(model)(VALUES))
    np.testing.assert_array_equal(got, VALUES.astype(np.int8))


def test_cli_verifies_an_int4_output_against_onnxruntime(tmp_path):
    import subprocess
    import sys

    import onnx

    from tests.conftest import run_cli

    nodes = [helper.make_node("Mul", ["x", "k"], ["s"]),
             helper.make_node("Cast", ["s"], ["q"], name="quantise", to=TensorProto.INT4),
             helper.make_node("Cast", ["q"], ["y"], to=TensorProto.FLOAT)]
    model = narrow_model(nodes, [("x", TensorProto.FLOAT, [4, 16]), ("k", TensorProto.FLOAT, [1])],
                         [("y", TensorProto.FLOAT, [4, 16]), ("q", TensorProto.INT4, [4, 16])], opset=21)
    model.ir_version = 10
    onnx.save(model, tmp_path / "q.onnx")
    np.savez(tmp_path / "in.npz", x=np.linspace(-12, 12, 64, dtype=F).reshape(4, 16), k=np.array([1.25], F))
    result = run_cli("convert", tmp_path / "q.onnx", "-o", tmp_path / "out", "--inputs", tmp_path / "in.npz",
                     "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["status"] == "ok" and summary["max_abs_error"] == {"y": 0.0, "q": 0.0}
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--select",
                           "E,F,W,I,B,UP", "--line-length", "110", str(tmp_path / "out" / "model.py")],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout


@pytest.mark.parametrize("onnx_type", [TensorProto.FLOAT8E4M3FNUZ, TensorProto.FLOAT8E5M2FNUZ,
                                       TensorProto.FLOAT8E8M0, TensorProto.FLOAT4E2M1])
def test_small_floats_keras_lacks_are_read_exactly_into_float32(onnx_type):
    from onnx import numpy_helper

    from mstool.toolkit.convert import onnx_to_keras_model

    np_type = helper.tensor_dtype_to_np_dtype(onnx_type)
    nodes = [helper.make_node("Cast", ["q"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Cast", ["w"], ["wf"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["f", "wf"], ["y"])]
    model = narrow_model(nodes, [("q", onnx_type, [2, 5])], [("y", TensorProto.FLOAT, [2, 5])])
    weights = np.linspace(0.25, 4, 10, dtype=F).reshape(2, 5).astype(np_type)
    model.graph.initializer.append(numpy_helper.from_array(weights, "w"))
    q = np.array([[0.5, 1.0, 2.0, 3.0, 0.75], [0.125, 4.0, 6.0, 1.5, 0.25]], F).astype(np_type)
    got = np.asarray(onnx_to_keras_model(model)(q.astype(F)))
    # Every value of these types is exact in float32, so the product is the float32 product.
    np.testing.assert_array_equal(got, q.astype(F) * weights.astype(F))


# What ONNX's Cast spec says for float8 (and onnxruntime does): round to nearest even; with
# saturate=1 out-of-range values and infinities clip to +-max; with saturate=0 they become NaN
# (E4M3FN has no infinity) or +-inf (E5M2); NaN stays NaN.
FLOAT8_X = np.array([0.0, -0.3, 1.7, 447.0, 449.0, 500.0, -1e6, 6e4, 7e4, np.inf, -np.inf, np.nan, 1e-7], F)
FLOAT8_EXPECTED = {
    (TensorProto.FLOAT8E4M3FN, 1): [0.0, -0.3125, 1.75, 448.0, 448.0, 448.0, -448.0, 448.0, 448.0, 448.0,
                                    -448.0, np.nan, 0.0],
    (TensorProto.FLOAT8E4M3FN, 0): [0.0, -0.3125, 1.75, 448.0, 448.0, np.nan, np.nan, np.nan, np.nan, np.nan,
                                    np.nan, np.nan, 0.0],
    (TensorProto.FLOAT8E5M2, 1): [0.0, -0.3125, 1.75, 448.0, 448.0, 512.0, -57344.0, 57344.0, 57344.0,
                                  57344.0, -57344.0, np.nan, 0.0],
    (TensorProto.FLOAT8E5M2, 0): [0.0, -0.3125, 1.75, 448.0, 448.0, 512.0, -np.inf, 57344.0, np.inf, np.inf,
                                  -np.inf, np.nan, 0.0],
}


@pytest.mark.parametrize("saturate", [1, 0])
@pytest.mark.parametrize("onnx_type", [TensorProto.FLOAT8E4M3FN, TensorProto.FLOAT8E5M2])
def test_float8_casts_saturate_as_onnx_says(onnx_type, saturate):
    from mstool.toolkit.convert import onnx_to_keras_model

    node = helper.make_node("Cast", ["x"], ["y"], to=onnx_type, saturate=saturate)
    model = narrow_model([node], [("x", TensorProto.FLOAT, [len(FLOAT8_X)])],
                         [("y", onnx_type, [len(FLOAT8_X)])], opset=21)
    model.ir_version = 10
    got = np.asarray(onnx_to_keras_model(model)(FLOAT8_X)).astype(F)
    np.testing.assert_array_equal(got, np.array(FLOAT8_EXPECTED[onnx_type, saturate], F))
    # onnxruntime computes the same (read back through a Cast to float32, which is exact).
    n = len(FLOAT8_X)
    back = narrow_model([node, helper.make_node("Cast", ["y"], ["z"], to=TensorProto.FLOAT)],
                        [("x", TensorProto.FLOAT, [n])], [("z", TensorProto.FLOAT, [n])], opset=21)
    back.ir_version = 10
    np.testing.assert_array_equal(got, onnxruntime(back, {"x": FLOAT8_X})[0])
