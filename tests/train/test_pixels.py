"""Artifact pixel reads: whole in memory or through the block cache, the same rows either way."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.train.pipeline import train_dataset
from mstool.toolkit.train.pixels import PixelReader
from mstool.toolkit.train.sources import open_source
from tests.train.helpers import write_images_artifact


def _artifact(tmp_path, count=50, layout="HWC", dtype=np.uint8):
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (count, 5, 4, 3)).astype(dtype)
    return write_images_artifact(tmp_path / f"a-{layout}.h5", images, rng.integers(0, 3, count),
                                 layout=layout), images


@pytest.mark.parametrize("layout", ["HWC", "CHW"])
def test_block_cache_and_whole_memory_give_the_stored_pixels(tmp_path, layout):
    path, images = _artifact(tmp_path, layout=layout)
    picked = np.array([49, 0, 17, 17, 33, 1, 48, 16])
    whole = open_source(path)
    tiny = open_source(path, budget_bytes=200)  # a few rows: most reads miss the cache
    got_whole, labels_whole = whole.read(picked)
    got_tiny, labels_tiny = tiny.read(picked)
    np.testing.assert_allclose(got_whole, images[picked] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(got_whole, got_tiny)
    np.testing.assert_array_equal(labels_whole, labels_tiny)
    assert whole._reader.in_memory and not tiny._reader.in_memory


def test_block_cache_stays_within_its_capacity(tmp_path):
    path, images = _artifact(tmp_path, count=40)
    # 60-byte rows stored 16 to a chunk: blocks are whole chunks, two of them fit the budget
    reader = PixelReader(path, budget_bytes=2 * 16 * 60, block_bytes=60)
    assert (reader.block_rows, reader.capacity) == (16, 2) and not reader.in_memory
    for start in range(0, 40, 4):
        rows = np.arange(start, start + 4)
        np.testing.assert_array_equal(reader.rows(rows), images[rows])
        assert len(reader._blocks) <= reader.capacity


def test_training_batches_do_not_depend_on_the_memory_budget(tmp_path):
    path, _ = _artifact(tmp_path, count=64)

    def batches(budget):
        source = open_source(path, budget_bytes=budget)
        dataset = train_dataset(source, epoch=1, seed=5, per_worker_batch=8, steps=6, shuffle_buffer=16)
        return [(x.numpy(), y.numpy()) for x, y, _ in dataset]

    for (x_whole, y_whole), (x_tiny, y_tiny) in zip(batches(1 << 20), batches(300), strict=True):
        np.testing.assert_array_equal(x_whole, x_tiny)
        np.testing.assert_array_equal(y_whole, y_tiny)
