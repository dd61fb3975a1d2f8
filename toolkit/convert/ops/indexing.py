"""Gather (an Embedding layer for constant tables), GatherElements, GatherND, OneHot, TopK, ArgMax/ArgMin."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert import dims, dynamic, layout
from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.ops.common import attr, const_input, ints
from mstool.toolkit.convert.ops.registry import add_converter


@add_converter("Gather", 1)
def gather(node: Any, b: Builder) -> None:
    data, indices = node.input[0], node.input[1]
    shape = b.onnx_shape(data)
    axis = int(attr(node, "axis", 0))
    axis = axis + len(shape) if axis < 0 else axis
    if b.is_const(data) and b.const(data).ndim == 2 and axis == 0 and not b.is_const(indices) \
            and np.issubdtype(b.const(data).dtype, np.floating):
        table = b.const(data)
        kwargs = {"input_dim": int(table.shape[0]), "output_dim": int(table.shape[1])}
        b.layer(node, "keras.layers.Embedding", kwargs, b.view(indices, None), [table], None)
        return
    if b.is_const(indices) and b.const(indices).ndim == 0 and b.const(indices) < 0 \
            and isinstance(shape[axis], dims.Dim):
        # A position counted from a dynamic end: plain indexing counts negative positions too.
        perm = b.perm(data)
        rank = len(shape)
        k = layout.keras_axis(axis, perm, rank)
        index = ", ".join(str(int(b.const(indices))) if i == k else ":" for i in range(rank))
        b.emit(node, f"{b.view(data, perm)}[{index}{',' if rank == 1 else ''}]",
               layout.after_removing(perm, [axis], rank))
        return
    if b.is_const(indices):
        index = b.const(indices)
        if (index < 0).any():
            index = np.where(index < 0, index + shape[axis], index)
        perm = b.perm(data) if index.ndim <= 1 else None
        rank = len(shape)
        k = layout.keras_axis(axis, perm, rank)
        out_perm = layout.after_removing(perm, [axis], rank) if index.ndim == 0 else perm
        idx = b.constant_var(index.astype(np.int64), f"{node.name or 'gather'}_indices")
        b.emit(node, f"keras.ops.take({b.view(data, perm)}, {idx}, axis={k})", out_perm)
        return
    b.emit(node, f"keras.ops.take({b.view(data, None)}, {b.view(indices, None)}, axis={axis})")


@add_converter("GatherElements", 11)
def gather_elements(node: Any, b: Builder) -> None:
    rank = b.rank(node.input[0])
    axis = int(attr(node, "axis", 0))
    axis = axis + rank if axis < 0 else axis
    data, indices = b.view(node.input[0], None), node.input[1]
    dim = b.onnx_shape(node.input[0])[axis]
    idx = b.view(indices, None)
    if not b.is_const(indices) or (b.const(indices) < 0).any():
        idx = f"keras.ops.where(keras.ops.less({idx}, 0), keras.ops.add({idx}, {dim}), {idx})"
    b.emit(node, f"keras.ops.take_along_axis({data}, {idx}, axis={axis})")


@add_converter("GatherND", 11)
def gather_nd(node: Any, b: Builder) -> None:
    """One ``take`` from the data flattened over its batch and indexed dims, at linear indices."""
    batch = int(attr(node, "batch_dims", 0))
    shape = b.onnx_shape(node.input[0])
    index_shape = b.onnx_shape(node.input[1])
    depth = int(index_shape[-1])
    trailing = tuple(shape[batch + depth:])
    if not dims.is_static(trailing):
        raise Unsupported("GatherND keeping a dynamic dim of the data")
    if batch and not dims.is_static(index_shape):
        raise Unsupported("GatherND with batch_dims over a dynamic dim")
    base = node.name or "gather_nd"
    data_flat = b.fresh_name(f"{base}_flat")
    b.assign(data_flat, f"keras.ops.reshape({b.view(node.input[0], None)}, {(-1,) + trailing})")
    indices = b.view(node.input[1], None)
    strides = [dims.product(shape[batch + i + 1:batch + depth]) for i in range(depth)]
    if dims.is_static(strides):
        stride_const = b.constant_var(np.array([int(s) for s in strides], np.int64), f"{base}_strides")
        linear_expr = f"keras.ops.sum(keras.ops.multiply({indices}, {stride_const}), axis=-1)"
    else:
        parts = [f"keras.ops.multiply({indices}[..., {i}], {dynamic.dim_scalar(b, s)})" for i, s in
                 enumerate(strides)]
        linear_expr = parts[0]
        for part in parts[1:]:
            linear_expr = f"keras.ops.add({linear_expr}, {part})"
    if batch:
        # Each index row also moves to the start of its batch entry's block of the flat data.
        block = int(dims.product(shape[batch:batch + depth]))
        lead = [int(d) for d in index_shape[:batch]]
        offsets = np.arange(int(np.prod(lead)), dtype=np.int64).reshape(lead) * block
        offsets = np.broadcast_to(offsets.reshape(lead + [1] * (len(index_shape) - 1 - batch)),
                                  [int(d) for d in index_shape[:-1]])
        offset_const = b.constant_var(np.ascontiguousarray(offsets), f"{base}_batch_offsets")
        linear_expr = f"keras.ops.add({linear_expr}, {offset_const})"
    linear = b.fresh_name(f"{base}_linear")
    b.assign(linear, linear_expr)
    b.emit(node, f"keras.ops.take({data_flat}, {linear}, axis=0)")


@add_converter("OneHot", 9)
def one_hot(node: Any, b: Builder) -> None:
    depth = int(const_input(node, b, 1).reshape(-1)[0])
    off, on = (v.item() for v in const_input(node, b, 2).reshape(-1))
    indices = b.view(node.input[0], None)
    rank = b.rank(node.input[0])
    axis = int(attr(node, "axis", -1))
    axis = axis + rank + 1 if axis < 0 else axis
    axis = -1 if axis == rank else axis
    dtype = str(b.const(node.input[2]).dtype)
    idx = f"keras.ops.where(keras.ops.less({indices}, 0), keras.ops.add({indices}, {depth}), {indices})"
    hot = f'keras.ops.one_hot(keras.ops.cast({idx}, "int32"), {depth}, axis={axis}, dtype="{dtype}")'
    if (off, on) != (0, 1):
        hot = f"keras.ops.add(keras.ops.multiply({hot}, {on - off!r}), {off!r})"
    b.emit(node, hot)


@add_converter("TopK", 10)
def top_k(node: Any, b: Builder) -> None:
    x = node.input[0]
    rank = b.rank(x)
    axis = int(attr(node, "axis", -1))
    axis = axis + rank if axis < 0 else axis
    if axis != rank - 1:
        raise Unsupported("TopK on an axis other than the last is not supported")
    k = int(const_input(node, b, 1).reshape(-1)[0])
    v = b.view(x, None)
    if attr(node, "largest", 1):
        b.emit_many(node, f"keras.ops.top_k({v}, {k})", [None, None])
    else:
        neg_values, indices = b.fresh_name("neg_values"), b.fresh_name("indices")
        b.assign(f"{neg_values}, {indices}", f"keras.ops.top_k(keras.ops.negative({v}), {k})")
        b.emit(node, f"keras.ops.negative({neg_values})")
        b.alias(node.output[1], indices)


def _arg(op_type: str, fn: str) -> None:
    def convert(node: Any, b: Builder) -> None:
        x = node.input[0]
        rank, perm = b.rank(x), b.perm(x)
        axis = int(attr(node, "axis", 0))
        axis = axis + rank if axis < 0 else axis
        keep = bool(attr(node, "keepdims", 1))
        out_perm = perm if keep else layout.after_removing(perm, [axis], rank)
        k = layout.keras_axis(axis, perm, rank)
        v = b.view(x, perm)
        if attr(node, "select_last_index", 0):
            # The last extreme is the first one of the flipped tensor, counted from the end.
            last = b.onnx_shape(x)[axis] - 1
            found = f"keras.ops.{fn}(keras.ops.flip({v}, axis={k}), axis={k}, keepdims={keep})"
            b.emit(node, f'keras.ops.cast(keras.ops.subtract({last}, {found}), "int64")', out_perm)
            return
        b.emit(node, f'keras.ops.cast(keras.ops.{fn}({v}, axis={k}, keepdims={keep}), "int64")', out_perm)

    add_converter(op_type, 1)(convert)


_arg("ArgMax", "argmax")
_arg("ArgMin", "argmin")


@add_converter("Trilu", 14)
def trilu(node: Any, b: Builder) -> None:
    k = ints(const_input(node, b, 1, 0))[0]
    rows, cols = b.onnx_shape(node.input[0])[-2:]
    k = min(max(k, -rows), cols)  # TensorFlow's band op refuses diagonals outside the matrix
    fn = "triu" if attr(node, "upper", 1) else "tril"
    b.emit(node, f"keras.ops.{fn}({b.view(node.input[0], None)}, k={k})")
