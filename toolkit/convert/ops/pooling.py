"""MaxPool, AveragePool and the global pools as Keras pooling layers in the spatial layout."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.codegen import format_call
from mstool.toolkit.convert.ops.common import attr
from mstool.toolkit.convert.ops.conv import explicit_pads, is_keras_same
from mstool.toolkit.convert.ops.registry import add_converter


def _ceil_extra(size: int, k: int, s: int, begin: int, end: int) -> int:
    """Extra end padding that makes floor-mode pooling produce ONNX's ceil-mode output size."""
    out = -(-(size + begin + end - k) // s) + 1
    if (out - 1) * s >= size + begin:
        out -= 1
    return max(0, (out - 1) * s + k - (size + begin + end))


def _pool_setup(node: Any, b: Builder):
    kernel = [int(k) for k in attr(node, "kernel_shape")]
    n = len(kernel)
    if n not in (1, 2, 3):
        raise Unsupported(f"{n}-D pooling is not supported")
    strides = [int(s) for s in attr(node, "strides", [1] * n)]
    dilations = [int(d) for d in attr(node, "dilations", [1] * n)]
    sizes = list(b.onnx_shape(node.input[0])[2:])
    pads = explicit_pads(node, sizes, kernel, strides, dilations)
    if attr(node, "ceil_mode", 0):
        spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilations, strict=True)]
        pads = [(p0, p1 + _ceil_extra(sz, k, s, p0, p1))
                for (p0, p1), sz, k, s in zip(pads, sizes, spans, strides, strict=True)]
    return kernel, strides, dilations, sizes, pads, n


def _padded(node: Any, b: Builder, x: str, pads: list[tuple[int, int]], n: int, value: str) -> str:
    widths = [(0, 0)] + list(pads) + [(0, 0)] if not b.keep_layout else [(0, 0), (0, 0)] + list(pads)
    target = b.fresh_name(f"{node.name or node.op_type}_pad")
    b.assign(target, f"keras.ops.pad({x}, {tuple(widths)}, constant_values={value})")
    return target


@add_converter("MaxPool", 1)
def max_pool(node: Any, b: Builder) -> None:
    kernel, strides, dilations, sizes, pads, n = _pool_setup(node, b)
    if len(node.output) > 1 and node.output[1]:
        _max_pool_with_indices(node, b, (kernel, strides, dilations), pads)
        return
    if max(dilations) > 1:
        _dilated_pool(node, b, (kernel, strides, dilations), pads, "max")
        return
    x = b.view(node.input[0], b.spatial_perm(n + 2))
    padding = "valid"
    if any(p != (0, 0) for p in pads):
        if is_keras_same(pads, sizes, kernel, strides, dilations):
            padding = "same"
        else:
            x = _padded(node, b, x, pads, n, '-float("inf")')
    kwargs = {"pool_size": tuple(kernel), "strides": tuple(strides), "padding": padding,
              "data_format": b.data_format}
    b.layer(node, f"keras.layers.MaxPooling{n}D", kwargs, x, None, b.spatial_perm(n + 2))


