"""Two local worker processes: same weights as one process on the whole batch, and restart after a kill."""

from __future__ import annotations

import pytest

from mstool.toolkit.train.launcher import launch_local
from mstool.toolkit.train.loop import Events, train
from tests.train.helpers import checkpoint_weights, max_abs_diff, small_recipe


class Collect(Events):
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.steps: list[int] = []

    def step(self, record: dict) -> None:
        self.steps.append(record["step"])

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def test_two_workers_match_one_worker_even_after_a_worker_is_killed(tmp_path, monkeypatch):
    # per-replica batch 16 on 2 workers == batch 32 on 1 worker; worker 1 is SIGKILLed after step 4
    recipe = small_recipe(validate=True, batch_size=32, max_steps=6)
    recipe.run.gradient_pack_mb = 0.004  # gradients summed in several packs
    monkeypatch.setenv("MSTOOL_TRAIN_KILL_AT_STEP", "4")
    monkeypatch.setenv("MSTOOL_TRAIN_KILL_WORKER", "1")
    events = Collect()
    summary = launch_local(recipe, tmp_path / "two", 2, events=events, export=False)
    assert summary.replicas == 2 and summary.steps == 6
    assert any("worker 1 died (killed by signal 9)" in w for w in events.warnings)
    assert events.steps[-2:] == [5, 6]  # the restart resumed from the step-4 checkpoint
    monkeypatch.delenv("MSTOOL_TRAIN_KILL_AT_STEP")
    single = train(recipe, tmp_path / "one", export=False)
    # validation is sharded over both workers and summed: the same numbers as one process
    assert summary.val_loss == pytest.approx(single.val_loss, rel=1e-4)
    assert summary.val_accuracy == pytest.approx(single.val_accuracy, abs=1.5 / 360)
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    assert max_abs_diff(one, checkpoint_weights(tmp_path / "two" / "checkpoint.h5")) < 1e-5


def test_two_workers_over_the_grpc_ring_match_one_worker(tmp_path, monkeypatch):
    # the path of workers on different hosts: TensorFlow's ring all-reduce instead of shared memory
    recipe = small_recipe(validate=False, batch_size=32, max_steps=3)
    recipe.run.gradient_pack_mb = 0.004
    monkeypatch.setenv("MSTOOL_TRAIN_LOCAL_SUM", "0")
    summary = launch_local(recipe, tmp_path / "two", 2, export=False)
    assert summary.replicas == 2 and summary.steps == 3
    train(recipe, tmp_path / "one", export=False)
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    assert max_abs_diff(one, checkpoint_weights(tmp_path / "two" / "checkpoint.h5")) < 1e-5


def test_two_eager_workers_match_one_worker(tmp_path):
    # eager mode: the gradient sum and the update are called from Python between compiled passes
    recipe = small_recipe(validate=False, batch_size=32, max_steps=3)
    recipe.run.mode = "eager"
    summary = launch_local(recipe, tmp_path / "two", 2, export=False)
    assert summary.replicas == 2 and summary.mode == "eager"
    train(recipe, tmp_path / "one", export=False)
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    assert max_abs_diff(one, checkpoint_weights(tmp_path / "two" / "checkpoint.h5")) < 1e-5
