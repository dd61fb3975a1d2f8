"""Join shard artifacts into one ``images`` artifact whose ``images`` is an HDF5 virtual dataset.

Pixels are not copied: the merged file maps each shard's ``images`` by a path relative to
itself, so keep the shards next to it (or move them together). Small per-image arrays
are copied.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from mstool.schemas.images import ImagesMeta
from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.io import check_writable, open_artifact, write_artifact

PER_IMAGE = ("source", "original_size", "scale", "padding", "affine", "labels")
SAME = ("height", "width", "channels", "layout", "dtype", "value_range", "mean", "std",
        "class_names", "recipe")


def _read_shard(path: Path) -> tuple[ImagesMeta, dict[str, np.ndarray], tuple]:
    with open_artifact(path, kind="images") as (h5, info):
        arrays = {name: h5[name][()] for name in PER_IMAGE if name in h5}
        return info.meta, arrays, (h5["images"].shape, h5["images"].dtype)


def _ordered(shards: list[tuple[Path, ImagesMeta]]) -> list[tuple[Path, ImagesMeta]]:
    """Sort by shard index when every input is a shard of the same split; check completeness."""
    tags = [meta.shard for _, meta in shards]
    if any(tag is None for tag in tags):
        return shards
    parsed = [tuple(int(x) for x in tag.split("/")) for tag in tags]
    counts = {n for _, n in parsed}
    if len(counts) != 1:
        raise InputError(f"shards come from different splits: {', '.join(tags)}")
    (count,) = counts
    indices = sorted(i for i, _ in parsed)
    if indices != list(range(count)):
        raise InputError(f"expected shards 0..{count - 1} of {count}, got {', '.join(map(str, indices))}")
    return [shards[parsed.index((i, count))] for i in range(count)]


def merge_shards(paths: list[Path], output: Path, *, overwrite: bool = False,
                 consolidate: bool = False) -> ImagesMeta:
    """Write ``output`` joining the shards' images through a virtual dataset; returns its metadata.

    ``consolidate``: copy the pixels into ``output`` instead (a self-contained file; the
    shards can then be removed). Shards of 0 images (every input skipped) add only their
    skipped list.
    """
    if not paths:
        raise InputError("no shard files given")
    check_writable(output, overwrite=overwrite)
    loaded = [(Path(p), *_read_shard(Path(p))) for p in paths]
    order = _ordered([(path, meta) for path, meta, _, _ in loaded])
    by_path = {path: (meta, arrays, info) for path, meta, arrays, info in loaded}
    first = order[0][1]
    for path, meta in order[1:]:
        for field in SAME:
            if getattr(meta, field) != getattr(first, field):
                raise InputError(f"differs from {order[0][0]} in '{field}'", where=str(path))
    image_shape, dtype = by_path[order[0][0]][2][0][1:], by_path[order[0][0]][2][1]
    total = sum(by_path[path][2][0][0] for path, _ in order)
    if total == 0:
        raise WorkFailed("none of the shards holds an image; nothing written")
    counts = [by_path[path][2][0][0] for path, _ in order]
    merged = first.model_copy(update={
        "count": int(total), "shard": None,
        "skipped": [entry for _, meta in order for entry in meta.skipped],
    })
    with write_artifact(output, merged, overwrite=overwrite) as art:
        if consolidate:
            _copy_images(art.h5, [path for path, _ in order], (total, *image_shape), dtype)
        else:
            layout = _virtual_layout(order, counts, output, image_shape, dtype)
            art.h5.create_virtual_dataset("images", layout, fillvalue=0)
        for name in PER_IMAGE:
            parts = [by_path[path][1].get(name) for path, _ in order]
            if all(part is not None for part in parts):
                data = np.concatenate(parts)
                kwargs = {"dtype": h5py.string_dtype()} if name == "source" else {}
                art.h5.create_dataset(name, data=data, **kwargs)
    return merged


def _virtual_layout(order: list, counts: list[int], output: Path, image_shape: tuple,
                    dtype) -> h5py.VirtualLayout:
    """Each shard's ``images`` mapped by its path relative to ``output``'s folder."""
    layout = h5py.VirtualLayout(shape=(sum(counts), *image_shape), dtype=dtype)
    start = 0
    base = output.resolve().parent
    for (path, _), count in zip(order, counts, strict=True):
        if count:
            relative = os.path.relpath(path.resolve(), base)
            source = h5py.VirtualSource(relative, "images", shape=(count, *image_shape))
            layout[start : start + count] = source
        start += count
    return layout


def _copy_images(h5: h5py.File, paths: list[Path], shape: tuple, dtype, block: int = 64) -> None:
    """Copy the shards' pixels into one ``images`` dataset, ``block`` images at a time."""
    with h5py.File(paths[0], "r") as first:
        source = first["images"]
        compression, options = source.compression, source.compression_opts
    images = h5.create_dataset("images", shape=shape, dtype=dtype, chunks=(1, *shape[1:]),
                               compression=compression, compression_opts=options)
    start = 0
    for path in paths:
        with h5py.File(path, "r") as shard:
            pixels = shard["images"]
            for begin in range(0, pixels.shape[0], block):
                part = pixels[begin : begin + block]
                images[start : start + len(part)] = part
                start += len(part)
