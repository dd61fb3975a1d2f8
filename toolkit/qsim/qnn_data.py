"""User datasets for the quantum classifier: features and 0/1 labels from ``.npz`` or HDF5,
checked at the boundary (shapes, finiteness, labels). No TensorFlow here."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError


def load_dataset(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Features and 0/1 labels from ``.npz`` (arrays ``x``/``y`` or ``features``/``labels``) or
    an HDF5 file with datasets ``features`` and ``labels`` (such as an mstool artifact).

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "d.npz")
    >>> np.savez(f, x=np.zeros((4, 2)), y=np.array([0, 1, 0, 1]))
    >>> [a.shape for a in load_dataset(f)]
    [(4, 2), (4,)]
    """
    path = Path(path)
    where = str(path)
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as data:
                keys = ("x", "y") if "x" in data.files else ("features", "labels")
                missing = [k for k in keys if k not in data.files]
                if missing:
                    raise InputError("needs arrays 'x' and 'y' (or 'features' and 'labels'); "
                                     f"has {data.files}",
                                     where=where)
                x, y = data[keys[0]], data[keys[1]]
        elif path.suffix in (".h5", ".hdf5"):
            import h5py

            with h5py.File(path, "r") as h5:
                for key in ("features", "labels"):
                    if not isinstance(h5.get(key, getlink=False), h5py.Dataset):
                        raise InputError(f"needs datasets 'features' and 'labels'; has {sorted(h5)}",
                                         where=where)
                x, y = h5["features"][()], h5["labels"][()]
        else:
            raise InputError("dataset must be .npz or .h5 (features and labels)", where=where)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read dataset: {exc}", where=where) from None
    return _check_dataset(x, y, where)


def _check_dataset(x: np.ndarray, y: np.ndarray, where: str) -> tuple[np.ndarray, np.ndarray]:
    if x.dtype.kind not in "iuf" or y.dtype.kind not in "iufb":
        raise InputError(f"features and labels must be numeric, got {x.dtype} and {y.dtype}", where=where)
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0] or x.shape[0] < 2 or x.shape[1] < 1:
        raise InputError("features must be (samples, features) and labels (samples,) with at least 2 "
                         "samples; "
                         f"got {x.shape} and {y.shape}", where=where)
    if not np.all(np.isfinite(x)):
        raise InputError("features contain NaN or infinite values", where=where)
    if not np.all((y == 0) | (y == 1)):
        raise InputError("labels must be 0 or 1 (a two-class problem)", where=where)
    return x.astype(np.float32), y.astype(np.float32)