def _window_counts(sizes: list[int], kernel: list[int], strides: list[int], pads: list[tuple[int, int]],
                   explicit: list[tuple[int, int]], include_pad: bool,
                   dilations: list[int] | None = None) -> np.ndarray:
    """How many cells of each pooling window ONNX divides by (pads counted only if ``include_pad``;
    the extra end padding of ceil mode never counts)."""
    mask = np.ones(sizes)
    if include_pad:
        mask = np.pad(mask, explicit, constant_values=1.0)
        extra = [(p0 - e0, p1 - e1) for (p0, p1), (e0, e1) in zip(pads, explicit, strict=True)]
        mask = np.pad(mask, extra, constant_values=0.0)
    else:
        mask = np.pad(mask, pads, constant_values=0.0)
    dilations = dilations or [1] * len(sizes)
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilations, strict=True)]
    outs = [(m - span) // s + 1 for m, span, s in zip(mask.shape, spans, strides, strict=True)]
    counts = np.zeros(outs)
    for offset in np.ndindex(*kernel):
        starts = [i * d for i, d in zip(offset, dilations, strict=True)]
        window = zip(starts, outs, strides, strict=True)
        counts += mask[tuple(slice(a, a + (o - 1) * s + 1, s) for a, o, s in window)]
    return counts


def _windows(node: Any, b: Builder, geometry: tuple[list[int], list[int], list[int]],
             pads: list[tuple[int, int]], fill: str) -> tuple[str, list[int]]:
    """A variable stacking one strided slice of the (padded) input per kernel offset (row-major
    offset order, axis 0), and the output's spatial sizes."""
    kernel, strides, dilations = geometry
    n = len(kernel)
    sizes = list(b.onnx_shape(node.input[0])[2:])
    x = b.view(node.input[0], b.spatial_perm(n + 2))
    if any(p != (0, 0) for p in pads):
        x = _padded(node, b, x, pads, n, fill)
    padded = [sz + p0 + p1 for sz, (p0, p1) in zip(sizes, pads, strict=True)]
    geometry_per_dim = list(zip(padded, kernel, dilations, strides, strict=True))
    outs = [(m - (k - 1) * d - 1) // s + 1 for m, k, d, s in geometry_per_dim]
    spatial = [f"i{j}:i{j} + {(o - 1) * s + 1}:{s}"
               for j, (o, s) in enumerate(zip(outs, strides, strict=True))]
    index = ", ".join([":", *spatial, ":"] if not b.keep_layout else [":", ":", *spatial])
    loops = "".join(f"\n    for i{j} in range(0, {k * d}, {d})"
                    for j, (k, d) in enumerate(zip(kernel, dilations, strict=True)))
    windows = b.fresh_name(f"{node.name or node.op_type}_windows")
    b.assign(windows, f"keras.ops.stack([\n    {x}[{index}]{loops}\n])")
    return windows, outs


def window_indices(sizes: list[int], outs: list[int], geometry: tuple[list[int], list[int], list[int]],
                   pads: list[tuple[int, int]], storage_order: int = 0) -> np.ndarray:
    """``(kernel offsets, *outs)``: the flat index within one input plane (row-major, or
    column-major for ``storage_order=1``) of the cell each kernel offset reads at each output.

    >>> window_indices([3, 4], [1, 2], ([2, 2], [2, 2], [1, 1]), [(0, 0), (0, 0)])[:, 0].tolist()
    [[0, 2], [1, 3], [4, 6], [5, 7]]
    """
    kernel, strides, dilations = geometry
    grids = []
    for offset in np.ndindex(*kernel):
        coords = np.meshgrid(*[np.arange(o) * s + k * d - p0 for o, s, k, d, (p0, _) in
                               zip(outs, strides, offset, dilations, pads, strict=True)], indexing="ij")
        order = range(len(sizes)) if storage_order == 0 else reversed(range(len(sizes)))
        flat = np.zeros(outs, np.int64)
        for axis in order:
            flat = flat * sizes[axis] + coords[axis]
        grids.append(flat)
    return np.stack(grids)


def _max_pool_with_indices(node: Any, b: Builder, geometry: tuple[list[int], list[int], list[int]],
                           pads: list[tuple[int, int]]) -> None:
    """MaxPool's values and Indices (flat positions in the whole NCHW input, the first maximum of
    each window) from the stacked windows: an argmax over the kernel offsets picks each cell's index."""
    n = len(geometry[0])
    shape = b.onnx_shape(node.input[0])
    sizes = [int(d) for d in shape[2:]]
    channels = shape[1]
    if not isinstance(channels, int):
        raise Unsupported("MaxPool Indices with a dynamic channel count")
    windows, outs = _windows(node, b, geometry, pads, '-float("inf")')
    perm = b.spatial_perm(n + 2)
    b.emit(node, f"keras.ops.max({windows}, axis=0)", perm)
    base = node.name or node.op_type
    choice = b.fresh_name(f"{base}_choice")
    b.assign(choice, f"keras.ops.argmax({windows}, axis=0)")
    cells = window_indices(sizes, outs, geometry, pads, int(attr(node, "storage_order", 0)))
    kernel_axis = np.arange(len(cells)).reshape([-1] + [1] * (n + 2))
    if b.keep_layout:  # (offsets, 1, 1, *outs)
        cells, plane = cells[:, None, None], np.arange(channels).reshape([1, -1] + [1] * n)
    else:  # (offsets, 1, *outs, 1)
        cells, plane = cells[:, None, ..., None], np.arange(channels).reshape([1] * (n + 1) + [-1])
    plane_size = int(np.prod(sizes))
    cells_var = b.constant_var(cells.astype(np.int64), f"{base}_cells")
    offsets_var = b.constant_var(kernel_axis.astype(np.int64), f"{base}_offsets")
    channel_var = b.constant_var((plane * plane_size).astype(np.int64), f"{base}_channel_start")
    picked = b.fresh_name(f"{base}_cell")
    b.assign(picked, f'keras.ops.sum(keras.ops.where(keras.ops.equal(keras.ops.cast({choice}, "int64"), '
                     f"{offsets_var}), {cells_var}, 0), axis=0)")
    batch = b.fresh_name(f"{base}_batch")
    ones = f'keras.ops.ones_like(keras.ops.cast({picked}{_leading_slice(n)}, "int64"))'
    b.assign(batch, f"keras.ops.subtract(keras.ops.cumsum({ones}, axis=0), 1)")
    # The small operand goes first: keras.ops.add(x, b) with b a vector along a middle axis would
    # take Keras' TensorFlow bias_add shortcut and add it along the wrong axis.
    b.emit(node, f"keras.ops.add({channel_var}, keras.ops.add("
                 f"keras.ops.multiply({batch}, {channels * plane_size}), {picked}))", perm, index=1)


def _leading_slice(n: int) -> str:
    """``[:, :1, :1, ...]``: the batch axis whole, every other axis cut to length 1."""
    return "[" + ", ".join([":"] + [":1"] * (n + 1)) + "]"


def _dilated_pool(node: Any, b: Builder, geometry: tuple[list[int], list[int], list[int]],
                  pads: list[tuple[int, int]], kind: str) -> None:
    """Dilated pooling as the max (or scaled sum) of one strided slice per kernel offset."""
    kernel, strides, dilations = geometry
    n = len(kernel)
    sizes = list(b.onnx_shape(node.input[0])[2:])
    windows, outs = _windows(node, b, geometry, pads, '-float("inf")' if kind == "max" else "0.0")
    base = node.name or node.op_type
    if kind == "max":
        b.emit(node, f"keras.ops.max({windows}, axis=0)", b.spatial_perm(n + 2))
        return
    explicit = explicit_pads(node, sizes, kernel, strides, dilations)
    counts = _window_counts(sizes, kernel, strides, pads, explicit, bool(attr(node, "count_include_pad", 0)),
                            dilations)
    scale = (1.0 / counts).astype(b.dtype(node.input[0]))
    scale = scale[None, ..., None] if not b.keep_layout else scale[None, None]
    factor = b.constant_var(scale, f"{base}_scale")
    b.emit(node, f"keras.ops.multiply(keras.ops.sum({windows}, axis=0), {factor})", b.spatial_perm(n + 2))


@add_converter("AveragePool", 1)
def average_pool(node: Any, b: Builder) -> None:
    kernel, strides, dilations, sizes, pads, n = _pool_setup(node, b)
    if max(dilations) > 1:
        _dilated_pool(node, b, (kernel, strides, dilations), pads, "average")
        return
    x = b.view(node.input[0], b.spatial_perm(n + 2))
    kwargs = {"pool_size": tuple(kernel), "strides": tuple(strides), "padding": "valid",
              "data_format": b.data_format}
    if all(p == (0, 0) for p in pads):
        b.layer(node, f"keras.layers.AveragePooling{n}D", kwargs, x, None, b.spatial_perm(n + 2))
        return
    include_pad = bool(attr(node, "count_include_pad", 0))
    explicit = explicit_pads(node, sizes, kernel, strides, dilations)
    if not include_pad and pads == explicit and is_keras_same(pads, sizes, kernel, strides, dilations):
        b.layer(node, f"keras.layers.AveragePooling{n}D", {**kwargs, "padding": "same"}, x, None,
                b.spatial_perm(n + 2))
        return
    # Average over zero-padded windows, rescaled by kernel size / cells that count.
    padded = _padded(node, b, x, pads, n, "0.0")
    pooled = b.fresh_name(f"{node.name or 'average_pool'}_sum")
    b.assign(pooled, format_call(f"keras.layers.AveragePooling{n}D", {**kwargs, "name": pooled}, padded,
                                 indent=len(pooled) + 7))
    counts = _window_counts(sizes, kernel, strides, pads, explicit, include_pad)
    scale = (np.prod(kernel) / counts).astype(b.dtype(node.input[0]))
    scale = scale[None, ..., None] if not b.keep_layout else scale[None, None]
    factor = b.constant_var(scale, f"{node.name or 'average_pool'}_scale")
    b.emit(node, f"keras.ops.multiply({pooled}, {factor})", b.spatial_perm(n + 2))


def _global(op_type: str, kind: str) -> None:
    def convert(node: Any, b: Builder) -> None:
        rank = b.rank(node.input[0])
        n = rank - 2
        if n not in (1, 2, 3):
            raise Unsupported(f"{op_type} on rank {rank} is not supported")
        x = b.view(node.input[0], b.spatial_perm(rank))
        kwargs = {"keepdims": True, "data_format": b.data_format}
        b.layer(node, f"keras.layers.Global{kind}Pooling{n}D", kwargs, x, None, b.spatial_perm(rank))

    add_converter(op_type, 1)(convert)


_global("GlobalAveragePool", "Average")
_global("GlobalMaxPool", "Max")
