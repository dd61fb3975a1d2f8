"""Data loading and sample selection."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.schemas.images import ImagesMeta
from mstool.toolkit.audit.data import check_range, load_images, select_samples
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import write_artifact


def test_stratified_selection_is_proportional_and_seeded():
    y = np.repeat(np.arange(4), [40, 30, 20, 10])
    idx = select_samples(y, 20, seed=3)
    counts = np.bincount(y[idx], minlength=4)
    np.testing.assert_array_equal(counts, [8, 6, 4, 2])
    np.testing.assert_array_equal(idx, select_samples(y, 20, seed=3))
    assert not np.array_equal(idx, select_samples(y, 20, seed=4))
    assert len(np.unique(select_samples(y, 20, seed=3, stratified=False))) == 20


def test_images_artifact_chw_is_read_channels_last(tmp_path):
    x = np.random.default_rng(0).random((5, 3, 6, 7)).astype(np.float32)
    path = tmp_path / "img.h5"
    with write_artifact(path, ImagesMeta(count=5, height=6, width=7, channels=3, layout="CHW")) as art:
        art.h5.create_dataset("images", data=x)
        art.h5.create_dataset("labels", data=np.arange(5))
    got, labels = load_images(path)
    np.testing.assert_array_equal(got, x.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(labels, np.arange(5))


def test_images_artifact_without_labels_is_refused(tmp_path):
    path = tmp_path / "img.h5"
    with write_artifact(path, ImagesMeta(count=2, height=2, width=2, channels=1, layout="HWC")) as art:
        art.h5.create_dataset("images", data=np.zeros((2, 2, 2, 1)))
    with pytest.raises(InputError, match="labels"):
        load_images(path)


def test_npz_problems(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros((3, 4, 4)))
    with pytest.raises(InputError, match="lacks"):
        load_images(bad)
    nan = tmp_path / "nan.npz"
    np.savez(nan, x=np.full((2, 4, 4), np.nan), y=np.zeros(2, int))
    with pytest.raises(InputError, match="NaN"):
        load_images(nan)
    with pytest.raises(InputError, match="outside the declared"):
        check_range(np.array([0.0, 2.0]), (0.0, 1.0), "d.npz")
