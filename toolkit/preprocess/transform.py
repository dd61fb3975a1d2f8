"""Run a :class:`~mstool.toolkit.preprocess.geometry.Plan` on a decoded image, on CPU or CUDA.

:func:`transform` is the one dispatch point: same tables, same arguments, either kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mstool.toolkit.preprocess.geometry import Plan


@dataclass
class KernelArgs:
    """The flat arguments both kernels take (tables, normalisation, output strides)."""

    src: np.ndarray
    channels: int
    tables: tuple
    col_range: tuple[int, int]
    gain: np.ndarray
    bias: np.ndarray
    fill: np.ndarray
    strides: tuple[int, int, int]
    to_uint8: bool


def _normalisation(plan: Plan, channels: int, to_uint8: bool) -> tuple[np.ndarray, ...]:
    if plan.normalize is None or to_uint8:
        gain, bias = np.ones(channels, np.float32), np.zeros(channels, np.float32)
    else:
        norm = plan.normalize
        std = np.asarray(norm.std, np.float64)
        gain = (norm.scale / std).astype(np.float32)
        bias = (-np.asarray(norm.mean, np.float64) / std).astype(np.float32)
    fill = (np.float32(plan.fill) * gain + bias).astype(np.float32)
    return gain, bias, fill


def _trim(index: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop tap columns whose weight is zero everywhere (PIL tables are padded to K)."""
    keep = (weight != 0).any(axis=0)
    if not keep.any():
        keep[0] = True
    return np.ascontiguousarray(index[:, keep]), np.ascontiguousarray(weight[:, keep])


def _tables(plan: Plan) -> tuple[tuple, tuple[int, int]]:
    """Trimmed axis tables and the source column range, computed once per plan."""
    cached = plan.cache.get("tables")
    if cached is None:
        row_index, row_weight = _trim(plan.rows.index, plan.rows.weight)
        col_index, col_weight = _trim(plan.cols.index, plan.cols.weight)
        used = col_index[plan.cols.valid]
        col_range = (int(used.min()), int(used.max()) + 1) if used.size else (0, 1)
        tables = (row_index, row_weight, plan.rows.valid, col_index, col_weight, plan.cols.valid)
        cached = plan.cache["tables"] = (tables, col_range)
    return cached


def kernel_args(src: np.ndarray, plan: Plan, layout: str, dtype: str) -> KernelArgs:
    """Prepare the kernel arguments; ``src`` is (H, W, C) uint8."""
    height, width = plan.shape
    channels = src.shape[2]
    if src.ndim != 3 or channels != 3 or src.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 image, got {src.shape} {src.dtype}")
    to_uint8 = dtype == "uint8"
    key = ("normalisation", to_uint8)
    cached = plan.cache.get(key)
    if cached is None:
        cached = plan.cache[key] = _normalisation(plan, channels, to_uint8)
    gain, bias, fill = cached
    if layout == "CHW":
        strides = (height * width, width, 1)
    else:
        strides = (1, width * channels, channels)
    tables, col_range = _tables(plan)
    flat_src = np.ascontiguousarray(src).reshape(src.shape[0], -1)
    return KernelArgs(flat_src, channels, tables, col_range, gain, bias, fill, strides, to_uint8)


def column_offsets(
    col_index: np.ndarray, col_weight: np.ndarray, col_valid: np.ndarray, first: int, channels: int = 3,
) -> tuple[np.ndarray, bool]:
    """Row-buffer offsets of each column's taps, and whether they are all adjacent pixels.

    Taps clipped at the image edge carry zero weight: they are moved to the adjacent
    position (the CPU kernel's row buffer has zeroed room past its end), so edge columns
    do not keep the whole image off the kernel's unrolled adjacent-tap path. Padding
    columns get offset 0. Adjacent means ``offset[ox, k] == offset[ox, 0] + channels * k``.

    >>> idx = np.array([[0, 1], [1, 1]]); w = np.array([[0.5, 0.5], [1.0, 0.0]], np.float32)
    >>> off, adjacent = column_offsets(idx, w, np.array([True, True]), 0)
    >>> off.tolist(), adjacent
    ([[0, 3], [3, 6]], True)
    """
    offsets = ((col_index - first) * channels).astype(np.int64)
    offsets[~col_valid] = 0
    shifted = offsets[:, :1] + channels * np.arange(offsets.shape[1])[None, :]
    movable = (col_weight == 0) & col_valid[:, None]
    offsets[movable] = shifted[movable]
    adjacent = bool(col_valid.any()) and bool((offsets == shifted)[col_valid].all())
    return offsets, adjacent


def transform(
    src: np.ndarray, plan: Plan, *, layout: str = "CHW", dtype: str = "float32", device: str = "cpu",
    threaded: bool = True, out: np.ndarray | None = None,
) -> np.ndarray:
    """Apply ``plan`` to ``src`` (H, W, C uint8) and return (C, H, W) or (H, W, C) of ``dtype``.

    ``device`` is ``cpu`` or ``cuda``; on CPU, ``threaded=False`` keeps the kernel in
    the calling thread (for callers that already process images in parallel), and
    ``out`` may be a reusable flat buffer (float32, or uint8 for uint8 output) of at
    least the output's size, which spares a fresh allocation per image.

    >>> from mstool.schemas.preprocess import ResizeOp
    >>> from mstool.toolkit.preprocess.geometry import plan_image
    >>> img = np.full((8, 8, 3), 200, np.uint8)
    >>> out = transform(img, plan_image([ResizeOp(height=4, width=4)], (8, 8)), dtype="uint8")
    >>> out.shape, int(out.min()), int(out.max())
    ((3, 4, 4), 200, 200)
    """
    args = kernel_args(src, plan, layout, dtype)
    height, width = plan.shape
    shape = (args.channels, height, width) if layout == "CHW" else (height, width, args.channels)
    kernel_dtype = np.uint8 if args.to_uint8 else np.float32
    if device == "cuda":
        from mstool.toolkit.preprocess.cuda_kernels import transform_cuda

        flat = transform_cuda(args, int(np.prod(shape)), kernel_dtype, plan.cache)
    else:
        from mstool.toolkit.preprocess.kernels import fused_transform_cpu, fused_transform_serial

        row_index, row_weight, row_valid, col_index, col_weight, col_valid = args.tables
        lo, hi = args.col_range
        kernel = fused_transform_cpu if threaded else fused_transform_serial
        size = int(np.prod(shape))
        if out is not None and out.dtype == kernel_dtype and out.size >= size:
            flat = out[:size]
        else:
            flat = np.empty(size, kernel_dtype)
        cached = plan.cache.get("col_offset")
        if cached is None:
            cached = plan.cache["col_offset"] = column_offsets(col_index, col_weight, col_valid, lo)
        col_offset, adjacent = cached
        kernel(
            args.src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid, adjacent,
            lo * args.channels, (hi - lo) * args.channels,
            args.gain, args.bias, args.fill, flat, *args.strides, args.to_uint8,
        )
    result = flat.reshape(shape)
    return result.astype(np.float16) if dtype == "float16" else result
