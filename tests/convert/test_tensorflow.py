"""The TensorFlow side: Keras -> ONNX (tf2onnx) and frozen graph / SavedModel -> Keras, verified."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import run_cli


@pytest.fixture(scope="module")
def keras_model(tmp_path_factory):
    import keras

    folder = tmp_path_factory.mktemp("tf")
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.save(folder / "net.keras")
    return folder, model


def test_keras_to_onnx_is_verified_against_keras(keras_model):
    import onnxruntime as ort

    folder, model = keras_model
    result = run_cli("convert", folder / "net.keras", "--to", "onnx", "-o", folder / "onnx", "--json")
    assert result.exit_code == 0, result.stderr
    assert max(result.json()["max_abs_error"].values()) < 1e-5
    x = np.random.default_rng(1).standard_normal((2, 8, 8, 3)).astype(np.float32)
    session = ort.InferenceSession(str(folder / "onnx" / "model.onnx"))
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    np.testing.assert_allclose(got, np.asarray(model(x)), atol=1e-5)


def test_saved_model_and_frozen_graph_to_keras(keras_model):
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    folder, model = keras_model

    @tf.function(input_signature=[tf.TensorSpec((1, 8, 8, 3), tf.float32, name="x")])
    def serve(x):
        return {"y": model(x)}

    module = tf.Module()
    module.model = model
    tf.saved_model.save(module, str(folder / "saved"), signatures={"serving_default": serve})
    frozen = convert_variables_to_constants_v2(serve.get_concrete_function())
    (folder / "frozen.pb").write_bytes(frozen.graph.as_graph_def().SerializeToString())
    for source in ("saved", "frozen.pb"):
        result = run_cli("convert", folder / source, "-o", folder / f"{source}-keras", "--json",
                         "--trust-model")
        assert result.exit_code == 0, result.stderr
        assert max(result.json()["max_abs_error"].values()) < 1e-5
        assert (folder / f"{source}-keras" / "source.onnx").is_file()


@pytest.mark.parametrize("kind", ["saved", "frozen.pb"])
def test_tensorflow_graph_needs_trust_model(tmp_path, kind):
    # Refused before TensorFlow reads a byte: the content never matters.
    source = tmp_path / kind
    if kind == "saved":
        source.mkdir()
        (source / "saved_model.pb").write_bytes(b"\x08\x01")
    else:
        source.write_bytes(b"\x08\x01")
    result = run_cli("convert", source, "-o", tmp_path / "out")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--trust-model" in result.stderr and "arbitrary ops" in result.stderr
    assert not (tmp_path / "out").exists()
    result = run_cli("convert", source, "-o", tmp_path / "out", "--trust-model")
    assert result.exit_code == 2 and "not a readable TensorFlow" in result.stderr


def test_folder_that_is_not_a_saved_model(tmp_path):
    (tmp_path / "models").mkdir()
    result = run_cli("convert", tmp_path / "models", "-o", tmp_path / "out", "--trust-model")
    assert result.exit_code == 2 and "not a TensorFlow SavedModel" in result.stderr


def test_wrong_direction_and_bad_keras_file(tmp_path):
    (tmp_path / "bad.keras").write_text("not a zip")
    result = run_cli("convert", tmp_path / "bad.keras", "--to", "onnx", "-o", tmp_path / "o")
    assert result.exit_code == 2 and "bad.keras" in result.stderr
    result = run_cli("convert", tmp_path / "bad.keras", "-o", tmp_path / "o")
    assert result.exit_code == 2 and "--to onnx" in result.stderr
    (tmp_path / "m.onnx").write_bytes(b"")
    result = run_cli("convert", tmp_path / "m.onnx", "--to", "onnx", "-o", tmp_path / "o")
    assert result.exit_code == 2
