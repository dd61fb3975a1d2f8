"""Conv and ConvTranspose as Keras ConvND / DepthwiseConvND / ConvNDTranspose layers.

Explicit ONNX pads become ``padding="same"`` when they match it, else a ZeroPaddingND layer.
"""

from __future__ import annotations

from typing import Any

from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.codegen import format_call
from mstool.toolkit.convert.ops.common import attr, attr_choice, const_input
from mstool.toolkit.convert.ops.registry import add_converter


def explicit_pads(node: Any, in_sizes: list[int], kernel: list[int], strides: list[int],
                  dilations: list[int]) -> list[tuple[int, int]]:
    """(begin, end) padding per spatial dim, resolving ``auto_pad``."""
    n = len(kernel)
    auto_pad = attr_choice(node, "auto_pad", "NOTSET", ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"))
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        for size, k, s, d in zip(in_sizes, kernel, strides, dilations, strict=True):
            out = -(-size // s)
            total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
            small, big = total // 2, total - total // 2
            pads.append((small, big) if auto_pad == "SAME_UPPER" else (big, small))
        return pads
    if auto_pad == "VALID":
        return [(0, 0)] * n
    flat = [int(p) for p in attr(node, "pads", [0] * (2 * n))]
    if any(p < 0 for p in flat):
        raise Unsupported("negative pads are not supported")
    return list(zip(flat[:n], flat[n:], strict=True))


def is_keras_same(pads: list[tuple[int, int]], in_sizes: list[int], kernel: list[int], strides: list[int],
                  dilations: list[int]) -> bool:
    """Whether Keras' ``padding="same"`` pads exactly like ``pads``."""
    for (begin, end), size, k, s, d in zip(pads, in_sizes, kernel, strides, dilations, strict=True):
        out = -(-size // s)
        total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
        if (begin, end) != (total // 2, total - total // 2):
            return False
    return True


def spatial_input(node: Any, b: Builder, pads: list[tuple[int, int]], padding: str) -> str:
    """The layer input in the spatial layout, with a ZeroPaddingND layer when pads are explicit."""
    rank = b.rank(node.input[0])
    x = b.view(node.input[0], b.spatial_perm(rank))
    if padding == "valid" and any(p != (0, 0) for p in pads):
        n = rank - 2
        target = b.fresh_name(f"{node.name or node.op_type}_pad")
        kwargs = {"padding": tuple(pads) if n > 1 else tuple(pads[0]), "name": target}
        if b.keep_layout:
            kwargs["data_format"] = b.data_format
        b.assign(target, format_call(f"keras.layers.ZeroPadding{n}D", kwargs, x, indent=len(target) + 7))
        return target
    return x


def _geometry(node: Any, b: Builder, kernel: list[int]) -> tuple[list[int], list[int], list[int]]:
    n = len(kernel)
    strides = [int(s) for s in attr(node, "strides", [1] * n)]
    dilations = [int(d) for d in attr(node, "dilations", [1] * n)]
    in_sizes = list(b.onnx_shape(node.input[0])[2:])
    return strides, dilations, in_sizes


@add_converter("Conv", 1)
def conv(node: Any, b: Builder) -> None:
    weight = const_input(node, b, 1)
    bias = const_input(node, b, 2)
    out_ch, in_per_group = weight.shape[:2]
    kernel = [int(k) for k in weight.shape[2:]]
    n = len(kernel)
    if n not in (1, 2, 3):
        raise Unsupported(f"{n}-D convolution is not supported")
    strides, dilations, in_sizes = _geometry(node, b, kernel)
    if max(strides) > 1 and max(dilations) > 1:
        raise Unsupported("Keras convolutions cannot combine strides > 1 with dilations > 1")
    pads = explicit_pads(node, in_sizes, kernel, strides, dilations)
    padding = "same" if any(p != (0, 0) for p in pads) and is_keras_same(
        pads, in_sizes, kernel, strides, dilations) else "valid"
    group = int(attr(node, "group", 1))
    in_ch = in_per_group * group
    common = {"kernel_size": tuple(kernel), "strides": tuple(strides), "padding": padding,
              "dilation_rate": tuple(dilations), "use_bias": bias is not None, "data_format": b.data_format}
    spatial = list(range(2, n + 2))
    if group > 1 and group == in_ch and n <= 2:
        mult = out_ch // in_ch
        kern = weight.reshape(in_ch, mult, *kernel).transpose(*spatial, 0, 1)
        cls, kwargs = f"keras.layers.DepthwiseConv{n}D", {"depth_multiplier": mult, **common}
    else:
        kern = weight.transpose(*spatial, 1, 0)
        cls = f"keras.layers.Conv{n}D"
        kwargs = {"filters": int(out_ch), **common, **({"groups": group} if group > 1 else {})}
    x = spatial_input(node, b, pads, padding)
    weights = [kern] + ([bias] if bias is not None else [])
    b.layer(node, cls, kwargs, x, weights, b.spatial_perm(n + 2))


def block_diagonal(weight: Any, group: int) -> Any:
    """A grouped ConvTranspose weight ``(C_in, C_out / group, k...)`` as the equivalent ungrouped
    ``(C_in, C_out, k...)`` one: group g's inputs reach only group g's outputs, the rest is zero.

    >>> import numpy as np
    >>> block_diagonal(np.ones((4, 1, 1)), 2)[:, :, 0].tolist()
    [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    """
    import numpy as np

    c_in, per_group = weight.shape[:2]
    full = np.zeros((c_in, per_group * group, *weight.shape[2:]), weight.dtype)
    step = c_in // group
    for g in range(group):
        full[g * step:(g + 1) * step, g * per_group:(g + 1) * per_group] = weight[g * step:(g + 1) * step]
    return full


@add_converter("ConvTranspose", 1)
def conv_transpose(node: Any, b: Builder) -> None:
    weight = const_input(node, b, 1)
    bias = const_input(node, b, 2)
    group = int(attr(node, "group", 1))
    if group != 1:
        weight = block_diagonal(weight, group)
    kernel = [int(k) for k in weight.shape[2:]]
    n = len(kernel)
    if n not in (1, 2, 3):
        raise Unsupported(f"{n}-D ConvTranspose is not supported")
    strides, dilations, in_sizes = _geometry(node, b, kernel)
    if max(dilations) > 1 and max(strides) > 1:
        raise Unsupported("ConvTranspose with both strides and dilations > 1 is not supported")
    out_pad = [int(p) for p in attr(node, "output_padding", [0] * n)]
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
    full = [s * (i - 1) + k for s, i, k in zip(strides, in_sizes, span, strict=True)]
    out_shape = attr(node, "output_shape", None)
    auto_pad = attr_choice(node, "auto_pad", "NOTSET", ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"))
    if out_shape is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        target = list(out_shape)[-n:] if out_shape is not None else [i * s for i, s in zip(in_sizes, strides,
                                                                                                strict=True)]
        totals = [f + p - t for f, p, t in zip(full, out_pad, target, strict=True)]
        lower = auto_pad == "SAME_LOWER"
        pads = [((t + 1) // 2, t // 2) if lower else (t // 2, t - t // 2) for t in totals]
    else:
        flat = [int(p) for p in attr(node, "pads", [0] * (2 * n))]
        pads = list(zip(flat[:n], flat[n:], strict=True))
    starts = [begin for begin, _ in pads]
    stops = [f + p - end for f, p, (_, end) in zip(full, out_pad, pads, strict=True)]
    # Keras' output is full + its own output_padding (< stride): enough to cover ONNX's window?
    keras_pad = [max(0, stop - f) for stop, f in zip(stops, full, strict=True)]
    if any(p >= s for p, s in zip(keras_pad, strides, strict=True)) or min(starts) < 0:
        raise Unsupported("ConvTranspose output window beyond Keras' output_padding limit")
    keras_len = [f + p for f, p in zip(full, keras_pad, strict=True)]
    x = b.view(node.input[0], b.spatial_perm(n + 2))
    kern = weight.transpose(*range(2, n + 2), 1, 0)
    kwargs = {"filters": int(weight.shape[1]), "kernel_size": tuple(kernel), "strides": tuple(strides),
              "padding": "valid", "use_bias": bias is not None, "data_format": b.data_format,
              "dilation_rate": tuple(dilations)}
    if any(keras_pad):
        kwargs["output_padding"] = tuple(keras_pad)
    weights = [kern] + ([bias] if bias is not None else [])
    crop = any(s != 0 for s in starts) or stops != keras_len
    if not crop:
        b.layer(node, f"keras.layers.Conv{n}DTranspose", kwargs, x, weights, b.spatial_perm(n + 2))
        return
    raw = b.fresh_name(f"{node.name or 'conv_transpose'}_full")
    b.assign(raw, format_call(f"keras.layers.Conv{n}DTranspose", {**kwargs, "name": raw}, x))
    b.set_layer_weights(raw, weights)
    window = [f"{a}:{z}" for a, z in zip(starts, stops, strict=True)]
    index = ", ".join([":"] + window + [":"]) if not b.keep_layout else ", ".join([":", ":"] + window)
    b.emit(node, f"{raw}[{index}]", b.spatial_perm(n + 2))
