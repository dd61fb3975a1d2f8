"""Runs that do not learn are flagged, logs people open (CSV, TensorBoard), early stopping."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from mstool.schemas.train import TrainRecipe
from mstool.toolkit.errors import WorkFailed
from mstool.toolkit.train.loop import Events, train


def _noise_npz(path, count: int, seed: int):
    """Labels unrelated to the pixels: nothing to learn, so validation stays at chance."""
    rng = np.random.default_rng(seed)
    np.savez(path, x=rng.random((count, 6, 6, 1), dtype=np.float32), y=np.arange(count) % 4)
    return str(path)


def _recipe(tmp_path, **extra) -> TrainRecipe:
    settings = {
        "data": {"train": _noise_npz(tmp_path / "train.npz", 96, 0),
                 "val": _noise_npz(tmp_path / "val.npz", 64, 1), "shuffle_buffer": 96},
        "model": {"name": "mlp", "width": 16},
        "run": {"epochs": 2, "batch_size": 32},
    }
    settings.update(extra)
    return TrainRecipe.model_validate(settings)


class Collect(Events):
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def test_default_optimizer_is_adamw_at_0_003_for_batch_64():
    recipe = TrainRecipe(data={"train": "x.npz"})
    assert (recipe.optimizer.name, recipe.optimizer.lr) == ("adamw", None)
    from mstool.toolkit.train.optim import peak_lr
    assert peak_lr("adamw", None, None, 64) == pytest.approx(0.003)
    assert peak_lr("sgd", None, None, 32) == pytest.approx(0.015)


def test_validation_at_chance_level_warns_once_and_is_in_the_summary(tmp_path):
    events = Collect()
    summary = train(_recipe(tmp_path, guard={"chance_margin": 0.3}), tmp_path / "out", export=False,
                    events=events)
    chance = [w for w in events.warnings if "chance level" in w]
    assert len(chance) == 1 and "optimizer.lr" in chance[0]
    assert chance[0] in summary.warnings


def test_validation_at_chance_level_can_stop_the_run(tmp_path):
    recipe = _recipe(tmp_path, guard={"chance_margin": 0.3, "at_chance": "fail"})
    with pytest.raises(WorkFailed, match="after epoch 1 is at chance level"):
        train(recipe, tmp_path / "out", export=False)


def test_a_learning_run_is_not_flagged(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.arange(128) % 2
    images = (rng.random((128, 6, 6, 1)) * 0.2 + labels[:, None, None, None] * 0.8).astype(np.float32)
    np.savez(tmp_path / "easy.npz", x=images, y=labels)
    recipe = TrainRecipe.model_validate({"data": {"train": str(tmp_path / "easy.npz"), "val_split": 0.25},
                                         "model": {"name": "mlp", "width": 16},
                                         "optimizer": {"lr": 0.02}, "run": {"epochs": 3, "batch_size": 16}})
    events = Collect()
    summary = train(recipe, tmp_path / "out", export=False, events=events)
    assert summary.val_accuracy > 0.9 and not events.warnings


def test_non_finite_loss_names_step_and_learning_rate(tmp_path):
    recipe = _recipe(tmp_path, optimizer={"name": "sgd", "lr": 1e12, "schedule": "constant"})
    with pytest.raises(WorkFailed, match=r"at step \d+ with learning rate 1e\+12"):
        train(recipe, tmp_path / "out", export=False)
    rows = (tmp_path / "out" / "training-log.csv").read_text().splitlines()
    assert rows[0].startswith("epoch,step,loss")  # the good steps before the blow-up are logged


def test_csv_log_has_a_row_per_step_and_validation_at_epoch_ends(tmp_path):
    summary = train(_recipe(tmp_path), tmp_path / "out", export=False)
    with open(summary.paths["csv_log"]) as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["step"]) for r in rows] == list(range(1, 7))
    assert [int(r["epoch"]) for r in rows] == [1, 1, 1, 2, 2, 2]
    assert [bool(r["val_loss"]) for r in rows] == [False, False, True, False, False, True]
    assert float(rows[-1]["val_accuracy"]) == pytest.approx(summary.val_accuracy)
    assert all(float(r["lr"]) > 0 and float(r["images_per_second"]) > 0 for r in rows)


def test_tensorboard_event_file_holds_the_scalars(tmp_path):
    import tensorflow as tf

    summary = train(_recipe(tmp_path, logs={"tensorboard": True}), tmp_path / "out", export=False)
    folder = tmp_path / "out" / "tensorboard"
    assert summary.paths["tensorboard"] == str(folder)
    tags: dict[str, int] = {}
    for path in folder.iterdir():
        for record in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                tags[value.tag] = tags.get(value.tag, 0) + 1
                assert value.metadata.plugin_data.plugin_name in ("scalars", "")
                if value.tag == "val/accuracy" and event.step == 6:
                    last_val = float(tf.make_ndarray(value.tensor))
    assert tags["train/loss"] == 6 and tags["train/learning_rate"] == 6
    assert tags["train/images_per_second"] == 6 and tags["val/accuracy"] == 2
    assert last_val == pytest.approx(summary.val_accuracy, abs=1e-6)


def test_early_stopping_ends_the_run_with_the_best_weights(tmp_path):
    recipe = _recipe(tmp_path, optimizer={"lr": 0.03}, run={"epochs": 12, "batch_size": 32},
                     early_stopping={"monitor": "val_loss", "patience": 2})
    summary = train(recipe, tmp_path / "out", export=False)
    with open(summary.paths["csv_log"]) as handle:
        val_losses = [float(r["val_loss"]) for r in csv.DictReader(handle) if r["val_loss"]]
    assert summary.stopped.startswith("early stop") and len(val_losses) < 12
    best = int(np.argmin(val_losses))
    assert summary.best_epoch == best + 1 and len(val_losses) == best + 3
    assert summary.val_loss == pytest.approx(val_losses[best], rel=1e-6)
    assert (tmp_path / "out" / "best-weights.npz").exists()


def test_resuming_an_early_stopped_run_adds_no_steps(tmp_path):
    recipe = _recipe(tmp_path, optimizer={"lr": 0.03}, run={"epochs": 12, "batch_size": 32},
                     early_stopping={"monitor": "val_loss", "patience": 2})
    first = train(recipe, tmp_path / "out", export=False)
    again = train(recipe, tmp_path / "out", export=False, resume=True)
    assert again.steps == first.steps and again.stopped == first.stopped
    assert again.val_loss == pytest.approx(first.val_loss, rel=1e-6)
