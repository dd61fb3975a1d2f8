"""Each fused op against an independent reference: PIL, OpenCV, numpy slicing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from mstool.schemas.preprocess import (
    CenterCropOp,
    CropOp,
    HflipOp,
    LetterboxOp,
    NormalizeOp,
    PadOp,
    ResizeOp,
    ResizeShorterOp,
)
from mstool.toolkit.preprocess.geometry import GeometryError, fixed_output_shape, plan_image
from mstool.toolkit.preprocess.transform import transform
from tests.preprocess.images import synthetic_rgb

IMG = synthetic_rgb(97, 131, seed=3)
NOISE = np.random.default_rng(7).integers(0, 256, (41, 57, 3), dtype=np.uint8)
SIZES = [(40, 60), (97, 131), (150, 210), (23, 300), (48, 65), (75, 100)]  # (75, 100): 3 adjacent taps
PIL_FILTERS = {"nearest": Image.NEAREST, "antialias": Image.BILINEAR, "area": Image.BOX,
               "bicubic": Image.BICUBIC}


def run(img, ops, **kw):
    kw.setdefault("layout", "HWC")
    kw.setdefault("dtype", "uint8")
    return transform(img, plan_image(ops, img.shape[:2]), **kw)


def pil_resize(img, size, mode):
    return np.asarray(Image.fromarray(img).resize(size[::-1], PIL_FILTERS[mode]))


def max_diff(a, b):
    return int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max())


@pytest.mark.parametrize("img", [IMG, NOISE], ids=["smooth", "noise"])
@pytest.mark.parametrize("size", SIZES)
def test_nearest_matches_pil_and_opencv_exactly(img, size):
    out = run(img, [ResizeOp(height=size[0], width=size[1], interpolation="nearest")])
    assert max_diff(out, pil_resize(img, size, "nearest")) == 0
    ref = cv2.resize(img, size[::-1], interpolation=cv2.INTER_NEAREST_EXACT)
    assert max_diff(out, ref) == 0


@pytest.mark.parametrize("img", [IMG, NOISE], ids=["smooth", "noise"])
@pytest.mark.parametrize("size", SIZES)
def test_bilinear_matches_opencv_within_one_level(img, size):
    out = run(img, [ResizeOp(height=size[0], width=size[1], interpolation="bilinear")])
    assert max_diff(out, cv2.resize(img, size[::-1], interpolation=cv2.INTER_LINEAR)) <= 1


@pytest.mark.parametrize("mode", ["antialias", "area"])
@pytest.mark.parametrize("size", SIZES)
def test_filters_match_pil_within_one_level(mode, size):
    out = run(IMG, [ResizeOp(height=size[0], width=size[1], interpolation=mode)])
    assert max_diff(out, pil_resize(IMG, size, mode)) <= 1


@pytest.mark.parametrize("size", SIZES)
def test_bicubic_matches_pil_except_at_clipped_overshoots(size):
    # PIL rounds and clips to uint8 between its horizontal and vertical passes; the fused
    # kernel does not, so bicubic overshoot at hard edges may differ by a few levels.
    out = run(IMG, [ResizeOp(height=size[0], width=size[1], interpolation="bicubic")])
    diff = np.abs(out.astype(int) - pil_resize(IMG, size, "bicubic"))
    assert (diff <= 1).mean() > 0.999 and diff.max() <= 6


def test_area_matches_opencv_inter_area_on_integer_factors():
    out = run(IMG[:96, :130], [ResizeOp(height=48, width=65, interpolation="area")])
    assert max_diff(out, cv2.resize(IMG[:96, :130], (65, 48), interpolation=cv2.INTER_AREA)) <= 1


def test_crop_flip_pad_are_exact():
    ops = [CropOp(top=5, left=7, height=50, width=60), HflipOp(),
           PadOp(top=2, left=3, bottom=4, right=1, fill=9)]
    out = run(IMG, ops)
    ref = np.full((56, 64, 3), 9, np.uint8)
    ref[2:52, 3:63] = IMG[5:55, 7:67][:, ::-1]
    assert np.array_equal(out, ref)


def test_crop_outside_the_image_is_refused():
    with pytest.raises(GeometryError, match="outside"):
        plan_image([CropOp(top=90, left=0, height=20, width=20)], IMG.shape[:2])


def test_center_crop_after_resize_shorter_matches_pil():
    ops = [ResizeShorterOp(size=64, interpolation="antialias"), CenterCropOp(height=56, width=56)]
    out = run(IMG, ops)
    resized = Image.fromarray(IMG).resize((int(64 * 131 / 97), 64), Image.BILINEAR)
    left = int(round((resized.width - 56) / 2.0))
    top = int(round((resized.height - 56) / 2.0))
    ref = np.asarray(resized.crop((left, top, left + 56, top + 56)))
    assert max_diff(out, ref) <= 1


def test_center_crop_larger_than_image_pads_with_fill():
    out = run(IMG[:20, :30], [CenterCropOp(height=24, width=30, fill=7)])
    assert np.array_equal(out[2:22], IMG[:20, :30])
    assert (out[:2] == 7).all() and (out[22:] == 7).all()


def test_letterbox_pads_exactly_and_resizes_like_pil():
    out = run(IMG, [LetterboxOp(size=64, fill=114, interpolation="antialias")])
    plan = plan_image([LetterboxOp(size=64)], IMG.shape[:2])
    top, left, bottom, right = plan.padding
    height = round(97 * 64 / 131)
    assert (left, right) == (0, 0) and top + bottom == 64 - height
    assert (out[:top] == 114).all() and (out[64 - bottom :] == 114).all()
    assert max_diff(out[top : 64 - bottom], pil_resize(IMG, (height, 64), "antialias")) <= 1


@pytest.mark.parametrize(("layout", "dtype"), [("HWC", "uint8"), ("CHW", "float32")])
def test_portrait_letterbox_unrolled_four_tap_path_matches_pil(layout, dtype):
    """Shrinking by 0.65 (YOLO on 640 x 480) gives four adjacent taps (the unrolled path),
    and a portrait photo gives padded columns."""
    portrait = np.ascontiguousarray(IMG.transpose(1, 0, 2))  # 131 x 97
    ops = [LetterboxOp(size=85, fill=114, interpolation="antialias")]
    plan = plan_image(ops, portrait.shape[:2])
    transform(portrait, plan)
    offsets, adjacent = plan.cache["col_offset"]
    assert offsets.shape[1] == 4 and adjacent
    out = run(portrait, ops, layout=layout, dtype=dtype)
    hwc = out if layout == "HWC" else np.rint(out.transpose(1, 2, 0))
    top, left, bottom, right = plan.padding
    assert (top, bottom) == (0, 0) and left + right == 85 - round(97 * 85 / 131)
    assert (hwc[:, :left] == 114).all() and (hwc[:, 85 - right :] == 114).all()
    resized = pil_resize(portrait, (85, 85 - left - right), "antialias")
    assert max_diff(hwc[:, left : 85 - right], resized) <= 1


def test_letterbox_affine_maps_points_back():
    plan = plan_image([LetterboxOp(size=416)], (480, 640))
    assert (plan.rows.scale, plan.rows.offset) == (0.65, 52.0)
    assert (plan.cols.scale, plan.cols.offset) == (0.65, 0.0)
    flipped = plan_image([LetterboxOp(size=416), HflipOp()], (480, 640))
    assert flipped.cols.scale * 640 + flipped.cols.offset == pytest.approx(0.0)


def test_normalize_layout_and_dtypes_against_numpy():
    norm = NormalizeOp(scale=1 / 255, mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    resize = ResizeOp(height=40, width=60, interpolation="nearest")
    base = run(IMG, [resize])
    chw = run(IMG, [resize, norm], layout="CHW", dtype="float32")
    ref = ((base / 255.0 - np.array(norm.mean)) / np.array(norm.std)).transpose(2, 0, 1)
    assert chw.dtype == np.float32 and chw.shape == (3, 40, 60)
    np.testing.assert_allclose(chw, ref, atol=1e-5)
    hwc16 = run(IMG, [resize, norm], layout="HWC", dtype="float16")
    assert hwc16.dtype == np.float16
    np.testing.assert_allclose(hwc16.astype(np.float32), ref.transpose(1, 2, 0), atol=4e-3)


def test_threaded_and_serial_kernels_agree():
    ops = [ResizeShorterOp(size=50, interpolation="bicubic"), CenterCropOp(height=48, width=48)]
    a = run(IMG, ops, dtype="float32", layout="CHW")
    b = run(IMG, ops, dtype="float32", layout="CHW", threaded=False)
    assert np.array_equal(a, b)


def test_two_resizes_compose_into_one_pass():
    ops = [ResizeOp(height=60, width=80, interpolation="bilinear"),
           ResizeOp(height=30, width=40, interpolation="bilinear")]
    out = run(IMG, ops, dtype="float32")
    first = cv2.resize(IMG.astype(np.float32), (80, 60), interpolation=cv2.INTER_LINEAR)
    ref = cv2.resize(first, (40, 30), interpolation=cv2.INTER_LINEAR)
    assert np.abs(out - ref).max() < 0.05


def test_variable_output_size_is_refused():
    with pytest.raises(GeometryError, match="vary"):
        fixed_output_shape([ResizeShorterOp(size=256)])
    assert fixed_output_shape([ResizeShorterOp(size=256), CenterCropOp(height=224, width=224)]) == (224, 224)
