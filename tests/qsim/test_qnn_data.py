"""User datasets for 'qsim train': .npz and HDF5 read and checked at the boundary (no TensorFlow)."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.qnn_data import load_dataset


def test_npz_and_hdf5_datasets_load(tmp_path):
    x, y = np.linspace(-1, 1, 12).reshape(6, 2), np.array([0, 1, 0, 1, 1, 0])
    np.savez(tmp_path / "a.npz", x=x, y=y)
    with h5py.File(tmp_path / "b.h5", "w") as h5:
        h5["features"], h5["labels"] = x, y.astype(bool)
    for name in ("a.npz", "b.h5"):
        fx, fy = load_dataset(tmp_path / name)
        assert fx.shape == (6, 2) and fy.tolist() == y.tolist() and fx.dtype == np.float32


@pytest.mark.parametrize("writer,match", [
    (lambda p: np.savez(p.with_suffix(".npz"), x=np.array([object()] * 4), y=np.zeros(4)), "cannot read"),
    (lambda p: p.with_suffix(".npz").write_bytes(b"not a zip"), "cannot read"),
    (lambda p: p.with_suffix(".csv").write_text("1,2\n"), "must be .npz or .h5"),
    (lambda p: h5py.File(p.with_suffix(".h5"), "w").close(), "needs datasets 'features' and 'labels'"),
])
def test_bad_dataset_files_are_input_errors(tmp_path, writer, match):
    base = tmp_path / "bad"
    writer(base)
    path = next(tmp_path.iterdir())
    with pytest.raises(InputError, match=match) as err:
        load_dataset(path)
    assert err.value.where == str(path)
