"""Resize and Upsample: UpSampling2D for integer nearest scales, Resizing for half-pixel bilinear."""

from __future__ import annotations

from typing import Any

import numpy as np

from mstool.toolkit.convert.builder import Builder, Unsupported
from mstool.toolkit.convert.dims import Dim
from mstool.toolkit.convert.ops.common import attr, attr_choice, const_input, optional_input
from mstool.toolkit.convert.ops.registry import add_converter

# The values ONNX defines for Resize's string attributes; anything else is refused.
MODES = ("nearest", "linear", "cubic")
COORDINATE_MODES = ("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric",
                    "tf_half_pixel_for_nn", "tf_crop_and_resize")
NEAREST_MODES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")
ASPECT_POLICIES = ("stretch", "not_larger", "not_smaller")


def _sizes_and_scales(node: Any, b: Builder, shape: tuple[int, ...]) -> tuple[list[int], list[float]]:
    """Output sizes and scales for every axis (ONNX Resize/Upsample rules, axes and aspect policy)."""
    rank = len(shape)
    if node.op_type == "Upsample":
        scales = attr(node, "scales", None) if b.opset < 9 else const_input(node, b, 1)
        scales = [float(s) for s in np.asarray(scales).reshape(-1)]
        return [int(np.floor(d * s)) for d, s in zip(shape, scales, strict=True)], scales
    axes = [a + rank if a < 0 else a for a in attr(node, "axes", list(range(rank)))]
    scales_index, sizes_index = (1, 2) if b.opset < 11 else (2, 3)
    sizes = b.shape_value(node.input[sizes_index], "Resize sizes") if optional_input(node, sizes_index) \
        else None
    out, scales = list(shape), [1.0] * rank
    if sizes is not None and sizes.size:
        wanted = list(sizes.reshape(-1))
        for position, (w, a) in enumerate(zip(wanted, axes, strict=True)):
            if isinstance(w, Dim) or isinstance(shape[a], Dim):
                if not w == shape[a]:
                    raise Unsupported(f"Resize to a dynamic size {w} on axis {a}")
                wanted[position] = shape[a]  # a dynamic axis passes through unchanged
        policy = attr_choice(node, "keep_aspect_ratio_policy", "stretch", ASPECT_POLICIES)
        if policy != "stretch":
            ratios = [w / shape[a] for w, a in zip(wanted, axes, strict=True)]
            ratio = min(ratios) if policy == "not_larger" else max(ratios)
            wanted = [int(np.floor(ratio * shape[a] + 0.5)) for a in axes]
            for a in axes:
                scales[a] = ratio
        for w, a in zip(wanted, axes, strict=True):
            out[a] = w
            scales[a] = scales[a] if policy != "stretch" else w / shape[a]
        return out, scales
    given = [float(v) for v in const_input(node, b, scales_index).reshape(-1)]
    for value, a in zip(given, axes, strict=True):
        if isinstance(shape[a], Dim):
            if value != 1.0:
                raise Unsupported(f"Resize scaling the dynamic axis {a}")
            continue
        scales[a], out[a] = value, int(np.floor(shape[a] * value))
    return out, scales


