"""``mstool convert`` end to end: output folder, verification, standalone model.py, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper

from tests.conftest import run_cli
from tests.convert.helpers import const, make_model

F = np.float32


def small_model(path: Path, batch: str | int = "N", width: str | int = 8) -> Path:
    rng = np.random.default_rng(3)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv/1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("ReduceMean", ["r"], ["m"], name="mean", axes=[2, 3], keepdims=0),
             helper.make_node("Gemm", ["m", "fc"], ["y"], name="fc", transB=1)]
    inits = [const("w", rng.standard_normal((4, 3, 3, 3)).astype(F)),
             const("fc", rng.standard_normal((5, 4)).astype(F))]
    model = make_model(nodes, [("x", F, [batch, 3, 8, width])], [("y", F, [batch, 5])], inits)
    onnx.save(model, path)
    return path


def test_convert_writes_a_verified_standalone_keras_model(tmp_path):
    source = small_model(tmp_path / "net.onnx")
    out = tmp_path / "out"
    result = run_cli("convert", source, "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["status"] == "ok" and summary["unconverted"] == []
    assert summary["max_abs_error"]["y"] < 1e-4
    assert summary["dynamic_dims"] == [{"input": "x", "axis": 0, "name": "N", "kept": True, "value": None}]
    assert summary["dynamic_axes_kept"] == ["x[0] (N)"] and not summary["fixed_shape"]
    assert [r["case"] for r in summary["verification"]["outputs"]] == ["exported", "second"]
    assert summary["verification"]["cases"]["second"] == {"x": [3, 3, 8, 8]}
    for name in ("model.py", "model.weights.h5", "report.md", "report.json"):
        assert (out / name).is_file()
    text = (out / "model.py").read_text()
    assert "keras.layers.Conv2D(" in text and "conv_1 = " in text and "mstool" not in text
    report = json.loads((out / "report.json").read_text())
    assert {"onnx_op": "Conv", "keras": "keras.layers.Conv2D", "count": 1} in report["op_mapping"]

    # The folder alone (no mstool) rebuilds the model; its output matches onnxruntime.
    import onnxruntime as ort

    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(F)
    np.save(tmp_path / "x.npy", x)
    expected = ort.InferenceSession(str(source)).run(None, {"x": x})[0]
    script = ("import sys, numpy as np; sys.path.insert(0, sys.argv[1]); import model; "
              "m = model.build_model(); m.load_weights(sys.argv[1] + '/model.weights.h5'); "
              "np.save(sys.argv[2], np.asarray(m(np.load(sys.argv[3]))))")
    subprocess.run([sys.executable, "-c", script, str(out), str(tmp_path / "y.npy"), str(tmp_path / "x.npy")],
                   check=True, capture_output=True,
                   env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), expected, atol=1e-5)
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
                           "--select", "E,F,W,I,B,UP", "--line-length", "110", str(out / "model.py")],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout


def test_existing_output_needs_overwrite(tmp_path):
    source = small_model(tmp_path / "net.onnx")
    (tmp_path / "out").mkdir()
    result = run_cli("convert", source, "-o", tmp_path / "out", "--no-verify")
    assert result.exit_code == 2 and "--overwrite" in result.stderr


def test_not_onnx_file(tmp_path):
    path = tmp_path / "notes.onnx"
    path.write_text("hello, this is not a model\n")
    result = run_cli("convert", path, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "not an ONNX model" in result.stderr and "notes.onnx" in result.stderr
    assert not (tmp_path / "out").exists()


def test_truncated_protobuf(tmp_path):
    source = small_model(tmp_path / "net.onnx")
    data = source.read_bytes()
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(data[: len(data) // 2])
    result = run_cli("convert", cut, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "truncated" in result.stderr and "cut.onnx" in result.stderr


def test_checker_failure(tmp_path):
    nodes = [helper.make_node("Relu", ["missing"], ["y"], name="bad_relu")]
    model = make_model(nodes, [("x", F, [1, 3])], [("y", F, [1, 3])])
    onnx.save(model, tmp_path / "bad.onnx")
    result = run_cli("convert", tmp_path / "bad.onnx", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "onnx.checker" in result.stderr and "bad.onnx" in result.stderr


def test_custom_domain_names_the_node(tmp_path):
    nodes = [helper.make_node("FancyOp", ["x"], ["y"], name="my_fancy", domain="com.example")]
    model = make_model(nodes, [("x", F, [1, 3])], [("y", F, [1, 3])])
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    onnx.save(model, tmp_path / "custom.onnx")
    result = run_cli("convert", tmp_path / "custom.onnx", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "my_fancy" in result.stderr and "com.example" in result.stderr


def test_dynamic_width_stays_dynamic_unless_pinned(tmp_path):
    source = small_model(tmp_path / "net.onnx", width="W")
    result = run_cli("convert", source, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["dynamic_axes_kept"] == ["x[0] (N)", "x[3] (W)"]
    assert result.json()["verification"]["cases"]["second"] == {"x": [3, 3, 8, 11]}
    result = run_cli("convert", source, "-o", tmp_path / "out2", "--input-shape", "x=2,3,8,6", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["inputs"][0]["shape"] == [2, 3, 8, 6]


def test_unsupported_op_is_reported_and_exit_1(tmp_path):
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("NonZero", ["r"], ["d"], name="nonzero_positions"),
             helper.make_node("Neg", ["d"], ["y"], name="negate")]
    model = make_model(nodes, [("x", F, [2, 3, 3])], [("y", np.int64, [3, None])])
    onnx.save(model, tmp_path / "det.onnx")
    result = run_cli("convert", tmp_path / "det.onnx", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1 and "nonzero_positions" in result.stderr
    unconverted = result.json()["unconverted"]
    assert [u["name"] for u in unconverted] == ["nonzero_positions", "negate"]
    report = (tmp_path / "out" / "report.md").read_text()
    assert "nonzero_positions" in report and "no converter for NonZero" in report
    assert not (tmp_path / "out" / "model.py").exists()


def test_user_inputs_npz_and_shared_bert(tmp_path):
    from tests.conftest import shared_data

    folder = shared_data("convert")
    result = run_cli("convert", folder / "hf_bert_tiny.onnx", "-o", tmp_path / "bert", "--json",
                     "--inputs", folder / "hf_bert_tiny.io.npz", "--input-shape", "input_ids=2,16",
                     "--input-shape", "attention_mask=2,16", "--input-shape", "token_type_ids=2,16")
    assert result.exit_code == 0, result.stderr
    errors = result.json()["max_abs_error"]
    assert max(errors.values()) < 1e-4
    # The stored onnxruntime outputs agree with the converted model too.
    import sys as _sys

    from mstool.toolkit.convert.pipeline import load_generated_model
    data = np.load(folder / "hf_bert_tiny.io.npz")
    model = load_generated_model(tmp_path / "bert")
    got = model([data["in_input_ids"], data["in_attention_mask"], data["in_token_type_ids"]])
    np.testing.assert_allclose(np.asarray(got[0]), data["out_last_hidden_state"], atol=1e-4)
    assert _sys.modules  # keeps the import used


@pytest.mark.parametrize("text, expected", [("x=1,3,8,8", ("x", (1, 3, 8, 8))), ("1,16", (None, (1, 16)))])
def test_parse_input_shape(text, expected):
    from mstool.toolkit.convert.loader import parse_input_shape

    assert parse_input_shape(text) == expected


def test_bad_input_shape_text():
    from mstool.toolkit.convert.loader import parse_input_shape
    from mstool.toolkit.errors import InputError

    with pytest.raises(InputError, match="non-negative"):
        parse_input_shape("x=1,-2")


def test_bundled_recipe_with_overrides(tmp_path):
    from tests.conftest import REPO_ROOT

    recipe = REPO_ROOT / "recipes" / "convert_tiny_cnn.yaml"
    result = run_cli("convert", recipe, "--set", f"output={tmp_path / 'out'}", "--set", "verify.seed=3",
                     "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["verification"]["inputs"].endswith("(seed 3)")
    assert (tmp_path / "out" / "model.py").is_file()
    result = run_cli("convert", recipe, "--set", "verify.atoll=1")
    assert result.exit_code == 2 and "atoll" in result.stderr


def test_external_data_and_missing_external_file(tmp_path):
    model = onnx.load(small_model(tmp_path / "inline.onnx"))
    onnx.save(model, tmp_path / "ext.onnx", save_as_external_data=True, location="ext.weights",
              size_threshold=0)
    assert (tmp_path / "ext.weights").is_file()
    result = run_cli("convert", tmp_path / "ext.onnx", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["max_abs_error"]["y"] < 1e-4
    (tmp_path / "ext.weights").unlink()
    result = run_cli("convert", tmp_path / "ext.onnx", "-o", tmp_path / "out2")
    assert result.exit_code == 2 and "external data" in result.stderr and "ext.onnx" in result.stderr
