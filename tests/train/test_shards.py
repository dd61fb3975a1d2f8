"""data.shards: each worker reads only its own contiguous chunk ranges of an images artifact."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.train.launcher import launch_local
from mstool.toolkit.train.loop import train
from mstool.toolkit.train.pipeline import sharded_train_dataset
from mstool.toolkit.train.shards import shard_ranges, worker_ranges
from mstool.toolkit.train.sources import open_source
from tests.train.helpers import (
    DIGITS_TRAIN,
    checkpoint_weights,
    max_abs_diff,
    small_recipe,
    write_images_artifact,
)


def _artifact(tmp_path, count: int = 160):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (count, 4, 4, 1), dtype=np.uint8)
    return write_images_artifact(tmp_path / "images.h5", images, np.arange(count) % 3)  # chunks of 16 rows


def _record_reads(monkeypatch) -> list[tuple[int, int]]:
    """Every row range read from an ``images`` dataset, through h5py's two read paths."""
    reads: list[tuple[int, int]] = []
    getitem, read_direct = h5py.Dataset.__getitem__, h5py.Dataset.read_direct

    def note(dataset, selection):
        if dataset.name == "/images":
            rows = selection[0] if isinstance(selection, tuple) else selection
            reads.append((rows.start, rows.stop))

    def recorded_getitem(self, selection, *args, **kwargs):
        note(self, selection)
        return getitem(self, selection, *args, **kwargs)

    def recorded_read_direct(self, dest, source_sel=None, dest_sel=None):
        note(self, source_sel)
        return read_direct(self, dest, source_sel, dest_sel)

    monkeypatch.setattr(h5py.Dataset, "__getitem__", recorded_getitem)
    monkeypatch.setattr(h5py.Dataset, "read_direct", recorded_read_direct)
    return reads


@pytest.mark.parametrize("budget", [1 << 20, 512])  # whole ranges in memory; streamed in blocks
def test_each_worker_reads_only_its_own_chunks(tmp_path, monkeypatch, budget):
    source = open_source(_artifact(tmp_path), budget)
    reads = _record_reads(monkeypatch)
    batches, touched = [], []
    for worker in (0, 1):
        reads.clear()
        ranges = worker_ranges(source, 4, worker, 1, 2)
        own = source.restricted(ranges)
        dataset = sharded_train_dataset(own, 4, epoch=0, seed=3, global_batch=8, steps=5,
                                        first_replica=worker, local_replicas=1, replicas=2)
        batches.append([indices.numpy() for _, _, indices in dataset])
        assert reads
        for start, stop in reads:
            assert start % 16 == 0 and any(a <= start and stop <= b for a, b in ranges), (worker, start, stop)
        touched.append({row // 16 for start, stop in reads for row in range(start, stop)})
    assert not touched[0] & touched[1]
    # the two workers' batches side by side are the single worker's global batches
    whole = sharded_train_dataset(source, 4, epoch=0, seed=3, global_batch=8, steps=5, first_replica=0,
                                  local_replicas=1, replicas=1)
    single = [indices.numpy() for _, _, indices in whole]
    for step, indices in enumerate(single):
        assert sorted(indices) == sorted(np.concatenate([batches[0][step], batches[1][step]]))


def test_shard_ranges_are_chunk_aligned_and_cover_the_file():
    ranges = shard_ranges(1000, 16, 4)
    assert ranges[0][0] == 0 and ranges[-1][1] == 1000
    assert all(a % 16 == 0 for a, _ in ranges)
    assert all(b == c for (_, b), (c, _) in zip(ranges, ranges[1:], strict=False))
    with pytest.raises(InputError, match="cannot make 4 shards"):
        shard_ranges(40, 16, 4)


def test_shards_not_a_multiple_of_the_batch_is_an_input_error(tmp_path):
    recipe = small_recipe(batch_size=30, max_steps=1)
    recipe.data.shards = 4
    with pytest.raises(InputError, match="not a multiple of data.shards"):
        train(recipe, tmp_path / "out", export=False)


@pytest.mark.slow  # two worker processes: about 80 s on a loaded 2-core machine
def test_two_workers_on_their_own_chunks_match_one_worker(tmp_path):
    with np.load(DIGITS_TRAIN) as data:
        images, labels = data["x"], data["y"]
    artifact = write_images_artifact(tmp_path / "digits.h5", images.reshape(len(images), 8, 8, 1), labels)
    recipe = small_recipe(batch_size=32, max_steps=3)
    recipe.data.train, recipe.data.shards = str(artifact), 2
    summary = launch_local(recipe, tmp_path / "two", 2, export=False)
    assert summary.steps == 3
    train(recipe, tmp_path / "one", export=False)
    one = checkpoint_weights(tmp_path / "one" / "checkpoint.h5")
    assert max_abs_diff(one, checkpoint_weights(tmp_path / "two" / "checkpoint.h5")) < 1e-5


def test_sharded_run_resumes_bit_identically(tmp_path):
    recipe = small_recipe(batch_size=32, max_steps=4)
    recipe.data.train, recipe.data.shards = str(_artifact(tmp_path, count=320)), 4
    recipe.checkpoint.every = 0
    train(recipe, tmp_path / "whole", export=False)
    train(recipe, tmp_path / "parts", export=False, until_step=3)
    train(recipe, tmp_path / "parts", export=False, resume=True)
    whole = checkpoint_weights(tmp_path / "whole" / "checkpoint.h5")
    assert max_abs_diff(whole, checkpoint_weights(tmp_path / "parts" / "checkpoint.h5")) == 0.0
