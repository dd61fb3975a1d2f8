"""Dynamic batch and sequence: models built here, converted once, run at several shapes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper

from tests.conftest import run_cli
from tests.convert.helpers import const, make_model

F, I64 = np.float32, np.int64


def attention_like(path=None):
    """Token ids [batch, seq] -> embeddings + positions -> heads split by a computed reshape -> back.

    Shape -> Gather -> Concat feeds Reshape, Range gives position ids, ConstantOfShape a mask,
    Expand broadcasts a class row over the batch, Flatten and a Slice over the batch close it.
    """
    rng = np.random.default_rng(0)
    nodes = [
        helper.make_node("Gather", ["table", "ids"], ["emb"], name="embed"),
        helper.make_node("Shape", ["ids"], ["ids_shape"]),
        helper.make_node("Gather", ["ids_shape", "zero"], ["batch"], axis=0),
        helper.make_node("Gather", ["ids_shape", "one"], ["seq"], axis=0),
        helper.make_node("Range", ["zero", "seq", "one"], ["positions"], name="positions"),
        helper.make_node("Gather", ["pos_table", "positions"], ["pos"], name="pos_embed"),
        helper.make_node("Add", ["emb", "pos"], ["h"], name="add_pos"),
        helper.make_node("Unsqueeze", ["batch", "zero_axis"], ["b1"]),
        helper.make_node("Unsqueeze", ["seq", "zero_axis"], ["s1"]),
        helper.make_node("Concat", ["b1", "s1", "heads"], ["split_shape"], axis=0),
        helper.make_node("Reshape", ["h", "split_shape"], ["split"], name="split_heads"),
        helper.make_node("Transpose", ["split"], ["t"], perm=[0, 2, 1, 3]),
        helper.make_node("Transpose", ["t"], ["u"], perm=[0, 2, 1, 3]),
        helper.make_node("Concat", ["b1", "s1", "width"], ["merge_shape"], axis=0),
        helper.make_node("Reshape", ["u", "merge_shape"], ["merged"], name="merge_heads"),
        helper.make_node("Concat", ["b1", "s1"], ["mask_shape"], axis=0),
        helper.make_node("ConstantOfShape", ["mask_shape"], ["mask"], name="mask",
                         value=helper.make_tensor("v", onnx.TensorProto.FLOAT, [1], [2.0])),
        helper.make_node("Unsqueeze", ["mask", "last_axis"], ["mask3"]),
        helper.make_node("Mul", ["merged", "mask3"], ["masked"], name="apply_mask"),
        helper.make_node("Concat", ["b1", "one_1", "width"], ["cls_shape"], axis=0),
        helper.make_node("Expand", ["cls", "cls_shape"], ["cls_rows"], name="expand_cls"),
        helper.make_node("Concat", ["cls_rows", "masked"], ["with_cls"], axis=1, name="prepend_cls"),
        helper.make_node("Flatten", ["with_cls"], ["flat"], axis=2, name="flatten"),
        helper.make_node("Gather", ["with_cls", "zero"], ["first_token"], axis=1, name="first_token"),
    ]
    inits = [const("table", rng.standard_normal((50, 8)).astype(F)),
             const("pos_table", rng.standard_normal((40, 8)).astype(F)),
             const("cls", rng.standard_normal((1, 1, 8)).astype(F)),
             const("zero", np.array(0, I64)), const("one", np.array(1, I64)),
             const("zero_axis", np.array([0], I64)), const("last_axis", np.array([2], I64)),
             const("heads", np.array([2, 4], I64)), const("width", np.array([8], I64)),
             const("one_1", np.array([1], I64))]
    model = make_model(nodes, [("ids", I64, ["batch", "sequence"])],
                       [("flat", F, [None, None]), ("first_token", F, [None, 8])], inits)
    if path is not None:
        onnx.save(model, path)
    return model


def run_both(model, keras_model, ids):
    expected = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(
        None, {"ids": ids})
    got = keras_model(ids)
    for e, g in zip(expected, got, strict=True):
        np.testing.assert_allclose(np.asarray(g), e, atol=1e-5)


def test_one_conversion_runs_at_any_batch_and_sequence():
    from mstool.toolkit.convert import onnx_to_keras_model

    model = attention_like()
    keras_model = onnx_to_keras_model(model)
    assert tuple(keras_model.inputs[0].shape) == (None, None)
    rng = np.random.default_rng(1)
    for batch, seq in [(1, 16), (3, 11), (4, 2)]:
        run_both(model, keras_model, rng.integers(0, 40, (batch, seq)).astype(I64))


def test_flatten_and_reshape_keep_a_dynamic_batch():
    from tests.convert.helpers import check_against_onnxruntime, random_feeds

    rng = np.random.default_rng(2)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Flatten", ["c"], ["f"]),
             helper.make_node("Reshape", ["f", "target"], ["r"]),
             helper.make_node("Slice", ["r", "starts", "ends", "axes"], ["y"])]
    inits = [const("w", rng.standard_normal((4, 3, 3, 3)).astype(F)),
             const("target", np.array([-1, 4, 16], I64)),
             const("starts", np.array([0], I64)), const("ends", np.array([2**62], I64)),
             const("axes", np.array([0], I64))]
    model = make_model(nodes, [("x", F, ["N", 3, 4, 4])], [("y", F, [None, 4, 16])], inits)
    for batch in (1, 5):
        feeds = {"x": random_feeds(model)["x"].repeat(batch, axis=0)}
        check_against_onnxruntime(model, feeds=feeds)


def test_whisper_style_strided_conv1d_with_explicit_pads():
    from tests.convert.helpers import check_against_onnxruntime

    rng = np.random.default_rng(3)
    nodes = [helper.make_node("Conv", ["x", "w1"], ["a"], pads=[1, 1], kernel_shape=[3]),
             helper.make_node("Conv", ["a", "w2"], ["y"], pads=[1, 1], strides=[2], kernel_shape=[3])]
    inits = [const("w1", rng.standard_normal((6, 5, 3)).astype(F)),
             const("w2", rng.standard_normal((6, 6, 3)).astype(F))]
    model = make_model(nodes, [("x", F, ["batch", 5, 20])], [("y", F, [None, 6, 10])], inits)
    x = rng.standard_normal((2, 5, 20)).astype(F)
    check_against_onnxruntime(model, feeds={"x": x})


def test_names_are_kept_and_sanitised_only_where_keras_requires():
    from mstool.toolkit.convert import onnx_to_keras_model

    nodes = [helper.make_node("Relu", ["pixel_values"], ["last_hidden_state"]),
             helper.make_node("Neg", ["pixel_values"], ["logits:0"])]
    model = make_model(nodes, [("pixel_values", F, ["batch", 4])],
                       [("last_hidden_state", F, ["batch", 4]), ("logits:0", F, ["batch", 4])])
    keras_model = onnx_to_keras_model(model)
    assert [t.name for t in keras_model.inputs] == ["pixel_values"]
    assert list(keras_model.output_names) == ["last_hidden_state", "logits_0"]


def test_pinned_shape_is_reported_fixed_and_bad_pins_are_refused(tmp_path):
    path = tmp_path / "attn.onnx"
    attention_like(path)
    result = run_cli("convert", path, "-o", tmp_path / "pinned", "--input-shape", "ids=2,5", "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["fixed_shape"] and summary["dynamic_axes_kept"] == []
    assert "fixed to 2 by --input-shape" in (tmp_path / "pinned" / "report.md").read_text()
    result = run_cli("convert", path, "-o", tmp_path / "o", "--input-shape", "tokens=2,5")
    assert result.exit_code == 2 and "'tokens'" in result.stderr and "attn.onnx" in result.stderr
    result = run_cli("convert", path, "-o", tmp_path / "o", "--input-shape", "ids=2,5,1")
    assert result.exit_code == 2 and "3 dims" in result.stderr
    assert not (tmp_path / "o").exists()


def test_verification_runs_two_shapes_and_keras_file_loads_without_mstool(tmp_path):
    path = tmp_path / "attn.onnx"
    attention_like(path)
    out = tmp_path / "out"
    result = run_cli("convert", path, "-o", out, "--format", "keras", "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["dynamic_axes_kept"] == ["ids[0] (batch)", "ids[1] (sequence)"]
    cases = summary["verification"]["cases"]
    assert cases == {"exported": {"ids": [1, 16]}, "second": {"ids": [3, 11]}}
    assert (out / "model.keras").is_file() and "Constant(" not in (out / "model.py").read_text()

    ids = np.random.default_rng(5).integers(0, 40, (2, 9)).astype(I64)
    np.save(tmp_path / "ids.npy", ids)
    expected = ort.InferenceSession(str(path)).run(None, {"ids": ids})
    # A fresh interpreter where importing mstool fails: the .keras file is plain Keras.
    script = ("import sys; sys.modules['mstool'] = None; import keras, numpy as np; "
              "m = keras.saving.load_model(sys.argv[1]); out = m(np.load(sys.argv[2])); "
              "np.savez(sys.argv[3], *[np.asarray(o) for o in out]); print(list(m.output_names))")
    done = subprocess.run([sys.executable, "-c", script, str(out / "model.keras"), str(tmp_path / "ids.npy"),
                           str(tmp_path / "got.npz")], capture_output=True, text=True,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "['flat', 'first_token']"
    got = np.load(tmp_path / "got.npz")
    for k, e in enumerate(expected):
        np.testing.assert_allclose(got[f"arr_{k}"], e, atol=1e-5)


def test_inputs_follow_the_model_range():
    from mstool.toolkit.convert.loader import load_onnx
    from mstool.toolkit.convert.verify import input_ranges, make_inputs

    nodes = [helper.make_node("Mul", ["image", "scale"], ["scaled"]),
             helper.make_node("Gather", ["table", "ids"], ["e"]),
             helper.make_node("Cast", ["attention_mask"], ["m"], to=1)]
    inits = [const("scale", np.array(1 / 255, F)), const("table", np.zeros((30, 2), F))]
    model = make_model(nodes, [("image", F, ["b", 4]), ("ids", I64, ["b", "s"]),
                               ("attention_mask", I64, ["b", "s"])],
                       [("scaled", F, [None, 4]), ("e", F, [None, None, 2]), ("m", F, [None, None])], inits)
    loaded = load_onnx(model)
    assert input_ranges(loaded) == {"image": ("uniform", 0.0, 255.0), "ids": ("integers", 0, 30),
                                    "attention_mask": ("ones", 1, 1)}
    feeds = make_inputs(loaded, case="second")
    assert feeds["image"].shape == (3, 4) and feeds["ids"].shape == (3, 11) and feeds["image"].max() > 10
    assert feeds["ids"].max() < 30 and (feeds["attention_mask"] == 1).all()


def test_tolerance_scales_with_the_output_magnitude():
    from mstool.toolkit.convert.verify import compare

    reference = {"y": np.array([1000.0, -800.0, 0.5], F)}
    rounded = {"y": np.array([1000.00006, -800.00005, 0.50002], F)}
    assert compare(reference, rounded, 1e-4, 1e-3)[0]["passed"]
    assert not compare(reference, {"y": np.array([1000.0, -800.0, 0.6], F)}, 1e-4, 0.0)[0]["passed"]


def test_output_folder_round_trips_to_onnx_and_bad_folders_are_refused(tmp_path):
    from mstool.toolkit.convert import load_converted
    from mstool.toolkit.errors import InputError

    path = tmp_path / "attn.onnx"
    attention_like(path)
    out = tmp_path / "out"
    assert run_cli("convert", path, "-o", out, "--no-verify").exit_code == 0
    assert tuple(load_converted(out).inputs[0].shape) == (None, None)
    result = run_cli("convert", out, "--to", "onnx", "-o", tmp_path / "back", "--json")
    assert result.exit_code == 0, result.stderr
    verification = result.json()["verification"]
    assert str(path) in verification["reference"] and verification["passed"]
    assert {r["case"] for r in verification["outputs"]} == {"exported", "second"}
    back = onnx.load(tmp_path / "back" / "model.onnx")
    assert [i.name for i in back.graph.input] == ["ids"]

    (out / "model.weights.h5").unlink()
    with pytest.raises(InputError, match="model.weights.h5 is missing"):
        load_converted(out)
    result = run_cli("convert", out, "--to", "onnx", "-o", tmp_path / "again")
    assert result.exit_code == 2 and "model.weights.h5" in result.stderr
    (out / "model.weights.h5").write_bytes(b"not hdf5")
    with pytest.raises(InputError, match="weights do not match"):
        load_converted(out)
    text = (out / "model.py").read_text()
    planted = text.replace("    return keras.Model", "    open('PWNED', 'w')\n    return keras.Model")
    (out / "model.py").write_text(planted)
    with pytest.raises(InputError, match="not plain converted code"):
        load_converted(out)
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()
    assert json.loads((out / "report.json").read_text())["status"] == "ok"


def test_second_shape_the_model_itself_refuses_is_reported_not_failed(tmp_path):
    nodes = [helper.make_node("Reshape", ["x", "rows"], ["y"])]
    model = make_model(nodes, [("x", F, ["N", "W"])], [("y", F, [None, 16])],
                       [const("rows", np.array([-1, 16], I64))])
    onnx.save(model, tmp_path / "rows.onnx")
    result = run_cli("convert", tmp_path / "rows.onnx", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    verification = result.json()["verification"]
    assert "onnxruntime refused" in verification["skipped_cases"]["second"]
    assert [r["case"] for r in verification["outputs"]] == ["exported"] and verification["passed"]
    assert "Case second not run" in (tmp_path / "out" / "report.md").read_text()
