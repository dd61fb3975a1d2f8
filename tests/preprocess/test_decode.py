"""Decoding against Pillow: formats, EXIF orientation, colour modes, DCT-domain scaling."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from mstool.toolkit.preprocess.decode import (
    DecodeError,
    DecodeOptions,
    decode_image,
    jpeg_orientation,
    read_bytes,
)
from tests.preprocess.images import encode, synthetic_rgb

RGB = synthetic_rgb(48, 80, seed=1)


def pil_reference(data: bytes) -> np.ndarray:
    return np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillow(orientation):
    data = encode(RGB, "JPEG", orientation=orientation)
    assert jpeg_orientation(data) == orientation
    decoded = decode_image(data)
    assert np.array_equal(decoded.pixels, pil_reference(data))
    assert decoded.original == decoded.size


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "WEBP", "JPEG"])
def test_formats_decode_like_pillow(fmt):
    data = encode(RGB, fmt)
    assert np.array_equal(decode_image(data).pixels, pil_reference(data))


@pytest.mark.parametrize(("fmt", "mode"), [("JPEG", "L"), ("JPEG", "CMYK"), ("PNG", "L"), ("PNG", "LA"),
                                            ("PNG", "RGBA"), ("PNG", "P"), ("PNG", "I;16")])
def test_colour_modes_become_rgb(fmt, mode):
    data = encode(RGB, fmt, mode=mode)
    pixels = decode_image(data).pixels
    assert pixels.shape == (48, 80, 3) and pixels.dtype == np.uint8
    if mode != "I;16":
        assert np.array_equal(pixels, pil_reference(data))
    else:  # 16-bit gray: the high byte, copied to the three channels
        wide = np.asarray(Image.open(io.BytesIO(data)))
        expected = (wide >> 8) if wide.max() > 255 else wide
        assert np.array_equal(pixels[:, :, 1], expected.astype(np.uint8))


def test_dct_downscale_decodes_smaller_and_close_to_full_resolution():
    big = synthetic_rgb(480, 640, seed=2)
    data = encode(big, "JPEG", quality=95)
    options = DecodeOptions(dct_min_factor=2.0, dct_margin=1.0)
    small = decode_image(data, lambda hw: (hw[0] // 4, hw[1] // 4), options)
    assert small.size == (120, 160) and small.original == (480, 640)
    not_enough = decode_image(data, lambda hw: (300, 400), options)  # 1/2 would be too small
    assert not_enough.size == (480, 640)
    reference = np.asarray(Image.open(io.BytesIO(data)).convert("RGB").resize((160, 120), Image.BOX))
    mse = np.mean((small.pixels.astype(float) - reference) ** 2)
    assert 10 * np.log10(255**2 / mse) > 30


def test_dct_downscale_respects_orientation():
    data = encode(synthetic_rgb(200, 320, seed=4), "JPEG", orientation=6)  # upright 320 x 200
    decoded = decode_image(data, lambda hw: (hw[0] // 4, hw[1] // 4))  # margin 2: 1/2 scale
    assert decoded.original == (320, 200) and decoded.size == (160, 100)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"just some text, not an image\n", "not an image"),
        (encode(RGB, "JPEG")[:300], "corrupt or truncated"),
        (encode(RGB, "JPEG")[: len(encode(RGB, "JPEG")) * 2 // 3], "corrupt or truncated"),
        (encode(RGB, "PNG")[:200], "corrupt or truncated"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "corrupt"),
    ],
    ids=["empty", "text", "truncated-jpeg-header", "truncated-jpeg-scan", "truncated-png", "garbage-jpeg"],
)
def test_bad_bytes_raise_decode_error(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_image(data)


def test_unreadable_paths(tmp_path):
    with pytest.raises(DecodeError, match="no such file"):
        read_bytes(tmp_path / "missing.jpg")
    with pytest.raises(DecodeError, match="is a directory"):
        read_bytes(tmp_path)
