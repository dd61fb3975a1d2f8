"""Geometry of a recipe as per-axis sampling tables: resize, crop, pad and flip composed.

Each output row (and column) holds up to K source indices and weights, or is padding.
The fused kernels only read these tables, so every geometric op costs nothing extra.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mstool.schemas.preprocess import (
    CenterCropOp,
    CropOp,
    HflipOp,
    LetterboxOp,
    NormalizeOp,
    PadOp,
    ResizeOp,
    ResizeShorterOp,
)


class GeometryError(ValueError):
    """A recipe's geometry does not apply to one image (e.g. a crop outside it)."""


def _box(x: np.ndarray) -> np.ndarray:
    return ((x > -0.5) & (x <= 0.5)).astype(np.float64)


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - np.abs(x), 0.0, None)


def _cubic(x: np.ndarray, a: float = -0.5) -> np.ndarray:
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


# Filters with PIL's supports: the kernel is widened by the downscale factor (antialias).
_FILTERS = {"area": (_box, 0.5), "antialias": (_triangle, 1.0), "bicubic": (_cubic, 2.0)}


def _filter_table(n_in: int, n_out: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """PIL's resampling coefficients: pixel centres at +0.5, support scaled when shrinking."""
    func, base_support = _FILTERS[mode]
    scale = n_in / n_out
    filter_scale = max(scale, 1.0)
    support = base_support * filter_scale
    taps = int(math.ceil(support)) * 2 + 1
    centre = (np.arange(n_out) + 0.5) * scale
    first = np.trunc(centre - support + 0.5).astype(np.int64).clip(0, None)
    last = np.trunc(centre + support + 0.5).astype(np.int64).clip(None, n_in)
    positions = first[:, None] + np.arange(taps)[None, :]
    weights = func((positions - centre[:, None] + 0.5) / filter_scale)
    weights[positions >= last[:, None]] = 0.0
    total = weights.sum(axis=1, keepdims=True)
    weights = weights / np.where(total == 0, 1.0, total)
    return positions.clip(0, n_in - 1).astype(np.int32), weights.astype(np.float32)


def resize_table(n_in: int, n_out: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Source indices and weights (n_out, K) resizing one axis from ``n_in`` to ``n_out``.

    ``nearest`` follows PIL (source ``floor((i + 0.5) * n_in / n_out)``), ``bilinear``
    OpenCV's ``INTER_LINEAR`` (half-pixel centres, two taps, no antialias), ``area``,
    ``antialias`` and ``bicubic`` PIL's BOX, BILINEAR and BICUBIC filters.

    >>> idx, w = resize_table(4, 2, "bilinear")
    >>> idx.tolist(), w.tolist()
    ([[0, 1], [2, 3]], [[0.5, 0.5], [0.5, 0.5]])
    """
    if mode == "nearest":
        # PIL accumulates the step in double precision; summing the same way matches it exactly.
        step = n_in / n_out
        src = np.floor(np.cumsum(np.concatenate([[step * 0.5], np.full(n_out - 1, step)])))
        src = src.astype(np.int64)
        return src.clip(0, n_in - 1).astype(np.int32)[:, None], np.ones((n_out, 1), np.float32)
    if mode == "bilinear":
        pos = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        left = np.floor(pos).astype(np.int64)
        frac = pos - left
        frac[left < 0] = 0.0
        left = left.clip(0, None)
        at_end = left >= n_in - 1
        frac[at_end] = 0.0
        left[at_end] = n_in - 1
        idx = np.stack([left, np.minimum(left + 1, n_in - 1)], axis=1).astype(np.int32)
        return idx, np.stack([1.0 - frac, frac], axis=1).astype(np.float32)
    return _filter_table(n_in, n_out, mode)


@dataclass
class AxisMap:
    """One axis of the output: per position, K source indices and weights, or padding.

    ``scale``/``offset`` map original coordinates to output ones: ``out = scale * x + offset``.
    """

    index: np.ndarray
    weight: np.ndarray
    valid: np.ndarray
    scale: float
    offset: float

    @classmethod
    def identity(cls, n_source: int, n_original: int) -> AxisMap:
        return cls(
            np.arange(n_source, dtype=np.int32)[:, None],
            np.ones((n_source, 1), np.float32),
            np.ones(n_source, bool),
            n_source / n_original,
            0.0,
        )

    @property
    def size(self) -> int:
        return int(self.valid.shape[0])

    def take(self, positions: np.ndarray) -> AxisMap:
        """Reindex by current positions; -1 means padding."""
        pad = positions < 0
        safe = np.where(pad, 0, positions)
        return AxisMap(
            self.index[safe], self.weight[safe] * ~pad[:, None], self.valid[safe] & ~pad,
            self.scale, self.offset,
        )

    def crop(self, start: int, length: int) -> AxisMap:
        """Keep ``length`` positions from ``start``; positions outside become padding."""
        positions = np.arange(start, start + length)
        positions[(positions < 0) | (positions >= self.size)] = -1
        out = self.take(positions)
        out.offset = self.offset - start
        return out

    def pad(self, before: int, after: int) -> AxisMap:
        positions = np.concatenate([np.full(before, -1), np.arange(self.size), np.full(after, -1)])
        out = self.take(positions)
        out.offset = self.offset + before
        return out

    def flip(self) -> AxisMap:
        out = self.take(np.arange(self.size)[::-1].copy())
        out.scale, out.offset = -self.scale, self.size - self.offset
        return out

    def resize(self, n_out: int, mode: str) -> AxisMap:
        """Compose a resize of the current positions (not allowed over padding)."""
        if not self.valid.all():
            raise GeometryError("a resize after padding is not supported; pad last")
        table_index, table_weight = resize_table(self.size, n_out, mode)
        index = self.index[table_index].reshape(n_out, -1)
        weight = (table_weight[:, :, None] * self.weight[table_index]).reshape(n_out, -1)
        ratio = n_out / self.size
        return AxisMap(index, weight, np.ones(n_out, bool), self.scale * ratio, self.offset * ratio)

    def padding(self) -> tuple[int, int]:
        """Padding positions before and after the image along this axis."""
        where = np.flatnonzero(self.valid)
        if where.size == 0:
            return self.size, 0
        return int(where[0]), int(self.size - 1 - where[-1])


@dataclass
class Plan:
    """Everything the kernels need for one image, plus what the artifact records about it."""

    rows: AxisMap
    cols: AxisMap
    fill: int = 0
    normalize: NormalizeOp | None = None
    # Derived kernel tables (trimmed, offsets, device copies), filled on first use.
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows.size, self.cols.size

    @property
    def padding(self) -> tuple[int, int, int, int]:
        top, bottom = self.rows.padding()
        left, right = self.cols.padding()
        return top, left, bottom, right


RESIZE_OPS = (ResizeOp, ResizeShorterOp, LetterboxOp)


def resize_target(op, height: int, width: int) -> tuple[int, int]:
    """The (height, width) a resize-type op produces from an image of that size.

    >>> from mstool.schemas.preprocess import ResizeShorterOp, LetterboxOp
    >>> resize_target(ResizeShorterOp(size=256), 480, 640)
    (256, 341)
    >>> resize_target(LetterboxOp(size=416), 480, 640)
    (312, 416)
    """
    if isinstance(op, ResizeOp):
        return op.height, op.width
    if isinstance(op, ResizeShorterOp):
        if height <= width:
            return op.size, max(1, int(op.size * width / height))
        return max(1, int(op.size * height / width)), op.size
    ratio = min(op.size / height, op.size / width)
    return max(1, int(round(height * ratio))), max(1, int(round(width * ratio)))


def dct_target(ops, height: int, width: int) -> tuple[int, int] | None:
    """The smallest decode size that keeps a leading resize exact, or None when no resize leads."""
    if ops and isinstance(ops[0], RESIZE_OPS):
        return resize_target(ops[0], height, width)
    return None


def _apply(op, rows: AxisMap, cols: AxisMap, nominal: tuple[int, int]):
    """One op on both axes; returns (rows, cols, fill or None)."""
    if isinstance(op, RESIZE_OPS):
        th, tw = resize_target(op, *nominal)
        rows, cols = rows.resize(th, op.interpolation), cols.resize(tw, op.interpolation)
        if isinstance(op, LetterboxOp):
            top, left = (op.size - th) // 2, (op.size - tw) // 2
            rows, cols = rows.pad(top, op.size - th - top), cols.pad(left, op.size - tw - left)
            return rows, cols, op.fill if (th, tw) != (op.size, op.size) else None
        return rows, cols, None
    if isinstance(op, CenterCropOp):
        top = int(round((rows.size - op.height) / 2.0))
        left = int(round((cols.size - op.width) / 2.0))
        padded = op.height > rows.size or op.width > cols.size
        return rows.crop(top, op.height), cols.crop(left, op.width), op.fill if padded else None
    if isinstance(op, CropOp):
        if op.top + op.height > rows.size or op.left + op.width > cols.size:
            raise GeometryError(
                f"crop {op.height}x{op.width} at ({op.top}, {op.left}) lies outside the "
                f"{rows.size}x{cols.size} image"
            )
        return rows.crop(op.top, op.height), cols.crop(op.left, op.width), None
    if isinstance(op, PadOp):
        return rows.pad(op.top, op.bottom), cols.pad(op.left, op.right), op.fill
    if isinstance(op, HflipOp):
        return rows, cols.flip(), None
    raise TypeError(f"not a geometric op: {op!r}")


def plan_image(ops, original: tuple[int, int], source: tuple[int, int] | None = None) -> Plan:
    """Compose a recipe's ops for one image of ``original`` (height, width).

    ``source`` is the decoded size when the decoder already shrank the image (DCT
    scaling); the first resize then starts from it, but sizes follow ``original``.

    >>> from mstool.schemas.preprocess import LetterboxOp
    >>> plan = plan_image([LetterboxOp(size=416)], (480, 640))
    >>> plan.shape, plan.padding
    ((416, 416), (52, 0, 52, 0))
    """
    source = source or original
    rows = AxisMap.identity(source[0], original[0])
    cols = AxisMap.identity(source[1], original[1])
    nominal = original
    fills: set[int] = set()
    normalize = None
    for op in ops:
        if isinstance(op, NormalizeOp):
            normalize = op
            continue
        rows, cols, fill = _apply(op, rows, cols, nominal)
        nominal = (rows.size, cols.size)
        if fill is not None:
            fills.add(fill)
    if len(fills) > 1:
        raise GeometryError(f"ops pad with different fill values {sorted(fills)}; use one")
    return Plan(rows, cols, fills.pop() if fills else 0, normalize)


def fixed_output_shape(ops) -> tuple[int, int]:
    """The output (height, width) every image gets, or :class:`GeometryError` when it varies.

    >>> from mstool.schemas.preprocess import ResizeShorterOp, CenterCropOp
    >>> fixed_output_shape([ResizeShorterOp(size=256), CenterCropOp(height=224, width=224)])
    (224, 224)
    """
    fixed = False
    for op in ops:
        if isinstance(op, ResizeShorterOp):
            fixed = False
        elif isinstance(op, ResizeOp | LetterboxOp | CenterCropOp | CropOp):
            fixed = True
    if not fixed:
        raise GeometryError(
            "the output size would vary from image to image: end the geometry with "
            "resize, letterbox, center_crop or crop"
        )
    return plan_image(ops, (4096, 4096)).shape
