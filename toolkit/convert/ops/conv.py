"""Conv and ConvTranspose as Keras ConvND / DepthwiseConvND / ConvNDTranspose layers.

Explicit ONNX pads become ``padding="same"`` when they match it, else a ZeroPaddingND layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
    extend = [0] * n  # output cells past the computed ones: they hold the bias only
    if out_shape is not None:
        target = [int(t) for t in list(out_shape)[-n:]]
        pads, extend = output_shape_pads(full, out_pad, target, auto_pad)
    elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        totals = [f + p - i * s for f, p, i, s in zip(full, out_pad, in_sizes, strides, strict=True)]
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
    late_bias = bias is not None and any(extend)
    kwargs = {"filters": int(weight.shape[1]), "kernel_size": tuple(kernel), "strides": tuple(strides),
              "padding": "valid", "use_bias": bias is not None and not late_bias,
              "data_format": b.data_format, "dilation_rate": tuple(dilations)}
    if any(keras_pad):
        kwargs["output_padding"] = tuple(keras_pad)
    weights = [kern] + ([bias] if bias is not None and not late_bias else [])
    crop = any(s != 0 for s in starts) or stops != keras_len
    if not crop and not any(extend):
        b.layer(node, f"keras.layers.Conv{n}DTranspose", kwargs, x, weights, b.spatial_perm(n + 2))
        return
    raw = b.fresh_name(f"{node.name or 'conv_transpose'}_full")
    b.assign(raw, format_call(f"keras.layers.Conv{n}DTranspose", {**kwargs, "name": raw}, x))
    b.set_layer_weights(raw, weights)
    if any(extend):
        _extend_output(node, b, raw if not crop else _cropped(node, b, raw, starts, stops), extend,
                       bias if late_bias else None)
        return
    b.emit(node, f"{raw}[{_window_index(b, starts, stops)}]", b.spatial_perm(n + 2))


def output_shape_pads(full: list[int], out_pad: list[int], target: list[int],
                      auto_pad: str) -> tuple[list[tuple[int, int]], list[int]]:
    """ConvTranspose ``output_shape``: the (begin, end) crop of the full output and, per axis, how
    many cells past it the requested shape reaches (they get the bias only), as onnxruntime does:
    the total crop is ``max(0, full + output_padding - output_shape)``, split with the odd cell at
    the start (at the end for SAME_UPPER).

    >>> output_shape_pads([9, 7], [0, 0], [10, 8], "NOTSET")
    ([(0, 0), (0, 0)], [1, 1])
    >>> output_shape_pads([9], [0], [6], "NOTSET"), output_shape_pads([9], [0], [6], "SAME_UPPER")
    (([(2, 1)], [0]), ([(1, 2)], [0]))
    """
    pads, extend = [], []
    for f, p, t in zip(full, out_pad, target, strict=True):
        total = max(0, f + p - t)
        head = total // 2 if auto_pad == "SAME_UPPER" else total - total // 2
        pads.append((head, total - head))
        extend.append(max(0, t - (f + p)))
    return pads, extend


def _window_index(b: Builder, starts: list[int], stops: list[int]) -> str:
    window = [f"{a}:{z}" for a, z in zip(starts, stops, strict=True)]
    return ", ".join([":"] + window + [":"]) if not b.keep_layout else ", ".join([":", ":"] + window)


def _cropped(node: Any, b: Builder, raw: str, starts: list[int], stops: list[int]) -> str:
    target = b.fresh_name(f"{node.name or 'conv_transpose'}_crop")
    b.assign(target, f"{raw}[{_window_index(b, starts, stops)}]")
    return target


def _extend_output(node: Any, b: Builder, var: str, extend: list[int], bias: Any) -> None:
    """Zero cells appended at the end of each spatial axis, then the bias added everywhere."""
    n = len(extend)
    spatial = [(0, e) for e in extend]
    widths = [(0, 0), *spatial, (0, 0)] if not b.keep_layout else [(0, 0), (0, 0), *spatial]
    padded = f"keras.ops.pad({var}, {tuple(widths)})"
    if bias is None:
        b.emit(node, padded, b.spatial_perm(n + 2))
        return
    shape = [1] * (n + 1) + [-1] if not b.keep_layout else [1, -1] + [1] * n
    bias_var = b.constant_var(np.asarray(bias).reshape(shape), f"{node.name or 'conv_transpose'}_bias")
    # the bias first: keras.ops.add(x, b) with b along axis 1 may take TensorFlow's bias_add wrongly
    b.emit(node, f"keras.ops.add({bias_var}, {padded})", b.spatial_perm(n + 2))
