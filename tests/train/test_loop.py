"""The custom loop in one process: eager equals graph, resume is exact, NaN stops, plan checks."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.train.loop import make_plan, train
from mstool.toolkit.train.sources import ArraySource
from tests.train.helpers import checkpoint_weights, max_abs_diff, small_recipe


@pytest.mark.parametrize("mode", ["eager", "op-by-op"])
def test_eager_modes_and_graph_reach_the_same_weights(tmp_path, mode):
    recipe = small_recipe(max_steps=4)
    eager = recipe.model_copy(update={"run": recipe.run.model_copy(update={"mode": mode})})
    train(recipe, tmp_path / "graph", export=False)
    summary = train(eager, tmp_path / mode, export=False)
    assert summary.mode == mode
    before = checkpoint_weights(tmp_path / "graph" / "checkpoint.h5")
    assert max_abs_diff(before, checkpoint_weights(tmp_path / mode / "checkpoint.h5")) < 1e-5


def test_eager_resume_is_bit_identical(tmp_path):
    recipe = small_recipe(max_steps=4)
    recipe.run.mode = "eager"
    train(recipe, tmp_path / "whole", export=False)
    train(recipe, tmp_path / "split", export=False, until_step=2)
    train(recipe, tmp_path / "split", export=False, resume=True)
    whole, split = (checkpoint_weights(tmp_path / run / "checkpoint.h5") for run in ("whole", "split"))
    assert max_abs_diff(whole, split) == 0.0


def test_resume_reaches_the_uninterrupted_weights(tmp_path):
    recipe = small_recipe(max_steps=7)
    recipe.data.augment.crop_padding = 1
    recipe.data.augment.flip = True
    recipe.optimizer.name = "adamw"
    recipe.optimizer.lr = 0.003
    whole = train(recipe, tmp_path / "whole", export=False)
    first = train(recipe, tmp_path / "parts", export=False, until_step=3)
    assert first.steps == 3
    second = train(recipe, tmp_path / "parts", export=False, resume=True)
    assert second.steps == whole.steps == 7
    a = checkpoint_weights(tmp_path / "whole" / "checkpoint.h5")
    b = checkpoint_weights(tmp_path / "parts" / "checkpoint.h5")
    assert max_abs_diff(a, b) == 0.0
    with h5py.File(tmp_path / "parts" / "training-log.h5") as log, \
            h5py.File(tmp_path / "whole" / "training-log.h5") as ref:
        assert log.attrs["mstool_kind"] == "training-log"
        assert log["step"][...].tolist() == list(range(1, 8))
        np.testing.assert_array_equal(log["loss"][...], ref["loss"][...])


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    recipe = small_recipe(max_steps=20)
    recipe.optimizer.lr = 1e6
    recipe.optimizer.clip_norm = None
    recipe.checkpoint.every = 1
    with pytest.raises(WorkFailed, match="stopped, kept the last good checkpoint") as err:
        train(recipe, tmp_path / "nan", export=False)
    with h5py.File(tmp_path / "nan" / "checkpoint.h5") as h5:
        step = h5.attrs["position"]
    weights = checkpoint_weights(tmp_path / "nan" / "checkpoint.h5")
    assert all(np.isfinite(w).all() for w in weights)
    assert '"step": ' in step and "step" in str(err.value)


def test_batch_not_divisible_by_replicas_is_adjusted_with_a_warning():
    source = ArraySource("a", 100, (1, 1, 1), np.arange(100) % 2, images=np.zeros((100, 1, 1, 1), np.float32))
    recipe = small_recipe(batch_size=10)
    plan = make_plan(recipe, source, None, replicas=3, local_replicas=1)
    assert plan.global_batch == 9 and plan.per_replica_batch == 3
    assert "not divisible by 3 replicas" in plan.warnings[0]


def test_label_beyond_model_classes_is_refused():
    source = ArraySource("d.npz", 4, (1, 1, 1), np.array([0, 1, 2, 5]),
                         images=np.zeros((4, 1, 1, 1), np.float32))
    recipe = small_recipe()
    recipe.model.classes = 5
    with pytest.raises(InputError, match="label 5 does not fit a model with 5 classes"):
        make_plan(recipe, source, None, replicas=1, local_replicas=1)


def test_mirrored_strategy_matches_one_device(tmp_path):
    recipe = small_recipe(max_steps=3)
    recipe.model.name = "mlp"
    mirrored = recipe.model_copy(update={"run": recipe.run.model_copy(update={"strategy": "mirrored"})})
    train(recipe, tmp_path / "one", export=False)
    summary = train(mirrored, tmp_path / "mirrored", export=False)
    assert summary.strategy == "mirrored" and summary.steps == 3
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    assert max_abs_diff(one, checkpoint_weights(tmp_path / "mirrored" / "checkpoint.h5")) < 1e-6
