"""Resize and Upsample: UpSampling2D for integer nearest scales, Resizing for half-pixel bilinear."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.ops.common import attr, const_input, optional_input
from mstool.toolkit.convert.ops.registry import add_converter


def _target_sizes(node: Any, b: Builder, shape: tuple[int, ...]) -> tuple[list[int], list[float]]:
    if node.op_type == "Upsample":
        scales = attr(node, "scales", None) if b.opset < 9 else const_input(node, b, 1)
        scales = [float(s) for s in np.asarray(scales).reshape(-1)]
        return [int(np.floor(d * s)) for d, s in zip(shape, scales, strict=True)], scales
    scales_index, sizes_index = (1, 2) if b.opset < 11 else (2, 3)
    sizes = const_input(node, b, sizes_index) if optional_input(node, sizes_index) else None
    if sizes is not None and sizes.size:
        out = [int(s) for s in sizes.reshape(-1)]
        return out, [o / d for o, d in zip(out, shape, strict=True)]
    scales = [float(s) for s in const_input(node, b, scales_index).reshape(-1)]
    return [int(np.floor(d * s)) for d, s in zip(shape, scales, strict=True)], scales


def _resize(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = b.onnx_shape(x)
    if len(shape) != 4:
        raise Unsupported("only 4-D (N, C, H, W) Resize is supported")
    if optional_input(node, 3 if b.opset >= 11 else 99) and attr(node, "axes", None):
        raise Unsupported("Resize with axes is not supported")
    out, scales = _target_sizes(node, b, shape)
    if out[:2] != list(shape[:2]):
        raise Unsupported("Resize of the batch or channel dims is not supported")
    mode = attr(node, "mode", "nearest")
    coord = attr(node, "coordinate_transformation_mode", "half_pixel" if b.opset >= 11 else "asymmetric")
    nearest_mode = attr(node, "nearest_mode", "round_prefer_floor")
    v = b.view(x, b.spatial_perm(4))
    factors = [o / d for o, d in zip(out[2:], shape[2:], strict=True)]
    integer = all(f == int(f) and f >= 1 for f in factors)
    if b.opset < 11 and mode == "nearest":
        nearest_mode = "floor"
    if mode == "nearest" and integer and (
            coord == "asymmetric" and nearest_mode == "floor" or coord in ("half_pixel", "pytorch_half_pixel")
            and nearest_mode == "round_prefer_floor"):
        kwargs = {"size": tuple(int(f) for f in factors), "data_format": b.data_format,
                  "interpolation": "nearest"}
        b.layer(node, "keras.layers.UpSampling2D", kwargs, v, None, b.spatial_perm(4))
        return
    half_pixel = coord == "half_pixel" or coord == "pytorch_half_pixel" and min(out[2:]) > 1
    if mode in ("linear", "bilinear") and half_pixel and not attr(node, "antialias", 0):
        kwargs = {"height": out[2], "width": out[3], "interpolation": "bilinear",
                  "data_format": b.data_format}
        b.layer(node, "keras.layers.Resizing", kwargs, v, None, b.spatial_perm(4))
        return
    raise Unsupported(f"Resize mode '{mode}' with coordinate_transformation_mode '{coord}' "
                      f"(nearest_mode '{nearest_mode}', scales {scales}) has no exact Keras equivalent")


add_converter("Resize", 10)(_resize)
add_converter("Upsample", 7)(_resize)
