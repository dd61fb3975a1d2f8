"""Labelled images for an audit: ``images`` artifacts or .npz files, checked and sampled.

Images come back as float32 (N, H, W, C) in data space with int64 labels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError


def _to_hwc(x: np.ndarray, layout: str, where: str) -> np.ndarray:
    if x.ndim == 3:
        return x[..., None]
    if x.ndim != 4:
        raise InputError(f"images must be (N, H, W[, C]); got shape {x.shape}", where=where)
    if layout == "CHW":
        return x.transpose(0, 2, 3, 1)
    return x


def _read_npz(path: Path, layout: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ("x", "y") if k not in data.files]
            if missing:
                raise InputError(f"npz lacks array(s) {missing}; it has {data.files}", where=str(path))
            x, y = data["x"], data["y"]
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read npz ({err})", where=str(path)) from err
    return _to_hwc(np.asarray(x), layout, str(path)), np.asarray(y)


def _read_images_artifact(path: Path) -> tuple[np.ndarray, np.ndarray]:
    from mstool.toolkit.io import open_artifact

    with open_artifact(path, kind="images") as (h5, info):
        if "labels" not in h5:
            raise InputError(
                "images artifact has no 'labels' dataset; an audit needs labels", where=str(path)
            )
        x = h5["images"][()]
        y = h5["labels"][()]
        layout = info.meta.layout
    return _to_hwc(x, layout, str(path)), y


def declared_range(path: str | Path) -> tuple[float, float] | None:
    """The ``value_range`` an ``images`` artifact declares (None for .npz files)."""
    from mstool.toolkit.io import read_artifact

    path = Path(path)
    if path.suffix.lower() == ".npz" or not path.exists():
        return None
    low, high = read_artifact(path, kind="images").meta.value_range
    return float(low), float(high)


def load_images(path: str | Path, layout: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Read (x, y) from an .npz (``x``, ``y``) or an ``images`` artifact.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "d.npz"
    >>> np.savez(f, x=np.zeros((3, 4, 4)), y=np.array([0, 1, 2]))
    >>> x, y = load_images(f)
    >>> x.shape, y.dtype
    ((3, 4, 4, 1), dtype('int64'))
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such data file", where=str(path))
    if path.suffix.lower() == ".npz":
        x, y = _read_npz(path, layout)
    else:
        x, y = _read_images_artifact(path)
    if y.ndim != 1 or len(y) != len(x):
        raise InputError(f"labels must be (N,) with N={len(x)}; got shape {y.shape}", where=str(path))
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.mod(y, 1) == 0):
            raise InputError("labels must be integers", where=str(path))
    x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise InputError("images contain NaN or infinite values", where=str(path))
    return x, y.astype(np.int64)


def check_range(x: np.ndarray, input_range: tuple[float, float], where: str) -> None:
    """Data must lie in the declared ``preprocess.input_range`` (so budgets mean something)."""
    low, high = input_range
    tol = 1e-5 * max(1.0, high - low)
    if x.min() < low - tol or x.max() > high + tol:
        raise InputError(
            f"data values {float(x.min()):g}..{float(x.max()):g} lie outside the declared "
            f"preprocess.input_range [{low:g}, {high:g}]",
            where=where,
        )


def select_samples(y: np.ndarray, limit: int | None, seed: int, stratified: bool = True) -> np.ndarray:
    """Indices of ``limit`` samples, seeded, with classes in proportion when ``stratified``.

    >>> labels = np.array([0] * 50 + [1] * 50)
    >>> idx = select_samples(labels, 10, seed=0)
    >>> int((labels[idx] == 0).sum())
    5
    """
    n = len(y)
    if limit is None or limit >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    if not stratified:
        return np.sort(rng.choice(n, size=limit, replace=False))
    # Rank each sample within its class by a random order; taking the smallest
    # rank fractions picks classes in proportion to their sizes.
    fraction = np.empty(n)
    for cls in np.unique(y):
        members = np.flatnonzero(y == cls)
        order = rng.permutation(len(members))
        fraction[members[order]] = (np.arange(len(members)) + 0.5) / len(members)
    tie_break = rng.random(n)
    chosen = np.lexsort((tie_break, fraction))[:limit]
    return np.sort(chosen)
