"""The ONNX loader on broken and unusual files: every failure is one InputError line, exit 2."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import helper

from mstool.toolkit.convert.loader import load_onnx
from mstool.toolkit.errors import InputError
from tests.conftest import run_cli
from tests.convert.helpers import make_model
from tests.convert.test_cli import small_model

F = np.float32


def assert_one_line_exit_2(result) -> None:
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error:")


@pytest.mark.parametrize("where", ["input", "output"])
def test_string_tensors_are_refused(tmp_path, where):
    if where == "input":
        nodes = [helper.make_node("Cast", ["s"], ["y"], to=onnx.TensorProto.FLOAT)]
        model = make_model(nodes, [("s", object, [2])], [("y", F, [2])])
    else:
        nodes = [helper.make_node("Cast", ["x"], ["s"], to=onnx.TensorProto.STRING)]
        model = make_model(nodes, [("x", F, [2])], [("s", object, [2])])
    onnx.save(model, tmp_path / "m.onnx")
    result = run_cli("convert", tmp_path / "m.onnx", "-o", tmp_path / "out")
    assert_one_line_exit_2(result)
    assert "strings" in result.stderr and not (tmp_path / "out").exists()


def test_sequence_input_is_refused(tmp_path):
    sequence = helper.make_tensor_sequence_value_info("s", onnx.TensorProto.FLOAT, [2])
    node = helper.make_node("SequenceAt", ["s", "i"], ["y"])
    graph = helper.make_graph([node], "g", [sequence], [helper.make_tensor_value_info("y", 1, [2])],
                              [onnx.numpy_helper.from_array(np.array(0, np.int64), "i")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "m.onnx")
    result = run_cli("convert", tmp_path / "m.onnx", "-o", tmp_path / "out")
    assert_one_line_exit_2(result)
    assert "not a tensor" in result.stderr


@pytest.mark.slow
def test_deep_chain_converts_and_its_model_py_imports(tmp_path):
    # Deeper than Python's default recursion limit (1000), which Keras' model building hits.
    depth = 1200
    nodes = [helper.make_node("Relu" if i % 2 else "Neg", [f"t{i}"], [f"t{i + 1}"], name=f"n{i}")
             for i in range(depth)]
    onnx.save(make_model(nodes, [("t0", F, [1, 4])], [(f"t{depth}", F, [1, 4])]), tmp_path / "deep.onnx")
    result = run_cli("convert", tmp_path / "deep.onnx", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["max_abs_error"][f"t{depth}"] == 0.0  # verification imported model.py
    assert "sys.setrecursionlimit(" in (tmp_path / "out" / "model.py").read_text()


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory):
    return small_model(tmp_path_factory.mktemp("fuzz") / "net.onnx").read_bytes()


def load_or_input_error(path) -> None:
    try:
        load_onnx(path)
    except InputError as err:
        assert "\n" not in err.render()


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_truncated_and_mutated_files_load_or_fail_with_input_error(model_bytes, tmp_path, data):
    blob = bytearray(model_bytes)
    if data.draw(st.booleans(), label="truncate"):
        blob = blob[:data.draw(st.integers(0, len(blob) - 1), label="length")]
    else:
        for _ in range(data.draw(st.integers(1, 8), label="flips")):
            blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "m.onnx"
    path.write_bytes(bytes(blob))
    load_or_input_error(path)


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=300))
def test_garbage_files_fail_with_input_error(tmp_path, blob):
    path = tmp_path / "m.onnx"
    path.write_bytes(blob)
    with pytest.raises(InputError):
        load_onnx(path)


def test_missing_external_data_is_one_line(tmp_path):
    from onnx.external_data_helper import convert_model_to_external_data

    weights = onnx.numpy_helper.from_array(np.ones((64, 64), F), "w")
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    model = make_model([node], [("x", F, [1, 64])], [("y", F, [1, 64])], [weights])
    convert_model_to_external_data(model, location="weights.bin", size_threshold=0)
    onnx.save(model, tmp_path / "m.onnx")
    (tmp_path / "weights.bin").unlink()
    assert_one_line_exit_2(run_cli("convert", tmp_path / "m.onnx", "-o", tmp_path / "out"))


@pytest.mark.parametrize("kind", ["npy", "pickle", "garbage"])
def test_bad_inputs_npz_is_one_line(tmp_path, kind):
    source = small_model(tmp_path / "net.onnx")
    path = tmp_path / "inputs.npz"
    if kind == "npy":
        with open(path, "wb") as handle:
            np.save(handle, np.ones((1, 3, 8, 8), F))
    elif kind == "pickle":
        np.savez(path, x=np.array([{"a": 1}], dtype=object))  # loading it would need pickle
    else:
        path.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_cli("convert", source, "-o", tmp_path / "out", "--inputs", path)
    assert_one_line_exit_2(result)
    assert "inputs.npz" in result.stderr and not (tmp_path / "out").exists()


def test_name_that_is_not_utf8_is_refused(tmp_path):
    node = helper.make_node("Relu", ["x"], ["y"], name="QQQQ")
    model = make_model([node], [("x", F, [2])], [("y", F, [2])])
    blob = model.SerializeToString()
    assert blob.count(b"QQQQ") == 1
    (tmp_path / "m.onnx").write_bytes(blob.replace(b"QQQQ", b"\xff\xfeQQ"))
    result = run_cli("convert", tmp_path / "m.onnx", "-o", tmp_path / "out")
    assert_one_line_exit_2(result)


def test_initializer_whose_data_does_not_fill_its_dims_is_refused(tmp_path):
    weights = onnx.numpy_helper.from_array(np.ones(3, F), "w")
    weights.raw_data = np.ones(27, F).tobytes()  # what a corrupted file can hold; the checker passes it
    node = helper.make_node("Add", ["x", "w"], ["y"])
    model = make_model([node], [("x", F, [3])], [("y", F, [3])], [weights])
    onnx.save(model, tmp_path / "m.onnx")
    result = run_cli("convert", tmp_path / "m.onnx", "-o", tmp_path / "out")
    assert_one_line_exit_2(result)
    assert "initializer 'w'" in result.stderr and not (tmp_path / "out").exists()
