"""Synchronized batch normalization: 2 workers equal 1 worker on the global batch only with it."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.schemas.train import TrainRecipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.train.launcher import launch_local
from mstool.toolkit.train.loop import train
from tests.train.helpers import checkpoint_weights, max_abs_diff

MODEL_PY = '''
import keras


def build_model(input_shape, classes):
    inputs = keras.Input(input_shape)
    x = keras.layers.Conv2D(4, 3, padding="same", use_bias=False, name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.Activation("relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(classes, name="head")(x))
'''


def _recipe(tmp_path, sync: bool, model: dict | None = None) -> TrainRecipe:
    rng = np.random.default_rng(0)
    labels = np.arange(128) % 4
    images = rng.random((128, 6, 6, 1), dtype=np.float32) + labels[:, None, None, None] * 0.3
    np.savez(tmp_path / "data.npz", x=images, y=labels)
    (tmp_path / "model.py").write_text(MODEL_PY)
    return TrainRecipe.model_validate({
        "data": {"train": str(tmp_path / "data.npz"), "val_split": 0.0, "shuffle_buffer": 128},
        "model": model or {"source": str(tmp_path / "model.py") + ":build_model", "sync_batch_norm": sync},
        "optimizer": {"name": "sgd", "lr": 0.2},
        "run": {"batch_size": 32, "max_steps": 3, "mode": "graph"}})


@pytest.mark.parametrize(("sync", "mode"), [
    (True, "graph"), pytest.param(True, "eager", marks=pytest.mark.slow), (False, "graph")])
def test_two_workers_equal_one_worker_on_the_global_batch_only_with_sync_batch_norm(tmp_path, sync, mode):
    recipe = _recipe(tmp_path, sync)
    recipe.run.mode = mode
    launch_local(recipe, tmp_path / "two", 2, export=False)
    train(recipe, tmp_path / "one", export=False)
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    diff = max_abs_diff(one, checkpoint_weights(tmp_path / "two" / "checkpoint.h5"))
    if sync:
        assert diff < 1e-5
    else:  # per-replica statistics of 16 images are not those of 32
        assert diff > 1e-3


def test_sync_batch_norm_on_a_model_without_batch_norm_is_an_input_error(tmp_path):
    recipe = _recipe(tmp_path, True, model={"name": "mlp", "width": 8, "sync_batch_norm": True})
    with pytest.raises(InputError, match="no BatchNormalization"):
        train(recipe, tmp_path / "out", export=False)
