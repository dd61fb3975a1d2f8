"""Fuzz image decoding: mutated JPEG/PNG/GIF/BMP/WEBP/TIFF bytes decode or raise DecodeError.

DecodeError is the preprocess reader's refusal: the file is skipped (lenient runs) or
the run stops with InputError (--strict).
"""

from __future__ import annotations

import io
import struct

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from mstool.toolkit.preprocess.decode import DecodeError, decode_image
from tests.fuzz.budget import FUZZ, Outcomes
from tests.fuzz.mutate import edit

OUTCOMES = Outcomes("image decode", refused=(DecodeError,))
SIDES = [0, 1, 7, 4096, 9999, 60000, 65535]


def _encode(fmt: str, mode: str = "RGB", **kwargs) -> bytes:
    pixels = (np.arange(12 * 10 * 3) % 251).astype(np.uint8).reshape(12, 10, 3)
    image = Image.fromarray(pixels).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


SEEDS = [_encode("JPEG"), _encode("JPEG", "L"), _encode("JPEG", "CMYK"), _encode("JPEG", progressive=True),
         _encode("PNG"), _encode("PNG", "RGBA"), _encode("PNG", "P"), _encode("GIF", "P"), _encode("BMP"),
         _encode("WEBP", lossless=True), _encode("TIFF"), _encode("TIFF", compression="tiff_deflate")]


def _with_size(data: bytes, height: int, width: int) -> bytes:
    """Rewrite the declared size in a JPEG SOF or PNG IHDR header (the rest is left as is)."""
    out = bytearray(data)
    if data[:3] == b"\xff\xd8\xff":
        at = data.find(b"\xff\xc0")
        at = at if at >= 0 else data.find(b"\xff\xc2")
        if at >= 0:
            out[at + 5 : at + 9] = struct.pack(">HH", height, width)
    elif data[:4] == b"\x89PNG":
        out[16:24] = struct.pack(">II", width, height)
    return bytes(out)


@st.composite
def image_bytes(draw) -> bytes:
    data = draw(st.sampled_from(SEEDS))
    if draw(st.integers(0, 2)) == 0:
        data = _with_size(data, draw(st.sampled_from(SIDES)), draw(st.sampled_from(SIDES)))
    return edit(draw, data, max_edits=3)


def decode(data: bytes, downscale: bool):
    target = (lambda hw: (max(1, hw[0] // 4), max(1, hw[1] // 4))) if downscale else None
    return decode_image(data, target)


@FUZZ
@given(data=image_bytes(), downscale=st.booleans())
def test_image_decodes_or_raises_decode_error(data, downscale):
    decoded = OUTCOMES.run(decode, data, downscale)
    if decoded is not None:
        assert decoded.pixels.ndim == 3 and decoded.pixels.shape[2] == 3
        assert decoded.pixels.dtype == np.uint8 and min(decoded.size) > 0
