"""Reshape, Flatten, Transpose, Squeeze/Unsqueeze, Concat, Split, Slice, Expand, Tile, Pad, Identity."""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from mstool.toolkit.convert import dims, dynamic, layout
from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.codegen import format_call
from mstool.toolkit.convert.ops.common import attr, attr_choice, axes_from, const_input, ints, optional_input
from mstool.toolkit.convert.ops.registry import add_converter
from mstool.toolkit.convert.safe_code import string_literal


def reshape_target(source: tuple[Any, ...], wanted: list[Any], allowzero: bool) -> list[Any]:
    """ONNX Reshape's output dims (0 copies, -1 infers), sizes may be :class:`Dim`; None if unknowable.

    >>> reshape_target((2, 3, 4), [0, -1], False)
    [2, 12]
    """
    shape: list[Any] = [source[i] if not allowzero and _is(d, 0) else d for i, d in enumerate(wanted)]
    if any(_is(d, -1) for d in shape):
        position = next(i for i, d in enumerate(shape) if _is(d, -1))
        known = dims.product([d for i, d in enumerate(shape) if i != position])
        try:
            shape[position] = dims.simplify(dims.product(source) // known) if not _is(known, 0) else 0
        except dims.Undecidable:
            shape[position] = None
    return shape


def _is(value: Any, number: int) -> bool:
    return not isinstance(dims.simplify(value), dims.Dim) and int(value) == number


def emit_reshape(node: Any, b: Builder, x: str, out: list[Any]) -> None:
    """Reshape ONNX tensor ``x`` to ``out`` (ints, Dims, None for one unknown dim)."""
    source = b.reshape_source(x)
    expr, layer = dynamic.reshape_code(b, source, b.onnx_shape(x), out, node.name or "reshape")
    if layer:
        target = b.fresh_name(node.name or f"{node.op_type}_{node.output[0]}")
        kwargs = {"target_shape": ast.literal_eval(expr), "name": target}
        b.assign(target, format_call(layer, kwargs, source, indent=len(target) + 7))
        b.alias(node.output[0], target)
    else:
        b.emit(node, expr)
    b.set_dims(node.output[0], tuple(out))


@add_converter("Reshape", 1)
def reshape(node: Any, b: Builder) -> None:
    x = node.input[0]
    wanted = ints(attr(node, "shape")) if b.opset < 5 else list(b.shape_value(node.input[1]).reshape(-1))
    emit_reshape(node, b, x, reshape_target(b.onnx_shape(x), wanted, bool(attr(node, "allowzero", 0))))


@add_converter("Flatten", 1)
def flatten(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = b.onnx_shape(x)
    axis = int(attr(node, "axis", 1))
    axis = axis + len(shape) if axis < 0 else axis
    emit_reshape(node, b, x, [dims.product(shape[:axis]), dims.product(shape[axis:])])


@add_converter("Transpose", 1)
def transpose(node: Any, b: Builder) -> None:
    # No code: the output is the input seen through a composed permutation.
    x = node.input[0]
    rank = b.rank(x)
    order = [int(p) for p in attr(node, "perm", list(range(rank))[::-1])]
    inverse = layout.inverse(order)
    current = layout.full(b.perm(x), rank)
    b.alias(node.output[0], x, tuple(inverse[p] for p in current))


@add_converter("Identity", 1)
def identity(node: Any, b: Builder) -> None:
    b.alias(node.output[0], node.input[0], b.perm(node.input[0]))


@add_converter("Dropout", 1)
def dropout(node: Any, b: Builder) -> None:
    training = const_input(node, b, 2, default=False) if b.opset >= 12 else None
    ratio = const_input(node, b, 1, default=0.5) if b.opset >= 12 and training else None
    if training and float(ratio) != 0.0:  # a zero ratio drops nothing, training or not
        raise Unsupported("training-mode Dropout is not supported")
    x = node.input[0]
    b.alias(node.output[0], x, b.perm(x))
    if len(node.output) > 1 and node.output[1]:
        mask = b.fresh_name(f"{node.name or 'dropout'}_mask")
        b.assign(mask, f'keras.ops.ones_like({b.view(x, b.perm(x))}, dtype="bool")')
        b.alias(node.output[1], mask, b.perm(x))


@add_converter("Squeeze", 1)
def squeeze(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = b.onnx_shape(x)
    axes = axes_from(node, b, len(shape), attr_before=13)
    if axes is None:
        axes = [i for i, d in enumerate(shape) if not isinstance(d, dims.Dim) and d == 1]
    perm = b.perm(x)
    keras_axes = tuple(layout.keras_axis(a, perm, len(shape)) for a in axes)
    b.emit(node, f"keras.ops.squeeze({b.view(x, perm)}, axis={keras_axes})",
           layout.after_removing(perm, axes, len(shape)))


@add_converter("Unsqueeze", 1)
def unsqueeze(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = list(b.onnx_shape(x))
    axes = axes_from(node, b, len(shape) + len(attr(node, "axes", []) or const_input(node, b, 1, [])),
                     attr_before=13)
    for a in axes:
        shape.insert(a, 1)
    v = b.view(x, None)
    if len(axes) == 1:
        expr = f"keras.ops.expand_dims({v}, {axes[0]})"
    elif dims.is_static(shape):
        expr = f"keras.ops.reshape({v}, {tuple(shape)})"
    else:
        expr = f"keras.ops.expand_dims({v}, {tuple(axes)})"
    b.emit(node, expr)


@add_converter("Concat", 1)
def concat(node: Any, b: Builder) -> None:
    names = [n for n in node.input if n and dims.product(b.onnx_shape(n)) != 0 or n == node.input[0]]
    rank = b.rank(names[0])
    perms = {b.perm(n) for n in names if not b.is_const(n)}
    perm = perms.pop() if len(perms) == 1 else None
    axis = layout.keras_axis(int(attr(node, "axis", 1)), perm, rank)
    variables = ", ".join(b.view(n, perm) for n in names)
    b.emit(node, f"keras.ops.concatenate([{variables}], axis={axis})", perm)


@add_converter("Split", 1)
def split(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = b.onnx_shape(x)
    axis = int(attr(node, "axis", 0))
    axis = axis + len(shape) if axis < 0 else axis
    if b.opset < 13:
        given = ints(const_input(node, b, 1)) if optional_input(node, 1) else None
        sizes = attr(node, "split", None) or given
    else:
        sizes = ints(const_input(node, b, 1)) if optional_input(node, 1) else None
    outputs = len(node.output)
    if sizes is None:
        chunk = -(-shape[axis] // outputs)
        sizes = [min(chunk, shape[axis] - i * chunk) for i in range(outputs)]
    cuts = list(np.cumsum(sizes)[:-1].astype(int))
    perm = b.perm(x)
    k = layout.keras_axis(axis, perm, len(shape))
    b.emit_many(node, f"keras.ops.split({b.view(x, perm)}, {[int(c) for c in cuts]}, axis={k})",
                [perm] * outputs)


def _slice_bounds(start: int, end: int, step: int, dim: int) -> tuple[int | None, int | None]:
    if step > 0:
        start = min(max(start + dim if start < 0 else start, 0), dim)
        end = min(max(end + dim if end < 0 else end, 0), dim)
        return start, end
    start = min(max(start + dim if start < 0 else start, -1), dim - 1)
    end = min(max(end + dim if end < 0 else end, -1), dim - 1)
    return start, (None if end < 0 else end)


@add_converter("Slice", 1)
def slice_(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = b.onnx_shape(x)
    rank = len(shape)
    if b.opset < 10:
        starts, ends = attr(node, "starts"), attr(node, "ends")
        axes, steps = attr(node, "axes", list(range(len(starts)))), [1] * len(starts)
    else:
        starts = list(b.shape_value(node.input[1]).reshape(-1))
        ends = list(b.shape_value(node.input[2]).reshape(-1))
        axes = ints(const_input(node, b, 3, list(range(len(starts)))))
        steps = ints(const_input(node, b, 4, [1] * len(starts)))
    perm = b.perm(x)
    index = [":"] * rank
    current = b.view(x, perm)
    for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
        axis = axis + rank if axis < 0 else axis
        k = layout.keras_axis(axis, perm, rank)
        if not dims.is_static([start, end]):
            current = _dynamic_slice(b, node, current, (start, end, int(step)), shape[axis], k)
            continue
        if dims.is_static([shape[axis]]):
            lo, hi = _slice_bounds(int(start), int(end), int(step), int(shape[axis]))
        else:  # Python slicing clamps like ONNX; only the "to the end" sentinels need care
            lo = int(start)
            hi = None if abs(int(end)) >= 2**31 else int(end)
        index[k] = f"{lo}:{'' if hi is None else hi}" + (f":{step}" if step != 1 else "")
    if all(i == ":" for i in index):
        b.emit(node, f"keras.ops.copy({current})" if current == b.view(x, perm) else f"{current}", perm)
        return
    b.emit(node, f"{current}[{', '.join(index)}{',' if rank == 1 else ''}]", perm)


def _dynamic_slice(b: Builder, node: Any, current: str, bounds: tuple[Any, Any, int], size: Any,
                   axis: int) -> str:
    """A slice whose start or end is a dynamic size: take the positions start .. end - 1."""
    start, end, step = (dims.simplify(v) for v in bounds)
    if step != 1:
        raise Unsupported("a slice with dynamic bounds and a step other than 1")
    if not isinstance(end, dims.Dim) and end >= 2**31:
        end = size
    if any(not isinstance(v, dims.Dim) and v < 0 for v in (start, end)):
        raise Unsupported("a slice with dynamic bounds and a negative start or end")
    positions = dynamic.arange_vector(b, dims.simplify(end - start))
    if start != 0:
        positions = f"keras.ops.add({positions}, {dynamic.dim_scalar(b, start)})"
    target = b.fresh_name(f"{node.name or 'slice'}_part")
    b.assign(target, f"keras.ops.take({current}, {positions}, axis={axis})")
    return target


@add_converter("Expand", 8)
def expand(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = b.onnx_shape(x)
    wanted = list(b.shape_value(node.input[1], "Expand shape").reshape(-1))
    out = dynamic.broadcast_dims(shape, wanted)
    if dims.is_static(out) and dims.is_static(shape):
        target = tuple(int(d) for d in out)
        perm = b.perm(x) if len(target) == len(shape) else None
        keras_target = tuple(target[p] for p in perm) if perm else target
        b.emit(node, f"keras.ops.broadcast_to({b.view(x, perm)}, {keras_target})", perm)
        return
    result = dynamic.expand(b, b.view(x, None), shape, wanted, b.dtype(x), node.name or "expand")
    b.alias(node.output[0], result)
    b.set_dims(node.output[0], tuple(out))


@add_converter("Tile", 6)
def tile(node: Any, b: Builder) -> None:
    x = node.input[0]
    repeats = ints(const_input(node, b, 1))
    perm = b.perm(x)
    keras_repeats = [repeats[p] for p in perm] if perm else repeats
    b.emit(node, f"keras.ops.tile({b.view(x, perm)}, {keras_repeats})", perm)


@add_converter("Pad", 1)
def pad(node: Any, b: Builder) -> None:
    x = node.input[0]
    rank = b.rank(x)
    if b.opset < 11:
        pads, value = attr(node, "pads", attr(node, "paddings")), float(attr(node, "value", 0.0))
    else:
        pads = ints(const_input(node, b, 1))
        fill = const_input(node, b, 2)
        value = fill.item() if fill is not None and fill.size else 0
    axes = ints(const_input(node, b, 3)) if b.opset >= 18 and optional_input(node, 3) else list(range(rank))
    axes = [a + rank if a < 0 else a for a in axes]
    widths = [(0, 0)] * rank
    for i, a in enumerate(axes):
        widths[a] = (int(pads[i]), int(pads[i + len(axes)]))
    if any(w < 0 for pair in widths for w in pair):
        raise Unsupported("negative pads (cropping) are not supported")
    mode = attr_choice(node, "mode", "constant", ("constant", "reflect", "edge", "wrap"))
    perm = b.perm(x)
    keras_widths = tuple(widths[p] for p in perm) if perm else tuple(widths)
    if mode == "wrap" or mode == "edge" and max(w for pair in widths for w in pair) > 1:
        _pad_by_gather(node, b, keras_widths, mode)
        return
    if mode == "edge":
        mode = "symmetric"  # the same for widths of at most 1
    extra = f", constant_values={value!r}" if mode == "constant" and value else ""
    mode_text = string_literal(mode)
    b.emit(node, f"keras.ops.pad({b.view(x, perm)}, {keras_widths}, mode={mode_text}{extra})", perm)


def _pad_by_gather(node: Any, b: Builder, widths: tuple[tuple[int, int], ...], mode: str) -> None:
    """Wrap (or wide edge) padding: along each padded axis, gather the indices it repeats."""
    x = node.input[0]
    perm = b.perm(x)
    current = b.view(x, perm)
    shape = b.value_of_shape(current)
    padded = [(k, w) for k, w in enumerate(widths) if w != (0, 0)]
    for step, (k, (before, after)) in enumerate(padded):
        positions = np.arange(-before, shape[k] + after)
        index = positions % shape[k] if mode == "wrap" else np.clip(positions, 0, shape[k] - 1)
        expr = f"keras.ops.take({current}, {b.constant_var(index.astype(np.int32), 'pad_index')}, axis={k})"
        if step == len(padded) - 1:
            b.emit(node, expr, perm)
            return
        current = b.fresh_name(f"{node.name or 'pad'}_axis{k}")
        b.assign(current, expr)
    b.alias(node.output[0], x, perm)


def _depth_space(node: Any, b: Builder, to_space: bool) -> None:
    x = node.input[0]
    n, c, h, w = b.onnx_shape(x)
    s = int(attr(node, "blocksize"))
    v = b.view(x, None)
    base = node.name or node.op_type
    if to_space:
        crd = attr_choice(node, "mode", "DCR", ("DCR", "CRD")) == "CRD"
        split = (n, c // (s * s), s, s, h, w) if crd else (n, s, s, c // (s * s), h, w)
        order = (0, 1, 4, 2, 5, 3) if crd else (0, 3, 4, 1, 5, 2)
        final = (n, c // (s * s), h * s, w * s)
    else:
        crd = attr(node, "mode", "DCR") == "CRD"
        order = (0, 1, 3, 5, 2, 4) if crd else (0, 3, 5, 1, 2, 4)
        split, final = (n, c, h // s, s, w // s, s), (n, c * s * s, h // s, w // s)
    blocks = b.fresh_name(f"{base}_blocks")
    b.assign(blocks, f"keras.ops.reshape({v}, {split})")
    moved = b.fresh_name(f"{base}_moved")
    b.assign(moved, f"keras.ops.transpose({blocks}, {order})")
    b.emit(node, f"keras.ops.reshape({moved}, {final})")


@add_converter("DepthToSpace", 1)
def depth_to_space(node: Any, b: Builder) -> None:
    _depth_space(node, b, True)


@add_converter("SpaceToDepth", 1)
def space_to_depth(node: Any, b: Builder) -> None:
    _depth_space(node, b, False)
