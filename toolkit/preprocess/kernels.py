"""The fused CPU kernel: resample + crop + pad + flip + normalize + layout + dtype in one pass.

For each output row it blends the source rows it needs into a row buffer (contiguous,
vectorised), then resamples that buffer along x for the three channels at once and
writes clipped, normalised values straight to their place in the output layout.
``fused_transform_cpu`` spreads rows over numba's threads; ``fused_transform_serial``
runs the same row code in the calling thread (the pipeline runs one image per thread).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

ZERO = np.float32(0.0)
TOP = np.float32(255.0)
HALF = np.float32(0.5)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _store(out, at, value, gain, bias, to_uint8):  # pragma: no cover - compiled
    value = min(max(value, ZERO), TOP)
    if to_uint8:
        out[at] = np.floor(value + HALF)
    else:
        out[at] = value * gain + bias


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _transform_row(
    oy, row, src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
    first, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    width = col_offset.shape[0]
    base = oy * stride_y
    if not row_valid[oy]:
        for c in range(3):
            for ox in range(width):
                out[c * stride_c + base + ox * stride_x] = fill[c]
        return
    span = row.shape[0]
    row[:] = 0.0
    for k in range(row_index.shape[1]):
        w = row_weight[oy, k]
        if w != 0.0:
            source = src[row_index[oy, k], first : first + span]
            for j in range(span):
                row[j] += w * source[j]
    gain_r, gain_g, gain_b = gain[0], gain[1], gain[2]
    bias_r, bias_g, bias_b = bias[0], bias[1], bias[2]
    for ox in range(width):
        at = base + ox * stride_x
        if not col_valid[ox]:
            for c in range(3):
                out[c * stride_c + at] = fill[c]
            continue
        red = ZERO
        green = ZERO
        blue = ZERO
        for k in range(col_offset.shape[1]):
            w = col_weight[ox, k]
            o = col_offset[ox, k]
            red += w * row[o]
            green += w * row[o + 1]
            blue += w * row[o + 2]
        _store(out, at, red, gain_r, bias_r, to_uint8)
        _store(out, stride_c + at, green, gain_g, bias_g, to_uint8)
        _store(out, 2 * stride_c + at, blue, gain_b, bias_b, to_uint8)


@njit(parallel=True, cache=True, nogil=True, fastmath=True)
def fused_transform_cpu(
    src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
    first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    """Write one RGB image into ``out`` (flat) from ``src`` (H, W*3 uint8) and axis tables.

    ``col_offset``/``col_weight`` are (W_out, K): offsets of the red value in the row
    buffer, which holds ``span`` values of a source row from flat position ``first`` on.
    """
    for oy in prange(row_index.shape[0]):
        row = np.empty(span, np.float32)
        _transform_row(
            oy, row, src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
            first, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
        )


@njit(cache=True, nogil=True, fastmath=True)
def fused_transform_serial(
    src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
    first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    """:func:`fused_transform_cpu` in the calling thread only (one row buffer reused)."""
    row = np.empty(span, np.float32)
    for oy in range(row_index.shape[0]):
        _transform_row(
            oy, row, src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
            first, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
        )
