"""The fused CPU kernel: resample + crop + pad + flip + normalize + layout + dtype in one pass.

For each output row it blends the source rows it needs into a row buffer (contiguous,
vectorised, two source rows per sweep), resamples that buffer along x for the three
channels at once into three channel planes (the common 2-, 3- and 4-tap cases unrolled), then
clips, normalises and writes each plane to its place in the output layout (a
contiguous, vectorised loop for CHW).
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
def _blend_rows(oy, row, span, src, row_index, row_weight, first):  # pragma: no cover - compiled
    """``row[:span] = sum_k weight[k] * src[index[k], first:first + span]``, two taps per sweep."""
    taps = row_index.shape[1]
    w0 = row_weight[oy, 0]
    s0 = src[row_index[oy, 0], first : first + span]
    for j in range(span):
        row[j] = w0 * s0[j]
    k = 1
    while k + 1 < taps:
        w1, w2 = row_weight[oy, k], row_weight[oy, k + 1]
        s1 = src[row_index[oy, k], first : first + span]
        s2 = src[row_index[oy, k + 1], first : first + span]
        for j in range(span):
            row[j] += w1 * s1[j] + w2 * s2[j]
        k += 2
    if k < taps:
        w1 = row_weight[oy, k]
        s1 = src[row_index[oy, k], first : first + span]
        for j in range(span):
            row[j] += w1 * s1[j]


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _resample_columns(row, col_offset, col_weight, col_valid, adjacent, planes):  # pragma: no cover
    """``planes[c, ox] = sum_k weight[ox, k] * row[offset[ox, k] + c]`` (0 where padding);
    two, three or four adjacent taps (bilinear enlarging, antialias shrinking by up to about
    2x) take unrolled paths."""
    red, green, blue = planes[0], planes[1], planes[2]
    taps = col_offset.shape[1]
    # Adjacent taps: padding columns read offset 0 and are overwritten by the store.
    if adjacent and taps == 4:
        for ox in range(col_offset.shape[0]):
            w0, w1, w2, w3 = col_weight[ox, 0], col_weight[ox, 1], col_weight[ox, 2], col_weight[ox, 3]
            o = col_offset[ox, 0]
            red[ox] = w0 * row[o] + w1 * row[o + 3] + w2 * row[o + 6] + w3 * row[o + 9]
            green[ox] = w0 * row[o + 1] + w1 * row[o + 4] + w2 * row[o + 7] + w3 * row[o + 10]
            blue[ox] = w0 * row[o + 2] + w1 * row[o + 5] + w2 * row[o + 8] + w3 * row[o + 11]
        return
    if adjacent and taps == 3:  # antialias shrinking by less than 1.5x
        for ox in range(col_offset.shape[0]):
            w0, w1, w2 = col_weight[ox, 0], col_weight[ox, 1], col_weight[ox, 2]
            o = col_offset[ox, 0]
            red[ox] = w0 * row[o] + w1 * row[o + 3] + w2 * row[o + 6]
            green[ox] = w0 * row[o + 1] + w1 * row[o + 4] + w2 * row[o + 7]
            blue[ox] = w0 * row[o + 2] + w1 * row[o + 5] + w2 * row[o + 8]
        return
    if adjacent and taps == 2:  # bilinear enlarging
        for ox in range(col_offset.shape[0]):
            w0, w1 = col_weight[ox, 0], col_weight[ox, 1]
            o = col_offset[ox, 0]
            red[ox] = w0 * row[o] + w1 * row[o + 3]
            green[ox] = w0 * row[o + 1] + w1 * row[o + 4]
            blue[ox] = w0 * row[o + 2] + w1 * row[o + 5]
        return
    for ox in range(col_offset.shape[0]):
        r = g = b = ZERO
        if col_valid[ox]:
            for k in range(taps):
                w = col_weight[ox, k]
                o = col_offset[ox, k]
                r += w * row[o]
                g += w * row[o + 1]
                b += w * row[o + 2]
        red[ox], green[ox], blue[ox] = r, g, b


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _store_planes(
    planes, base, col_valid, padded, gain, bias, fill, out, stride_c, stride_x, to_uint8,
):  # pragma: no cover - compiled
    """Clip each plane to [0, 255], normalise (or round for uint8) and write it; then
    overwrite padding columns (only when ``padded``) with ``fill``."""
    width = col_valid.shape[0]
    for c in range(3):
        plane, g, b = planes[c], gain[c], bias[c]
        at = c * stride_c + base
        if stride_x == 1 and to_uint8:
            dest = out[at : at + width]
            for ox in range(width):
                dest[ox] = np.floor(min(max(plane[ox], ZERO), TOP) + HALF)
        elif stride_x == 1:
            dest = out[at : at + width]
            for ox in range(width):
                dest[ox] = min(max(plane[ox], ZERO), TOP) * g + b
        else:
            for ox in range(width):
                value = min(max(plane[ox], ZERO), TOP)
                out[at + ox * stride_x] = np.floor(value + HALF) if to_uint8 else value * g + b
        if padded:
            for ox in range(width):
                if not col_valid[ox]:
                    out[at + ox * stride_x] = fill[c]


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _transform_row(
    oy, row, span, planes, src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
    padded, adjacent, first, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    width = col_offset.shape[0]
    base = oy * stride_y
    if not row_valid[oy]:
        for c in range(3):
            at = c * stride_c + base
            if stride_x == 1:
                dest = out[at : at + width]
                value = fill[c]
                for ox in range(width):
                    dest[ox] = value
            else:
                for ox in range(width):
                    out[at + ox * stride_x] = fill[c]
        return
    _blend_rows(oy, row, span, src, row_index, row_weight, first)
    _resample_columns(row, col_offset, col_weight, col_valid, adjacent, planes)
    _store_planes(planes, base, col_valid, padded, gain, bias, fill, out, stride_c, stride_x, to_uint8)


@njit(cache=True, nogil=True, inline="always")
def _row_buffer(span, taps):  # pragma: no cover - compiled
    """The row buffer: ``span`` values, then zeros that edge taps (weight 0) may read."""
    row = np.empty(span + 3 * taps, np.float32)
    row[span:] = ZERO
    return row


@njit(parallel=True, cache=True, nogil=True, fastmath=True)
def fused_transform_cpu(
    src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid, adjacent,
    first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    """Write one RGB image into ``out`` (flat) from ``src`` (H, W*3 uint8) and axis tables.

    ``col_offset``/``col_weight`` are (W_out, K): offsets of the red value in the row
    buffer, which holds ``span`` values of a source row from flat position ``first`` on.
    """
    padded = not col_valid.all()
    for oy in prange(row_index.shape[0]):
        row = _row_buffer(span, col_offset.shape[1])
        planes = np.empty((3, col_offset.shape[0]), np.float32)
        _transform_row(
            oy, row, span, planes, src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
            padded, adjacent, first, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
        )


@njit(cache=True, nogil=True, fastmath=True)
def fused_transform_serial(
    src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid, adjacent,
    first, span, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    """:func:`fused_transform_cpu` in the calling thread only (buffers reused across rows)."""
    row = _row_buffer(span, col_offset.shape[1])
    planes = np.empty((3, col_offset.shape[0]), np.float32)
    padded = not col_valid.all()
    for oy in range(row_index.shape[0]):
        _transform_row(
            oy, row, span, planes, src, row_index, row_weight, row_valid, col_offset, col_weight, col_valid,
            padded, adjacent, first, gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
        )
