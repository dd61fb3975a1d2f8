"""BatchNormalization, LayerNormalization, InstanceNormalization, GroupNormalization, LpNormalization."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert import layout
from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.ops.common import attr, const_input
from mstool.toolkit.convert.ops.registry import add_converter


@add_converter("BatchNormalization", 1)
def batch_norm(node: Any, b: Builder) -> None:
    if attr(node, "training_mode", 0) and b.opset >= 14:
        _batch_norm_training(node, b)
        return
    if attr(node, "training_mode", 0) or (len(node.output) > 1 and any(node.output[1:])):
        raise Unsupported("training-mode BatchNormalization is not supported")
    scale, bias, mean, var = (const_input(node, b, i) for i in range(1, 5))
    x = node.input[0]
    rank, perm = b.rank(x), b.perm(x)
    kwargs = {"axis": layout.keras_axis(1, perm, rank), "epsilon": float(attr(node, "epsilon", 1e-5)),
              "momentum": float(attr(node, "momentum", 0.9))}
    b.layer(node, "keras.layers.BatchNormalization", kwargs, b.view(x, perm), [scale, bias, mean, var], perm)


def _batch_norm_training(node: Any, b: Builder) -> None:
    """Training mode (opset 14+): normalise with the batch's statistics; the running mean and
    variance outputs are ``input * momentum + batch * (1 - momentum)`` (population variance)."""
    scale, bias, mean, var = (const_input(node, b, i) for i in range(1, 5))
    x = node.input[0]
    rank, perm = b.rank(x), b.perm(x)
    k = layout.keras_axis(1, perm, rank)
    axes = tuple(i for i in range(rank) if i != k)
    eps, momentum = float(attr(node, "epsilon", 1e-5)), float(attr(node, "momentum", 0.9))
    channel_shape = tuple(-1 if i == k else 1 for i in range(rank))
    dtype = b.dtype(x)
    base = node.name or "batch_norm"
    xv = b.view(x, perm)
    batch_mean, batch_var = b.fresh_name(f"{base}_batch_mean"), b.fresh_name(f"{base}_batch_var")
    b.assign(batch_mean, f"keras.ops.mean({xv}, axis={axes}, keepdims=True)")
    b.assign(batch_var, f"keras.ops.var({xv}, axis={axes}, keepdims=True)")
    normalized = b.fresh_name(f"{base}_normalized")
    b.assign(normalized, f"keras.ops.divide(keras.ops.subtract({xv}, {batch_mean}), "
                         f"keras.ops.sqrt(keras.ops.add({batch_var}, {eps!r})))")
    gamma = b.constant_var(scale.astype(dtype).reshape(channel_shape), f"{base}_scale")
    beta = b.constant_var(bias.astype(dtype).reshape(channel_shape), f"{base}_bias")
    b.emit(node, f"keras.ops.add(keras.ops.multiply({normalized}, {gamma}), {beta})", perm)
    for index, (running, batch) in enumerate(((mean, batch_mean), (var, batch_var)), start=1):
        if len(node.output) > index and node.output[index]:
            kept = b.constant_var((running * momentum).astype(dtype), f"{base}_kept_{index}")
            b.emit(node, f"keras.ops.add({kept}, keras.ops.multiply(keras.ops.reshape({batch}, (-1,)), "
                         f"{1 - momentum!r}))", index=index)


def _layer_norm_with_statistics(node: Any, b: Builder, axis: int, rank: int) -> None:
    """LayerNormalization written out, for graphs that also use its Mean and InvStdDev outputs."""
    x = b.view(node.input[0], None)
    axes = tuple(range(axis, rank))
    eps = float(attr(node, "epsilon", 1e-5))
    base = node.name or "layer_norm"
    mean, inv_std = b.fresh_name(f"{base}_mean"), b.fresh_name(f"{base}_inv_std")
    b.assign(mean, f"keras.ops.mean({x}, axis={axes}, keepdims=True)")
    variance = f"keras.ops.var({x}, axis={axes}, keepdims=True)"
    b.assign(inv_std, f"keras.ops.rsqrt(keras.ops.add({variance}, {eps!r}))")
    normalized = f"keras.ops.multiply(keras.ops.subtract({x}, {mean}), {inv_std})"
    scaled = f"keras.ops.multiply({normalized}, {b.view(node.input[1], None)})"
    bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
    b.emit(node, f"keras.ops.add({scaled}, {b.view(bias, None)})" if bias else scaled)
    if len(node.output) > 1 and node.output[1]:
        b.alias(node.output[1], mean)
    if len(node.output) > 2 and node.output[2]:
        b.alias(node.output[2], inv_std)


@add_converter("LayerNormalization", 17)
def layer_norm(node: Any, b: Builder) -> None:
    x = node.input[0]
    if len(node.output) > 1 and any(node.output[1:]) or not b.is_const(node.input[1]):
        rank = b.rank(x)
        axis = int(attr(node, "axis", -1))
        _layer_norm_with_statistics(node, b, axis + rank if axis < 0 else axis, rank)
        return
    shape = b.onnx_shape(x)
    rank = len(shape)
    axis = int(attr(node, "axis", -1))
    axis = axis + rank if axis < 0 else axis
    normalized = tuple(shape[axis:])
    scale = const_input(node, b, 1)
    bias = const_input(node, b, 2)
    axes = list(range(axis, rank))
    kwargs = {"axis": axes if len(axes) > 1 else axes[0], "epsilon": float(attr(node, "epsilon", 1e-5)),
              "center": bias is not None}
    weights = [np.broadcast_to(scale, normalized).astype(np.float32)]
    if bias is not None:
        weights.append(np.broadcast_to(bias, normalized).astype(np.float32))
    b.layer(node, "keras.layers.LayerNormalization", kwargs, b.view(x, None), weights, None)


@add_converter("InstanceNormalization", 6)
def instance_norm(node: Any, b: Builder) -> None:
    x = node.input[0]
    scale, bias = const_input(node, b, 1), const_input(node, b, 2)
    rank, perm = b.rank(x), b.perm(x)
    kwargs = {"groups": int(scale.shape[0]), "axis": layout.keras_axis(1, perm, rank),
              "epsilon": float(attr(node, "epsilon", 1e-5))}
    b.layer(node, "keras.layers.GroupNormalization", kwargs, b.view(x, perm), [scale, bias], perm)


@add_converter("GroupNormalization", 18)
def group_norm(node: Any, b: Builder) -> None:
    x = node.input[0]
    groups = int(attr(node, "num_groups"))
    scale, bias = const_input(node, b, 1), const_input(node, b, 2)
    rank, perm = b.rank(x), b.perm(x)
    channels = b.onnx_shape(x)[1]
    if scale.shape[0] != channels:  # opset 18 gives one scale per group
        scale, bias = np.repeat(scale, channels // groups), np.repeat(bias, channels // groups)
    kwargs = {"groups": groups, "axis": layout.keras_axis(1, perm, rank),
              "epsilon": float(attr(node, "epsilon", 1e-5))}
    b.layer(node, "keras.layers.GroupNormalization", kwargs, b.view(x, perm), [scale, bias], perm)


@add_converter("LpNormalization", 1)
def lp_norm(node: Any, b: Builder) -> None:
    x = node.input[0]
    rank, perm = b.rank(x), b.perm(x)
    axis = layout.keras_axis(int(attr(node, "axis", -1)), perm, rank)
    p = int(attr(node, "p", 2))
    v = b.view(x, perm)
    # ONNX gives 0 where the norm is 0.
    norm = f"keras.ops.norm({v}, ord={p}, axis={axis}, keepdims=True)"
    b.emit(node, f"keras.ops.divide_no_nan({v}, {norm})", perm)


@add_converter("MeanVarianceNormalization", 9)
def mean_variance_norm(node: Any, b: Builder) -> None:
    x = node.input[0]
    rank, perm = b.rank(x), b.perm(x)
    axes = tuple(layout.keras_axis(a, perm, rank) for a in attr(node, "axes", [0, 2, 3]))
    v = b.view(x, perm)
    mean = b.fresh_name(f"{node.name or 'mvn'}_mean")
    b.assign(mean, f"keras.ops.mean({v}, axis={axes}, keepdims=True)")
    centered = f"keras.ops.subtract({v}, {mean})"
    b.emit(node, f"keras.ops.divide({centered}, keras.ops.sqrt(keras.ops.add(keras.ops.mean("
                 f"keras.ops.square({centered}), axis={axes}, keepdims=True), 1e-9)))", perm)


@add_converter("RMSNormalization", 23)
def rms_norm(node: Any, b: Builder) -> None:
    x = b.view(node.input[0], None)
    rank = b.rank(node.input[0])
    axis = int(attr(node, "axis", -1))
    axes = tuple(range(axis + rank if axis < 0 else axis, rank))
    eps = float(attr(node, "epsilon", 1e-5))
    mean_square = f"keras.ops.mean(keras.ops.square({x}), axis={axes}, keepdims=True)"
    normalized = f"keras.ops.multiply({x}, keras.ops.rsqrt(keras.ops.add({mean_square}, {eps!r})))"
    b.emit(node, f"keras.ops.multiply({normalized}, {b.view(node.input[1], None)})")
