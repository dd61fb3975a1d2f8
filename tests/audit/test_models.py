"""Model formats: SavedModel, ONNX through onnxruntime (black-box fallback), probability outputs."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from mstool.toolkit.audit.models import Preprocess, check_compatible, load_classifier
from mstool.toolkit.errors import InputError
from tests.conftest import run_cli


def _onnx_linear(path, w, b, unusual_op: bool):
    """A softmax-regression ONNX model; ``unusual_op`` puts a Shrink (identity here) in front."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, first = [], "x"
    if unusual_op:
        nodes.append(helper.make_node("Shrink", ["x"], ["s"], lambd=0.0, bias=0.0))
        first = "s"
    nodes += [
        helper.make_node("Reshape", [first, "shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "w"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4, 4, 1])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", 3])],
        initializer=[
            numpy_helper.from_array(np.array([-1, 16], np.int64), "shape"),
            numpy_helper.from_array(w, "w"),
            numpy_helper.from_array(b, "b"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, path)


@pytest.fixture
def failing_convert(monkeypatch):
    """A converter that rejects the model, as mstool convert does for unsupported ops."""
    fake = types.ModuleType("mstool.toolkit.convert")

    def onnx_to_keras_model(path):
        raise InputError("unsupported op Shrink")

    fake.onnx_to_keras_model = onnx_to_keras_model
    monkeypatch.setitem(sys.modules, "mstool.toolkit.convert", fake)


def test_onnx_falls_back_to_black_box_with_a_warning(linear_model, tmp_path, failing_convert):
    _, w, b = linear_model
    path = tmp_path / "linear.onnx"
    _onnx_linear(path, w, b, unusual_op=True)
    x = np.random.default_rng(0).uniform(0, 1, (12, 4, 4, 1)).astype(np.float32)
    y = (x.reshape(12, -1) @ w + b).argmax(axis=1)
    with pytest.warns(UserWarning, match="black-box only"):
        clf = load_classifier(path, Preprocess())
    check_compatible(clf, x, y, "d")
    assert not clf.whitebox and clf.outputs == "logits"
    np.testing.assert_allclose(clf.logits(x), x.reshape(12, -1) @ w + b, rtol=1e-5, atol=1e-5)
    data = tmp_path / "d.npz"
    np.savez(data, x=x, y=y)
    res = run_cli(
        "--json",
        "audit",
        "--model",
        path,
        "--data",
        data,
        "--attack",
        "pgd",
        "--attack",
        "square",
        "--eps",
        "0.2",
        "--queries",
        "20",
        "-o",
        tmp_path / "o",
    )
    assert res.exit_code == 0, res.stderr
    assert "black-box" in res.stderr and "skipped white-box attack 'pgd'" in res.stderr
    doc = res.json()
    assert doc["clean_accuracy"] == 1.0 and not doc["whitebox"]
    assert [r["method"] for r in doc["results"]] == ["square"] and doc["results"][0]["queries"] > 0


def test_onnx_converted_by_mstool_convert_is_white_box(linear_model, tmp_path):
    """Supported ops: white-box through mstool convert, checked against onnxruntime and by hand."""
    _, w, b = linear_model
    path = tmp_path / "linear.onnx"
    _onnx_linear(path, w, b, unusual_op=False)
    x = np.random.default_rng(2).uniform(0.2, 0.8, (6, 4, 4, 1)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    clf = load_classifier(path, Preprocess())
    check_compatible(clf, x, y, "d")
    assert clf.whitebox
    np.testing.assert_allclose(clf.logits(x), x.reshape(6, -1) @ w + b, rtol=1e-5, atol=1e-5)
    z = x.reshape(6, -1) @ w + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    grad = (e / e.sum(axis=1, keepdims=True) - np.eye(3)[y]) @ w.T
    np.testing.assert_allclose(clf.loss_gradient(x, y).reshape(6, -1), grad, rtol=1e-4, atol=1e-6)


def test_savedmodel_matches_keras(linear_model, tmp_path):
    import keras

    path, w, b = linear_model
    keras.models.load_model(path).export(tmp_path / "sm", verbose=False)
    x = np.random.default_rng(1).uniform(0, 1, (5, 4, 4, 1)).astype(np.float32)
    clf = load_classifier(tmp_path / "sm", Preprocess(), trust_model=True)
    check_compatible(clf, x, np.zeros(5, int), "d")
    np.testing.assert_allclose(clf.logits(x), x.reshape(5, -1) @ w + b, rtol=1e-5, atol=1e-5)
    assert clf.whitebox and clf.model_format == "savedmodel"
    grad = clf.loss_gradient(x, np.zeros(5, int), "cw")
    z = x.reshape(5, -1) @ w + b
    other = np.where(z[:, 1] > z[:, 2], 1, 2)
    np.testing.assert_allclose(grad.reshape(5, -1), (w[:, other] - w[:, [0]]).T, rtol=1e-5, atol=1e-6)


def test_preprocess_mean_std_and_nchw():
    p = Preprocess(scale=2.0, mean=[1.0, 0.0], std=[2.0, 4.0], layout="NCHW")
    x = np.ones((1, 3, 3, 2), np.float32)
    out = p.apply_numpy(x)
    assert out.shape == (1, 2, 3, 3)
    np.testing.assert_allclose(out[0, :, 0, 0], [0.5, 0.5])


def _file_writing_savedmodel(folder, marker):
    """A tiny SavedModel whose serving function writes ``marker`` when it runs: a program."""
    import tensorflow as tf

    class Writer(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 8, 8, 1], tf.float32)])
        def serve(self, x):
            with tf.control_dependencies([tf.io.write_file(str(marker), "ran")]):
                return {"logits": tf.reshape(x, (-1, 64))[:, :10] * 1.0}

    module = Writer()
    tf.saved_model.save(module, str(folder), signatures={"serving_default": module.serve})


