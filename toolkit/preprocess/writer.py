"""Writes the datasets of an ``images`` artifact: one chunk per image, per-image records.

``images`` is written image by image (chunked (1, C, H, W)); the small per-image arrays
(source, original size, scale, padding, affine map, labels) are written at the end.
Uncompressed images go through :class:`~mstool.toolkit.preprocess.chunkio.RawChunkWriter`
(one ``pwrite`` per image at a preallocated chunk) when the caller names the file;
otherwise, and for compressed chunks, through HDF5's ``write_direct_chunk``.
"""

from __future__ import annotations

import os

import h5py
import numpy as np

from mstool.schemas.images import ImagesMeta
from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.preprocess.chunkio import RawChunkWriter, preallocated_chunks
from mstool.toolkit.preprocess.geometry import Plan
from mstool.toolkit.preprocess.sources import Item

CHANNELS = 3


def value_range(recipe: PreprocessRecipe) -> tuple[float, float]:
    """The range of values the ``images`` dataset can hold for this recipe."""
    if recipe.output.dtype == "uint8":
        return 0.0, 255.0
    norm = next((op for op in recipe.ops if op.op == "normalize"), None)
    if norm is None:
        return 0.0, 255.0
    pairs = zip(norm.mean, norm.std, strict=True)
    ends = [(edge * norm.scale - m) / s for m, s in pairs for edge in (0, 255)]
    return float(min(ends)), float(max(ends))


def unit_mean_std(recipe: PreprocessRecipe) -> tuple[list[float] | None, list[float] | None]:
    """Mean and std in the [0, 1] pixel domain: ``value = (pixel / 255 - mean) / std``."""
    norm = next((op for op in recipe.ops if op.op == "normalize"), None)
    if norm is None or recipe.output.dtype == "uint8":
        return None, None
    unit = 255.0 * norm.scale
    return [m / unit for m in norm.mean], [s / unit for s in norm.std]


class ImagesWriter:
    """Streams images into an open HDF5 file and collects the per-image records."""

    def __init__(self, h5: h5py.File, recipe: PreprocessRecipe, size: tuple[int, int],
                 capacity: int, class_names: list[str], raw_path: str | None = None) -> None:
        self.h5, self.recipe, self.class_names = h5, recipe, class_names
        height, width = size
        layout = recipe.output.layout
        self.image_shape = (CHANNELS, height, width) if layout == "CHW" else (height, width, CHANNELS)
        compression = None if recipe.output.compression == "none" else recipe.output.compression
        options = recipe.output.compression_level if compression == "gzip" else None
        shape = (max(capacity, 1), *self.image_shape)
        self.raw: RawChunkWriter | None = None
        if compression is None and raw_path is not None and hasattr(os, "pwrite"):  # POSIX
            self.images = preallocated_chunks(h5, "images", shape, recipe.output.dtype)
            self.raw = RawChunkWriter(self.images, raw_path)
        else:
            self.images = h5.create_dataset(
                "images", shape=shape, maxshape=(None, *self.image_shape), dtype=recipe.output.dtype,
                chunks=(1, *self.image_shape), compression=compression, compression_opts=options,
            )
        self.count = 0
        self.records: dict[str, list] = {k: [] for k in ("source", "original_size", "scale", "padding",
                                                         "affine", "labels")}
        self.skipped: list[dict[str, str]] = []

    def add(self, item: Item, pixels: np.ndarray, original: tuple[int, int], plan: Plan,
            chunk: np.ndarray | bytes | None = None) -> None:
        """Append one image; ``chunk`` is its stored form (the raw array or zlib bytes) when
        the caller encoded it already, which skips HDF5's filter pipeline."""
        if self.raw is not None:
            self.raw.write(self.count, pixels)
        elif chunk is not None:
            self.images.id.write_direct_chunk((self.count,) + (0,) * len(self.image_shape), chunk)
        else:
            self.images[self.count] = pixels
        rows, cols = plan.rows, plan.cols
        self.records["source"].append(str(item.path))
        self.records["original_size"].append(original)
        self.records["scale"].append((abs(rows.scale), abs(cols.scale)))
        self.records["padding"].append(plan.padding)
        self.records["affine"].append((rows.scale, rows.offset, cols.scale, cols.offset))
        if item.label is not None and self.class_names:
            label = int(item.label) if item.label.isdigit() and self.class_names[0] == "0" else \
                self.class_names.index(item.label)
            self.records["labels"].append(label)
        self.count += 1

    def close(self) -> None:
        """Release the raw chunk file handles (done by :meth:`finish`; safe to repeat)."""
        if self.raw is not None:
            self.raw.close()

    def skip(self, item: Item, reason: str) -> None:
        self.skipped.append({"path": str(item.path), "reason": reason})

    def finish(self, shard: tuple[int, int] | None = None) -> ImagesMeta:
        """Trim to the images written, write per-image records, return the metadata."""
        self.close()
        self.images.resize(self.count, axis=0)
        records = self.records
        self.h5.create_dataset("source", data=np.array(records["source"], dtype=h5py.string_dtype()))
        # reshape: a shard whose inputs were all skipped still has (0, 2) and (0, 4) records
        sizes = np.array(records["original_size"], np.int32).reshape(-1, 2)
        self.h5.create_dataset("original_size", data=sizes)
        self.h5.create_dataset("scale", data=np.array(records["scale"], np.float64).reshape(-1, 2))
        self.h5.create_dataset("padding", data=np.array(records["padding"], np.int32).reshape(-1, 4))
        self.h5.create_dataset("affine", data=np.array(records["affine"], np.float64).reshape(-1, 4))
        if len(records["labels"]) == self.count and self.class_names:
            self.h5.create_dataset("labels", data=np.array(records["labels"], np.int64))
        height, width = self.image_shape[1:] if self.recipe.output.layout == "CHW" else self.image_shape[:2]
        mean, std = unit_mean_std(self.recipe)
        return ImagesMeta(
            count=self.count, height=height, width=width, channels=CHANNELS,
            layout=self.recipe.output.layout, dtype=self.recipe.output.dtype,
            value_range=value_range(self.recipe), mean=mean, std=std,
            class_names=self.class_names, skipped=self.skipped,
            recipe=self.recipe.model_dump(mode="json"),
            shard=f"{shard[0]}/{shard[1]}" if shard else None,
        )