def _source_coordinates(size_in: int, size_out: int, scale: float, coord: str,
                        roi: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Input coordinate of every output position (ONNX's formulas, resized length ``scale * size_in``;
    ``align_corners`` uses the whole output length ``size_out``, as onnxruntime does: with scale 3/7
    on 7 cells the 3 outputs sit on cells 0, 3 and 6, not 0, 3.5 and 7).

    >>> _source_coordinates(7, 3, 3 / 7 + 1e-3, "align_corners").tolist()
    [0.0, 3.0, 6.0]
    """
    x = np.arange(size_out, dtype=np.float64)
    length = scale * size_in
    if coord == "tf_crop_and_resize":
        start, end = roi
        if size_out == 1:
            return np.full_like(x, 0.5 * (start + end) * (size_in - 1))
        return start * (size_in - 1) + x * (end - start) * (size_in - 1) / (size_out - 1)
    if coord == "align_corners":
        return np.zeros_like(x) if size_out == 1 else x * (size_in - 1) / (size_out - 1)
    if coord == "asymmetric":
        return x / scale
    if coord == "pytorch_half_pixel":
        return (x + 0.5) / scale - 0.5 if length != 1 else np.full_like(x, -0.5)
    if coord == "half_pixel_symmetric":
        offset = size_in / 2 * (1 - size_out / length)
        return offset + (x + 0.5) / scale - 0.5
    if coord == "half_pixel":
        return (x + 0.5) / scale - 0.5
    raise Unsupported(f"coordinate_transformation_mode '{coord}' is not supported")


def _nearest(x: np.ndarray, mode: str) -> np.ndarray:
    if mode == "floor":
        return np.floor(x)
    if mode == "ceil":
        return np.ceil(x)
    frac = x - np.floor(x)
    if mode == "round_prefer_ceil":
        return np.where(frac == 0.5, np.ceil(x), np.round(x))
    return np.where(frac == 0.5, np.floor(x), np.round(x))


def _cubic_kernel(d: np.ndarray, a: float) -> np.ndarray:
    d = np.abs(d)
    near = ((a + 2) * d - (a + 3)) * d * d + 1
    far = ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    return np.where(d <= 1, near, np.where(d < 2, far, 0.0))


def _taps(mode: str, ratio: np.ndarray, scale: float, antialias: bool, a: float):
    """Tap offsets (relative to the left neighbour) and their weights, one row per output position."""
    if mode == "linear":
        s = min(scale, 1.0) if antialias else 1.0
        start = int(np.floor(-1 / s) + 1)
        offsets = np.arange(start, 2 - start)
        weights = np.clip(1 - np.abs((offsets[None, :] - ratio[:, None]) * s), 0, 1)
    elif mode == "cubic":
        s = min(scale, 1.0) if antialias else 1.0
        start = int(np.floor(-2 / s) + 1)
        offsets = np.arange(start, 2 - start)
        weights = _cubic_kernel((offsets[None, :] - ratio[:, None]) * s, a)
    else:
        raise Unsupported(f"Resize mode '{mode}' is not supported")
    if antialias:
        weights = weights / weights.sum(axis=1, keepdims=True)
    return offsets, weights


def interpolation_matrix(node: Any, size_in: int, size_out: int, scale: float,
                         roi: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """The (out, in) matrix that resizes one axis exactly as ONNX's reference Resize does; rows of
    positions outside the input (``tf_crop_and_resize``) are zero."""
    coord = attr(node, "coordinate_transformation_mode", "half_pixel")
    mode = attr(node, "mode", "nearest")
    x = _source_coordinates(size_in, size_out, scale, coord, roi)
    matrix = _interpolation_rows(node, mode, x, size_in, scale)
    if coord == "tf_crop_and_resize":
        matrix[(x < 0) | (x > size_in - 1)] = 0.0
    return matrix


def _interpolation_rows(node: Any, mode: str, x: np.ndarray, size_in: int, scale: float) -> np.ndarray:
    size_out = len(x)
    matrix = np.zeros((size_out, size_in))
    rows = np.arange(size_out)
    if mode == "nearest":
        index = np.clip(_nearest(x, attr(node, "nearest_mode", "round_prefer_floor")), 0, size_in - 1)
        matrix[rows, index.astype(int)] = 1.0
        return matrix
    # ONNX takes the ratio in (0, 1]: an integer coordinate counts as the right neighbour.
    base = np.where(x == np.floor(x), x - 1, np.floor(x))
    ratio = x - base
    antialias = bool(attr(node, "antialias", 0)) and scale < 1
    offsets, weights = _taps(mode, ratio, scale, antialias, float(attr(node, "cubic_coeff_a", -0.75)))
    taps = base[:, None] + offsets[None, :]
    if attr(node, "exclude_outside", 0):
        weights = np.where((taps >= 0) & (taps <= size_in - 1), weights, 0.0)
        weights = weights / weights.sum(axis=1, keepdims=True)
    for column in range(taps.shape[1]):
        np.add.at(matrix, (rows, np.clip(taps[:, column], 0, size_in - 1).astype(int)), weights[:, column])
    return matrix


def _crop_boxes(node: Any, b: Builder, rank: int) -> list[tuple[float, float]]:
    """Per axis, the (start, end) of ``tf_crop_and_resize``'s roi, in fractions of the input."""
    axes = [a + rank if a < 0 else a for a in attr(node, "axes", list(range(rank)))]
    roi = [float(v) for v in const_input(node, b, 1).reshape(-1)]
    boxes = [(0.0, 1.0)] * rank
    for position, axis in enumerate(axes):
        boxes[axis] = (roi[position], roi[position + len(axes)])
    return boxes


def _outside_mask(shape: tuple[int, ...], out: list[int], scales: list[float],
                  boxes: list[tuple[float, float]]) -> np.ndarray:
    """1 where an output position falls outside the input along some axis, else 0."""
    inside = np.ones(out)
    for axis, box in enumerate(boxes):
        x = _source_coordinates(shape[axis], out[axis], scales[axis], "tf_crop_and_resize", box)
        along = ((x >= 0) & (x <= shape[axis] - 1)).astype(np.float64)
        inside = inside * along.reshape([-1 if a == axis else 1 for a in range(len(out))])
    return 1.0 - inside


def _resize_by_matrices(node: Any, b: Builder, shape: tuple[int, ...], out: list[int],
                        scales: list[float], boxes: list[tuple[float, float]] | None = None) -> None:
    """One einsum per resized axis with a stored interpolation matrix: exact for every mode.
    With crop ``boxes`` (tf_crop_and_resize), positions outside the input get the extrapolation value."""
    x = node.input[0]
    perm = b.perm(x)
    rank = len(shape)
    letters = "abcdefghij"[:rank]
    current = b.view(x, perm)
    boxes = boxes or [(0.0, 1.0)] * rank
    axes = [a for a in range(rank) if out[a] != shape[a] or scales[a] != 1.0 or boxes[a] != (0.0, 1.0)]
    dtype = b.dtype(x)
    base = node.name or "resize"
    extrapolate = any(box != (0.0, 1.0) for box in boxes) and float(attr(node, "extrapolation_value", 0.0))
    for count, axis in enumerate(axes):
        matrix = interpolation_matrix(node, shape[axis], out[axis], scales[axis], boxes[axis]).astype(dtype)
        k = b.perm(x).index(axis) if perm else axis
        spec_in = letters
        spec_out = letters[:k] + "z" + letters[k + 1:]
        weights = b.constant_var(matrix, f"{base}_matrix_{axis}")
        expr = f'keras.ops.einsum("{spec_in},z{letters[k]}->{spec_out}", {current}, {weights})'
        if count == len(axes) - 1 and not extrapolate:
            b.emit(node, expr, perm)
        else:
            current = b.fresh_name(f"{base}_axis{axis}")
            b.assign(current, expr)
    if extrapolate:
        fill = _outside_mask(shape, out, scales, boxes) * float(attr(node, "extrapolation_value", 0.0))
        fill = np.transpose(fill, perm) if perm else fill
        outside = b.constant_var(fill.astype(dtype), f"{base}_outside")
        b.emit(node, f"keras.ops.add({current}, {outside})", perm)
    elif not axes:
        b.alias(node.output[0], x, perm)


def _resize(node: Any, b: Builder) -> None:
    x = node.input[0]
    shape = b.onnx_shape(x)
    out, scales = _sizes_and_scales(node, b, shape)
    mode = attr_choice(node, "mode", "nearest", MODES)
    if b.opset < 11 and mode == "nearest" or node.op_type == "Upsample":
        node = _with_defaults(node, "asymmetric", "floor")
    coord = attr_choice(node, "coordinate_transformation_mode", "half_pixel", COORDINATE_MODES)
    nearest_mode = attr_choice(node, "nearest_mode", "round_prefer_floor", NEAREST_MODES)
    if coord == "tf_crop_and_resize":
        _resize_by_matrices(node, b, shape, out, scales, _crop_boxes(node, b, len(shape)))
        return
    antialias = attr(node, "antialias", 0) and any(s < 1 for s in scales)
    plain = len(shape) == 4 and out[:2] == list(shape[:2]) and not antialias
    if plain and _keras_layer(node, b, shape, out, mode, coord, nearest_mode):
        return
    _resize_by_matrices(node, b, shape, out, scales)


def _with_defaults(node: Any, coord: str, nearest_mode: str) -> Any:
    from onnx import helper

    copy = helper.make_node(node.op_type, list(node.input), list(node.output), name=node.name)
    copy.attribute.extend(a for a in node.attribute if a.name not in ("coordinate_transformation_mode",
                                                                      "nearest_mode"))
    copy.attribute.extend([helper.make_attribute("coordinate_transformation_mode", coord),
                           helper.make_attribute("nearest_mode", nearest_mode)])
    return copy


def _keras_layer(node: Any, b: Builder, shape: tuple[int, ...], out: list[int], mode: str, coord: str,
                 nearest_mode: str) -> bool:
    """UpSampling2D / Resizing when one of them computes exactly the same thing; else False."""
    factors = [o / d for o, d in zip(out[2:], shape[2:], strict=True)]
    integer = all(f == int(f) and f >= 1 for f in factors)
    v = b.view(node.input[0], b.spatial_perm(4))
    if mode == "nearest" and integer and (
            coord == "asymmetric" and nearest_mode == "floor" or coord in ("half_pixel", "pytorch_half_pixel")
            and nearest_mode == "round_prefer_floor"):
        kwargs = {"size": tuple(int(f) for f in factors), "data_format": b.data_format,
                  "interpolation": "nearest"}
        b.layer(node, "keras.layers.UpSampling2D", kwargs, v, None, b.spatial_perm(4))
        return True
    half_pixel = coord == "half_pixel" or coord == "pytorch_half_pixel" and min(out[2:]) > 1
    if mode == "linear" and half_pixel and min(factors) >= 1:
        kwargs = {"height": out[2], "width": out[3], "interpolation": "bilinear",
                  "data_format": b.data_format}
        b.layer(node, "keras.layers.Resizing", kwargs, v, None, b.spatial_perm(4))
        return True
    return False


add_converter("Resize", 10)(_resize)
add_converter("Upsample", 7)(_resize)
