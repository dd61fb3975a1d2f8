"""Your own Keras model (.keras file or convert output folder), fine-tuning and frozen layers."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.schemas.train import TrainRecipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.train.launcher import launch_local
from mstool.toolkit.train.loop import train
from tests.conftest import run_cli
from tests.train.helpers import checkpoint_weights, max_abs_diff


def _easy_npz(path, count: int = 128):
    """Four classes told apart by which quadrant is bright: learnable in a few steps."""
    rng = np.random.default_rng(0)
    labels = np.arange(count) % 4
    images = rng.random((count, 8, 8, 1), dtype=np.float32) * 0.2
    for index, label in enumerate(labels):
        row, col = divmod(int(label), 2)
        images[index, 4 * row:4 * row + 4, 4 * col:4 * col + 4] += 0.8
    np.savez(path, x=images, y=labels)
    return str(path)


def _user_model(path, classes: int = 4, softmax: bool = False, lambda_layer: bool = False):
    """A small functional CNN as a user would write and save it (no mstool import)."""
    import keras

    keras.utils.set_random_seed(1)
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="features_conv")(inputs)
    if lambda_layer:
        x = keras.layers.Lambda(lambda t: t * 2.0)(x)
    x = keras.layers.Flatten(name="features_flat")(x)
    outputs = keras.layers.Dense(classes, activation="softmax" if softmax else None, name="head")(x)
    keras.Model(inputs, outputs).save(path)
    return str(path)


def _recipe(tmp_path, model: dict, **run) -> TrainRecipe:
    settings = {"epochs": 3, "batch_size": 16}
    settings.update(run)
    return TrainRecipe.model_validate({
        "data": {"train": _easy_npz(tmp_path / "easy.npz"), "val_split": 0.25, "shuffle_buffer": 128},
        "model": model, "optimizer": {"lr": 0.03}, "run": settings})


def test_own_keras_model_trains_eager_and_graph_to_the_same_weights(tmp_path):
    model = {"path": _user_model(tmp_path / "mine.keras")}
    graph = train(_recipe(tmp_path, model), tmp_path / "graph", export=False)
    train(_recipe(tmp_path, model, mode="eager"), tmp_path / "eager", export=False)
    assert graph.val_accuracy >= 0.9
    a, b = (checkpoint_weights(tmp_path / run / "checkpoint.h5") for run in ("graph", "eager"))
    assert max_abs_diff(a, b) < 1e-5
    import keras

    saved = keras.models.load_model(graph.paths["keras"])
    assert [layer.name for layer in saved.layers][-1] == "head"


def test_model_ending_in_softmax_learns_from_its_probabilities(tmp_path):
    summary = train(_recipe(tmp_path, {"path": _user_model(tmp_path / "soft.keras", softmax=True)}),
                    tmp_path / "out", export=False)
    assert summary.val_accuracy >= 0.9 and summary.val_loss < np.log(4)


def test_convert_output_folder_with_one_keras_file_is_accepted(tmp_path):
    folder = tmp_path / "converted"
    folder.mkdir()
    _user_model(folder / "net.keras")
    (folder / "net.onnx").write_bytes(b"")
    summary = train(_recipe(tmp_path, {"path": str(folder)}, epochs=1), tmp_path / "out", export=False)
    assert summary.steps == 6


def test_folder_without_a_keras_file_is_bad_input(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \*\.keras file") as err:
        train(_recipe(tmp_path, {"path": str(tmp_path / "empty")}), tmp_path / "out", export=False)
    assert err.value.where == str(tmp_path / "empty")


def test_lambda_layer_is_refused_from_the_command_line(tmp_path):
    path = _user_model(tmp_path / "code.keras", lambda_layer=True)
    result = run_cli("train", "--data", _easy_npz(tmp_path / "easy.npz"), "--model", path,
                     "-o", tmp_path / "out", "--no-onnx")
    assert result.exit_code == 2 and "Lambda" in result.stderr and "code.keras" in result.stderr
    assert not (tmp_path / "out" / "checkpoint.h5").exists()


def test_output_size_that_does_not_match_the_classes_is_bad_input(tmp_path):
    path = _user_model(tmp_path / "three.keras", classes=3)
    with pytest.raises(InputError, match=r"output shape is \(3,\), the data has 4 classes"):
        train(_recipe(tmp_path, {"path": path}), tmp_path / "out", export=False)


def test_fine_tuning_from_saved_weights_keeps_frozen_layers_fixed(tmp_path):
    model = {"path": _user_model(tmp_path / "mine.keras")}
    first = train(_recipe(tmp_path, model, epochs=1), tmp_path / "first", export=False)
    tuned = dict(model, init_weights=first.paths["weights"], freeze=["features"])
    second = train(_recipe(tmp_path, tuned, epochs=1), tmp_path / "second", export=False)
    import keras

    before = keras.models.load_model(first.paths["keras"])
    after = keras.models.load_model(second.paths["keras"])
    conv_before, conv_after = (m.get_layer("features_conv").get_weights() for m in (before, after))
    assert max_abs_diff(conv_before, conv_after) == 0.0
    head_before, head_after = (m.get_layer("head").get_weights() for m in (before, after))
    assert max_abs_diff(head_before, head_after) > 0.0


def test_weights_that_do_not_fit_and_prefixes_that_match_nothing_are_bad_input(tmp_path):
    other = _user_model(tmp_path / "other.keras", classes=3)
    model = {"path": _user_model(tmp_path / "mine.keras")}
    with pytest.raises(InputError, match="head") as err:
        train(_recipe(tmp_path, dict(model, init_weights=other)), tmp_path / "a", export=False)
    assert "weights do not fit" in str(err.value)
    with pytest.raises(InputError, match="prefix 'backbone' matches no layer"):
        train(_recipe(tmp_path, dict(model, freeze=["backbone"])), tmp_path / "b", export=False)


@pytest.mark.slow
def test_own_model_on_two_workers_matches_one_worker_at_twice_the_batch(tmp_path):
    recipe = _recipe(tmp_path, {"path": _user_model(tmp_path / "mine.keras")}, max_steps=3)
    summary = launch_local(recipe, tmp_path / "two", 2, export=False)
    assert summary.replicas == 2 and summary.steps == 3
    train(recipe, tmp_path / "one", export=False)
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    assert max_abs_diff(one, checkpoint_weights(tmp_path / "two" / "checkpoint.h5")) < 1e-5


def test_own_model_resumes_to_the_uninterrupted_weights(tmp_path):
    recipe = _recipe(tmp_path, {"path": _user_model(tmp_path / "mine.keras")}, max_steps=7)
    train(recipe, tmp_path / "whole", export=False)
    train(recipe, tmp_path / "parts", export=False, until_step=3)
    train(recipe, tmp_path / "parts", export=False, resume=True)
    a, b = (checkpoint_weights(tmp_path / run / "checkpoint.h5") for run in ("whole", "parts"))
    assert max_abs_diff(a, b) == 0.0


def test_command_line_fine_tuning_with_tensorboard(tmp_path):
    path = _user_model(tmp_path / "mine.keras")
    data = _easy_npz(tmp_path / "easy.npz")
    first = run_cli("--json", "train", "--data", data, "--model", path, "--epochs", "1", "-o", tmp_path / "a",
                    "--no-onnx")
    assert first.exit_code == 0, first.stderr
    weights = first.json()["paths"]["weights"]
    second = run_cli("--json", "train", "--data", data, "--model", path, "--init-weights", weights,
                     "--set", "model.freeze=[features]", "--tensorboard", tmp_path / "tb", "--epochs", "1",
                     "-o", tmp_path / "b", "--no-onnx")
    assert second.exit_code == 0, second.stderr
    summary = second.json()
    assert summary["paths"]["tensorboard"] == str(tmp_path / "tb") and any((tmp_path / "tb").iterdir())
    assert summary["paths"]["csv_log"] == str(tmp_path / "b" / "training-log.csv")
    missing = run_cli("train", "--data", data, "--model", path, "--init-weights",
                      tmp_path / "nope.weights.h5", "-o", tmp_path / "c", "--no-onnx")
    assert missing.exit_code == 2 and "nope.weights.h5" in missing.stderr


def _converted_linear(tmp_path, w, b):
    """`mstool convert` of a softmax-regression ONNX model on 4x4x1 images: model.py + weights only."""
    from tests.audit.test_models import _onnx_linear

    _onnx_linear(tmp_path / "linear.onnx", w, b, unusual_op=False)
    folder = tmp_path / "converted"
    assert run_cli("convert", tmp_path / "linear.onnx", "-o", folder, "--no-verify").exit_code == 0
    assert (folder / "model.py").is_file() and not list(folder.glob("*.keras"))
    return folder


def _linear_npz(path, w, b, count: int = 48):
    x = np.random.default_rng(2).uniform(0, 1, (count, 4, 4, 1)).astype(np.float32)
    np.savez(path, x=x, y=(x.reshape(count, -1) @ w + b).argmax(axis=1))
    return x


def test_convert_output_folder_without_keras_file_is_fine_tuned(tmp_path):
    import keras

    rng = np.random.default_rng(1)
    w, b = rng.normal(size=(16, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    folder = _converted_linear(tmp_path, w, b)
    x = _linear_npz(tmp_path / "lin.npz", w, b)
    recipe = TrainRecipe.model_validate({
        "data": {"train": str(tmp_path / "lin.npz"), "val_split": 0.25, "shuffle_buffer": 48},
        "model": {"path": str(folder)}, "optimizer": {"name": "sgd", "lr": 0.01, "schedule": "constant"},
        "run": {"epochs": 1, "batch_size": 12}})
    summary = train(recipe, tmp_path / "out")
    # started from the converted weights (the labels are their argmax), not from a random init
    assert summary.steps == 3 and summary.val_accuracy == 1.0
    tuned = keras.models.load_model(summary.paths["keras"])
    logits = np.asarray(tuned(x[:5]))
    start = x[:5].reshape(5, -1) @ w + b
    assert 0.0 < np.abs(logits - start).max() < 0.5  # trained, a little
    # its constants (the converted bias) are folded into the ONNX export, one input "images"
    import onnxruntime

    session = onnxruntime.InferenceSession(summary.paths["onnx"], providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["images"] and summary.onnx_max_abs_diff < 1e-5


def test_edited_model_py_in_a_convert_folder_is_refused_before_it_runs(tmp_path):
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=(16, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    folder = _converted_linear(tmp_path, w, b)
    _linear_npz(tmp_path / "lin.npz", w, b)
    (folder / "model.py").write_text("open('PWNED', 'w').write('p')\n")
    result = run_cli("train", "--data", tmp_path / "lin.npz", "--model", folder, "--batch-size", "8",
                     "-o", tmp_path / "out", "--no-onnx")
    assert result.exit_code == 2 and "model.py" in result.stderr
    assert not list(tmp_path.rglob("PWNED")) and not (tmp_path / "out" / "checkpoint.h5").exists()


MODEL_PY = '''
import keras


def build_model(input_shape, classes):
    inputs = keras.Input(input_shape)
    x = keras.layers.Conv2D(4, 3, activation="relu", name="features_conv")(inputs)
    x = keras.layers.Flatten(name="features_flat")(x)
    return keras.Model(inputs, keras.layers.Dense(classes, name="head")(x))


def not_a_model(**kwargs):
    return "nope"
'''


def _model_py(tmp_path) -> str:
    (tmp_path / "model.py").write_text(MODEL_PY)
    return str(tmp_path / "model.py")


def test_model_source_function_trains_and_resumes_bit_identically(tmp_path):
    source = {"source": f"{_model_py(tmp_path)}:build_model"}
    summary = train(_recipe(tmp_path, source), tmp_path / "full", export=False)
    assert summary.val_accuracy >= 0.9
    recipe = _recipe(tmp_path, source, max_steps=7)
    train(recipe, tmp_path / "whole", export=False)
    train(recipe, tmp_path / "parts", export=False, until_step=3)
    train(recipe, tmp_path / "parts", export=False, resume=True)
    a, b = (checkpoint_weights(tmp_path / run / "checkpoint.h5") for run in ("whole", "parts"))
    assert max_abs_diff(a, b) == 0.0


@pytest.mark.slow
def test_model_source_on_two_workers_matches_one_worker_at_twice_the_batch(tmp_path):
    recipe = _recipe(tmp_path, {"source": f"{_model_py(tmp_path)}:build_model"}, max_steps=3)
    launch_local(recipe, tmp_path / "two", 2, export=False)
    train(recipe, tmp_path / "one", export=False)
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    assert max_abs_diff(one, checkpoint_weights(tmp_path / "two" / "checkpoint.h5")) < 1e-5


@pytest.mark.parametrize(("target", "message"), [
    ("missing_function", "has no function 'missing_function'"),
    ("not_a_model", "returned str, not a keras.Model"),
])
def test_model_source_that_gives_no_model_is_bad_input(tmp_path, target, message):
    data = _easy_npz(tmp_path / "easy.npz")
    model = f"{_model_py(tmp_path)}:{target}"
    result = run_cli("train", "--data", data, "--model", model, "-o", tmp_path / "r")
    assert result.exit_code == 2 and message in result.stderr and "model.py" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_model_source_with_wrong_output_size_names_the_classes(tmp_path):
    (tmp_path / "three.py").write_text(MODEL_PY.replace("keras.layers.Dense(classes", "keras.layers.Dense(3"))
    data = _easy_npz(tmp_path / "easy.npz")
    model = f"{tmp_path / 'three.py'}:build_model"
    result = run_cli("train", "--data", data, "--model", model, "-o", tmp_path / "r")
    assert result.exit_code == 2 and "4 classes" in result.stderr