def test_savedmodel_needs_trust_and_says_why(digits_dir, tmp_path):
    marker = tmp_path / "PWNED"
    _file_writing_savedmodel(tmp_path / "sm", marker)
    args = ["audit", "--model", tmp_path / "sm", "--data", digits_dir / "digits.npz",
            "--attack", "fgsm", "--eps", "0.1", "--limit", "10", "-o", tmp_path / "o"]
    res = run_cli(*args)
    assert res.exit_code == 2
    assert "SavedModel is a program" in res.stderr and "--trust-model" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not marker.exists() and not (tmp_path / "o").exists()
    trusted = run_cli(*args, "--trust-model")
    assert trusted.exit_code == 0, trusted.stderr
    assert marker.exists()  # trusted, the program ran: the reason for the refusal above


def test_convert_output_folder_is_loaded_through_its_keras_file(linear_model, tmp_path):
    import shutil

    path, w, b = linear_model
    folder = tmp_path / "converted"
    folder.mkdir()
    (folder / "report.json").write_text("{}")
    shutil.copy(path, folder / "linear.keras")
    clf = load_classifier(folder, Preprocess())
    x = np.random.default_rng(3).uniform(0, 1, (4, 4, 4, 1)).astype(np.float32)
    np.testing.assert_allclose(clf.logits(x), x.reshape(4, -1) @ w + b, rtol=1e-5, atol=1e-5)


def test_convert_output_folder_without_keras_file_is_audited_white_box(linear_model, tmp_path):
    """`mstool convert` then `mstool audit` on its folder: model.py + weights, checked, then loaded."""
    _, w, b = linear_model
    _onnx_linear(tmp_path / "linear.onnx", w, b, unusual_op=False)
    folder = tmp_path / "converted"
    assert run_cli("convert", tmp_path / "linear.onnx", "-o", folder, "--no-verify").exit_code == 0
    assert not list(folder.glob("*.keras"))
    clf = load_classifier(folder, Preprocess())
    assert clf.whitebox and clf.model_format == "converted"
    x = np.random.default_rng(3).uniform(0, 1, (5, 4, 4, 1)).astype(np.float32)
    np.testing.assert_allclose(clf.logits(x), x.reshape(5, -1) @ w + b, rtol=1e-5, atol=1e-5)
    (folder / "model.py").write_text("open('PWNED', 'w').write('p')\n")  # an edited model.py
    with pytest.raises(InputError):
        load_classifier(folder, Preprocess())
    assert not (folder / "PWNED").exists() and not (tmp_path / "PWNED").exists()


def test_dlr_gradient_matches_finite_differences(tmp_path):
    import keras

    from mstool.toolkit.audit.losses import dlr_loss
    from tests.audit.conftest import linear_weights

    w, b = linear_weights(seed=5, classes=5)
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(5)])
    model.layers[-1].set_weights([w, b])
    model.save(tmp_path / "five.keras")
    clf = load_classifier(tmp_path / "five.keras", Preprocess())
    x = np.random.default_rng(4).uniform(0.2, 0.8, (3, 4, 4, 1))
    y, t = np.array([0, 1, 2]), np.array([1, 2, 4])
    for targets in (None, t):
        goal = y if targets is None else t
        grad = clf.loss_gradient(x.astype(np.float32), goal, "dlr", targets is not None, true_labels=y)

        def value(xx, targets=targets):
            return dlr_loss(xx.reshape(3, -1) @ w.astype(np.float64) + b, y, targets)

        h = 1e-4
        for pixel in (0, 7, 15):
            up, down = x.copy(), x.copy()
            up.reshape(3, -1)[:, pixel] += h
            down.reshape(3, -1)[:, pixel] -= h
            numeric = (value(up) - value(down)) / (2 * h)
            np.testing.assert_allclose(grad.reshape(3, -1)[:, pixel], numeric, rtol=1e-3, atol=1e-4)
