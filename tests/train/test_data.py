"""Data sources and tf.data pipelines: formats, streaming reads, sharding, bad input."""

from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.train.pipeline import train_dataset
from mstool.toolkit.train.sources import ArraySource, open_source, split_source
from tests.conftest import shared_data
from tests.train.helpers import write_images_artifact


def _images(count=20, size=6, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((count, size, size, channels), dtype=np.float32), rng.integers(0, 4, count)


@pytest.mark.parametrize("layout", ["HWC", "CHW"])
def test_artifact_reads_match_the_stored_pixels(tmp_path, layout):
    images, labels = _images()
    path = write_images_artifact(tmp_path / "a.h5", images, labels, layout=layout)
    source = open_source(path)
    picked = np.array([7, 2, 7, 19])
    got, got_labels = source.read(picked)
    np.testing.assert_array_equal(got, images[picked])
    np.testing.assert_array_equal(got_labels, labels[picked])
    assert source.shape == (6, 6, 3) and source.count == 20


def test_uint8_artifact_is_scaled_to_unit_range(tmp_path):
    images = (np.arange(2 * 4 * 4).reshape(2, 4, 4, 1) % 256).astype(np.uint8)
    path = write_images_artifact(tmp_path / "u.h5", images, np.array([0, 1]))
    got, _ = open_source(path).read(np.array([0, 1]))
    np.testing.assert_allclose(got, images / 255.0, rtol=1e-6)


def test_artifact_without_labels_is_refused(tmp_path):
    images, _ = _images()
    path = write_images_artifact(tmp_path / "nolabels.h5", images, None)
    with pytest.raises(InputError, match="no 'labels'") as err:
        open_source(path)
    assert "nolabels.h5" in str(err.value.render())


def test_npz_without_y_names_the_missing_key(tmp_path):
    np.savez(tmp_path / "x.npz", x=np.zeros((3, 4, 4)))
    with pytest.raises(InputError, match="lacks y"):
        open_source(tmp_path / "x.npz")


def _write_idx(path, array, magic_type=0x08):
    header = bytes([0, 0, magic_type, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_idx_pair_is_read(tmp_path):
    images = np.arange(3 * 5 * 5).reshape(3, 5, 5).astype(np.uint8)
    _write_idx(tmp_path / "t-images-idx3-ubyte.gz", images)
    _write_idx(tmp_path / "t-labels-idx1-ubyte.gz", np.array([2, 0, 1]))
    source = open_source(tmp_path / "t-images-idx3-ubyte.gz")
    got, labels = source.read(np.array([2]))
    np.testing.assert_allclose(got[0, :, :, 0], images[2] / 255.0, rtol=1e-6)
    assert labels.tolist() == [1] and source.classes == 3


def test_real_mnist_test_set_matches_its_published_checksums():
    folder = shared_data("mnist")
    raw = gzip.open(folder / "t10k-labels-idx1-ubyte.gz").read()
    assert hashlib.md5(raw).hexdigest() == "27ae3e4e09519cfbb04c329615203637"
    source = open_source(folder / "t10k-images-idx3-ubyte.gz")
    assert (source.count, source.shape, source.classes) == (10000, (28, 28, 1), 10)
    assert np.bincount(source.labels).tolist()[:2] == [980, 1135]


def _indices(dataset):
    return [batch[2].numpy().tolist() for batch in dataset]


def test_two_workers_see_each_example_once_and_form_the_same_global_batches():
    count = 40
    source = ArraySource("a", count, (1, 1, 1), np.arange(count) % 3,
                         images=np.arange(count, dtype=np.float32).reshape(count, 1, 1, 1))
    kwargs = dict(epoch=1, seed=5, steps=count // 8, shuffle_buffer=16)
    single = _indices(train_dataset(source, per_worker_batch=8, **kwargs))
    shards = [_indices(train_dataset(source, per_worker_batch=4, worker=w, workers=2, **kwargs))
              for w in (0, 1)]
    seen = sorted(i for shard in shards for batch in shard for i in batch)
    assert seen == sorted(i for batch in single for i in batch) and len(seen) == len(set(seen)) == 40
    for step, batch in enumerate(single):
        assert sorted(batch) == sorted(shards[0][step] + shards[1][step])
    resumed = _indices(train_dataset(source, per_worker_batch=8, skip=2, **kwargs))
    assert resumed == single[2:]
    other_epoch = _indices(train_dataset(source, per_worker_batch=8, **{**kwargs, "epoch": 2}))
    assert other_epoch != single


def test_augmentation_is_a_crop_or_flip_of_the_original_and_repeatable():
    rng = np.random.default_rng(1)
    images = rng.random((8, 6, 6, 1), dtype=np.float32)
    source = ArraySource("a", 8, (6, 6, 1), np.zeros(8, np.int64), images=images)
    kwargs = dict(epoch=0, seed=3, per_worker_batch=8, steps=1, crop_padding=2, flip=True)
    first = [b[0].numpy() for b in train_dataset(source, **kwargs)][0]
    again = [b[0].numpy() for b in train_dataset(source, **kwargs)][0]
    np.testing.assert_array_equal(first, again)
    order = [b[2].numpy() for b in train_dataset(source, **kwargs)][0]
    for out, index in zip(first, order, strict=True):
        padded = np.pad(images[index], ((2, 2), (2, 2), (0, 0)))
        windows = [np.flip(padded, 1)[y:y + 6, x:x + 6] for y in range(5) for x in range(5)]
        windows += [padded[y:y + 6, x:x + 6] for y in range(5) for x in range(5)]
        assert any(np.array_equal(out, w) for w in windows)


def test_validation_split_is_disjoint_and_fixed_by_seed():
    source = ArraySource("a", 50, (1, 1, 1), np.arange(50) % 2, images=np.zeros((50, 1, 1, 1), np.float32))
    train, val = split_source(source, 0.2, seed=4)
    assert val.count == 10 and not set(train.index) & set(val.index)
    assert split_source(source, 0.2, seed=4)[1].index.tolist() == val.index.tolist()
