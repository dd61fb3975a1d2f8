"""Checks on HDF5 inputs before their datasets are read: links, virtual sources, shapes.

External links are refused (mstool never writes them, and they reach other files);
soft links must resolve; virtual datasets may only map plain datasets of HDF5 files by
relative paths that exist (``preprocess merge`` writes those; a virtual dataset mapping
itself crashes libhdf5); an ``images`` artifact's datasets must match the shapes its
metadata declares.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import h5py

from mstool.toolkit.errors import InputError

MAX_OBJECTS = 100_000
PER_IMAGE_DATASETS = ("labels", "source", "original_size", "scale", "padding", "affine")


def _is_plain_dataset(h5: h5py.File, name: str) -> bool:
    obj = h5.get(name)
    return isinstance(obj, h5py.Dataset) and not obj.is_virtual


def _check_virtual_sources(dataset: h5py.Dataset, where: str, folder: Path) -> None:
    """Each source must be a plain dataset: a virtual one could map back here (libhdf5 crashes)."""
    this_file = Path(where).resolve()
    for source in dataset.virtual_sources():
        name = source.file_name
        refused = f"dataset '{dataset.name}' is virtual and maps {name}:{source.dset_name}"
        if name == "." or (folder / name).resolve() == this_file:
            if not _is_plain_dataset(dataset.file, source.dset_name):
                raise InputError(f"{refused}, which is not a plain dataset in this file", where=where)
            continue
        if os.path.isabs(name):
            raise InputError(f"{refused}: an absolute path; only paths relative to the artifact are accepted",
                             where=where)
        if not (folder / name).is_file():
            raise InputError(f"{refused}: the source file is missing "
                             "(keep merged shards next to the merged file)", where=where)
        try:
            with h5py.File(folder / name, "r") as other:
                plain = _is_plain_dataset(other, source.dset_name)
        except (OSError, KeyError, RuntimeError) as err:
            raise InputError(f"{refused}: the source cannot be opened ({err})", where=where) from None
        if not plain:
            raise InputError(f"{refused}, which is not a plain dataset", where=where)


def _walk(group: h5py.Group, where: str, folder: Path, seen: set) -> None:
    for name in group:
        link = group.get(name, getlink=True)
        full = f"{group.name.rstrip('/')}/{name}"
        if isinstance(link, h5py.ExternalLink):
            raise InputError(f"'{full}' is an external link to {link.filename}:{link.path}; "
                             "external links are not followed", where=where)
        obj = group.get(name)
        if obj is None:
            raise InputError(f"'{full}' is a dangling link (to {getattr(link, 'path', '?')})", where=where)
        if isinstance(link, h5py.SoftLink) or obj.id in seen:
            continue  # soft links point at objects the walk reaches through hard links
        seen.add(obj.id)
        if len(seen) > MAX_OBJECTS:
            raise InputError(f"more than {MAX_OBJECTS} HDF5 objects", where=where)
        if isinstance(obj, h5py.Group):
            _walk(obj, where, folder, seen)
        elif isinstance(obj, h5py.Dataset) and obj.is_virtual:
            _check_virtual_sources(obj, where, folder)


def check_links(h5: h5py.File, path: str | os.PathLike) -> None:
    """Refuse external links, dangling links and virtual datasets that map absolute or missing
    files, or anything but plain datasets.

    >>> import tempfile, pathlib, numpy as np
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.h5"
    >>> with h5py.File(out, "w") as h5:
    ...     h5["x"] = np.arange(3)
    ...     h5["y"] = h5py.ExternalLink("/elsewhere.h5", "/secret")
    >>> with h5py.File(out, "r") as h5:
    ...     try:
    ...         check_links(h5, "a.h5")
    ...     except InputError as err:
    ...         print(err)
    a.h5: '/y' is an external link to /elsewhere.h5:/secret; external links are not followed
    """
    _walk(h5, str(path), Path(path).resolve().parent, set())


def _dataset(h5: h5py.File, name: str, where: str) -> h5py.Dataset:
    obj = h5.get(name)
    if not isinstance(obj, h5py.Dataset):
        raise InputError(f"images artifact has no '{name}' dataset", where=where)
    return obj


def check_images_datasets(h5: h5py.File, meta: Any, path: str | os.PathLike) -> None:
    """The ``images`` dataset and the per-image datasets agree with the metadata's count and size.

    >>> import tempfile, pathlib, numpy as np
    >>> from mstool.schemas.images import ImagesMeta
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "i.h5"
    >>> with h5py.File(out, "w") as h5:
    ...     h5["images"] = np.zeros((2, 3, 4, 4), np.float32)
    >>> with h5py.File(out, "r") as h5:
    ...     check_images_datasets(h5, ImagesMeta(count=2, height=4, width=4, channels=3), "i.h5")
    ...     try:
    ...         check_images_datasets(h5, ImagesMeta(count=5, height=4, width=4, channels=3), "i.h5")
    ...     except InputError as err:
    ...         print(err)
    i.h5: dataset 'images' has shape (2, 3, 4, 4); the metadata says (5, 3, 4, 4) (count, layout CHW)
    """
    where = str(path)
    images = _dataset(h5, "images", where)
    size = (meta.channels, meta.height, meta.width) if meta.layout == "CHW" else (
        meta.height, meta.width, meta.channels)
    expected = (meta.count, *size)
    if tuple(images.shape) != expected:
        raise InputError(f"dataset 'images' has shape {tuple(images.shape)}; the metadata says "
                         f"{expected} (count, layout {meta.layout})", where=where)
    if images.dtype.kind not in "fiu":
        raise InputError(f"dataset 'images' holds {images.dtype}, expected numbers", where=where)
    for name in PER_IMAGE_DATASETS:
        if name in h5:
            data = _dataset(h5, name, where)
            if data.ndim == 0 or data.shape[0] != meta.count:
                raise InputError(f"dataset '{name}' has shape {tuple(data.shape)}; expected "
                                 f"{meta.count} rows (one per image)", where=where)
    if "labels" in h5 and (h5["labels"].ndim != 1 or h5["labels"].dtype.kind not in "fiu"):
        raise InputError(f"dataset 'labels' must be one number per image, got shape "
                         f"{tuple(h5['labels'].shape)} of {h5['labels'].dtype}", where=where)
