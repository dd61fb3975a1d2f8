"""The fused transform as a numba.cuda kernel: one thread per output pixel, all channels.

Same tables and arguments as the CPU kernel (see :mod:`.transform`); compiled on first use.
"""

from __future__ import annotations

import functools

import numpy as np

cuda = None  # numba.cuda, imported on first use so CPU-only runs never touch it


def _fused_transform_cuda(
    src, channels, row_index, row_weight, row_valid, col_index, col_weight, col_valid,
    gain, bias, fill, out, stride_c, stride_y, stride_x, to_uint8,
):  # pragma: no cover - compiled
    oy, ox = cuda.grid(2)
    if oy >= row_index.shape[0] or ox >= col_index.shape[0]:
        return
    at = oy * stride_y + ox * stride_x
    inside = row_valid[oy] and col_valid[ox]
    for c in range(channels):
        if not inside:
            out[c * stride_c + at] = fill[c]
            continue
        acc = 0.0
        for i in range(row_index.shape[1]):
            wy = row_weight[oy, i]
            if wy != 0.0:
                source_row = row_index[oy, i]
                for j in range(col_index.shape[1]):
                    acc += wy * col_weight[ox, j] * src[source_row, col_index[ox, j] * channels + c]
        acc = min(max(acc, 0.0), 255.0)
        if to_uint8:
            out[c * stride_c + at] = int(acc + 0.5)
        else:
            out[c * stride_c + at] = acc * gain[c] + bias[c]


@functools.cache
def _kernel():
    global cuda
    from numba import cuda as numba_cuda

    cuda = numba_cuda
    return numba_cuda.jit(_fused_transform_cuda)


def transform_cuda(args, size: int, dtype, cache: dict | None = None) -> np.ndarray:
    """Run the CUDA kernel on prepared :class:`~.transform.KernelArgs`; returns the flat output.

    ``cache`` (a plan's) keeps the tables on the device, so images of the same size reuse them.
    """
    from numba import cuda

    kernel = _kernel()
    row_index = args.tables[0]
    col_index = args.tables[3]
    cache = {} if cache is None else cache
    key = ("cuda", args.to_uint8)
    if key not in cache:
        cache[key] = (
            [cuda.to_device(np.ascontiguousarray(t)) for t in args.tables],
            [cuda.to_device(a) for a in (args.gain, args.bias, args.fill)],
        )
    device_tables, (gain, bias, fill) = cache[key]
    out = cuda.device_array(size, dtype=dtype)
    threads = (16, 16)
    blocks = (
        (row_index.shape[0] + threads[0] - 1) // threads[0],
        (col_index.shape[0] + threads[1] - 1) // threads[1],
    )
    kernel[blocks, threads](
        cuda.to_device(args.src), args.channels, *device_tables, gain, bias, fill,
        out, *args.strides, args.to_uint8,
    )
    return out.copy_to_host()
