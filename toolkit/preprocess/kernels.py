"""The fused CPU kernel: resample + crop + pad + flip + normalize + layout + dtype in one pass.

For each output row it blends the source rows it needs into a row buffer (contiguous,
vectorised), then resamples that buffer along x channel by channel (taps outer, pixels
inner, so the loops vectorise) and writes normalised values straight to their place.
``fused_transform_cpu`` spreads rows over numba's threads; ``fused_transform_serial``
runs the same row code in the calling thread (the pipeline runs one image per thread).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _transform_row(
    oy, src, channels, row_index, row_weight, row_valid, col_offset_t, col_weight_t, col_valid,
    first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    width = col_offset_t.shape[1]
    base = oy * stride_y
    if not row_valid[oy]:
        for c in range(channels):
            for ox in range(width):
                out[c * stride_c + base + ox * stride_x] = fill[c]
        return
    row = np.zeros(span, np.float32)
    for k in range(row_index.shape[1]):
        w = row_weight[oy, k]
        if w != 0.0:
            source = src[row_index[oy, k], first : first + span]
            for j in range(span):
                row[j] += w * source[j]
    line = np.empty(width, np.float32)
    for c in range(channels):
        line[:] = 0.0
        shifted = row[c:]
        for k in range(col_offset_t.shape[0]):
            weights = col_weight_t[k]
            offsets = col_offset_t[k]
            for ox in range(width):
                line[ox] += weights[ox] * shifted[offsets[ox]]
        at = c * stride_c + base
        if to_uint8:
            for ox in range(width):
                value = np.floor(min(max(line[ox], np.float32(0.0)), np.float32(255.0)) + 0.5)
                out[at + ox * stride_x] = value if col_valid[ox] else fill[c]
        else:
            g, b = gain[c], bias[c]
            for ox in range(width):
                value = min(max(line[ox], np.float32(0.0)), np.float32(255.0)) * g + b
                out[at + ox * stride_x] = value if col_valid[ox] else fill[c]


@njit(parallel=True, cache=True, nogil=True, fastmath=True)
def fused_transform_cpu(
    src, channels, row_index, row_weight, row_valid, col_offset_t, col_weight_t, col_valid,
    first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    """Write one image into ``out`` (flat) from ``src`` (H, W*C uint8) and the axis tables.

    ``col_offset_t``/``col_weight_t`` are (K, W_out): offsets into the row buffer, which
    holds ``span`` values of the source row from flat position ``first`` on.
    """
    for oy in prange(row_index.shape[0]):
        _transform_row(
            oy, src, channels, row_index, row_weight, row_valid, col_offset_t, col_weight_t,
            col_valid, first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
        )


@njit(cache=True, nogil=True, fastmath=True)
def fused_transform_serial(
    src, channels, row_index, row_weight, row_valid, col_offset_t, col_weight_t, col_valid,
    first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    """:func:`fused_transform_cpu` in the calling thread only."""
    for oy in range(row_index.shape[0]):
        _transform_row(
            oy, src, channels, row_index, row_weight, row_valid, col_offset_t, col_weight_t,
            col_valid, first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
        )
