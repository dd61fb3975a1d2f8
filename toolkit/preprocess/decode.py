"""Decode image files to RGB uint8: JPEG through libjpeg-turbo (simplejpeg), the rest via Pillow.

JPEGs may be decoded at 1/2, 1/4 or 1/8 scale in the DCT domain when the recipe shrinks
them that much anyway; EXIF orientation is honoured; gray, CMYK, palette and alpha
images become RGB (alpha is dropped, as Pillow's ``convert("RGB")`` does).
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mstool.toolkit.io.files import FileTooLarge, NotARegularFile, read_regular_file

JPEG_MAGIC = b"\xff\xd8\xff"
_TRANSPOSED = (5, 6, 7, 8)
# Pillow's own decompression-bomb threshold: about 268 MB of RGB pixels per image
MAX_PIXELS = 89_478_485
# larger files are refused before reading (a 1 GiB image file is beyond any photo set)
MAX_FILE_BYTES = 1 << 30


class DecodeError(Exception):
    """An input that cannot become an image: unreadable, empty, not an image, corrupt."""


@dataclass
class Decoded:
    """Decoded pixels (H, W, 3) uint8, and the upright full-resolution size (height, width)."""

    pixels: np.ndarray
    original: tuple[int, int]

    @property
    def size(self) -> tuple[int, int]:
        return int(self.pixels.shape[0]), int(self.pixels.shape[1])


def read_bytes(path: str | os.PathLike) -> bytes:
    """A regular file's bytes, or :class:`DecodeError` saying why it cannot be read.

    FIFOs, devices (a ``*.jpg`` symlink to /dev/zero) and sockets are refused without
    reading from them.

    >>> try:
    ...     read_bytes("/dev/zero")
    ... except DecodeError as err:
    ...     print(err)
    is a device, expected a regular file
    """
    try:
        data = read_regular_file(path, max_bytes=MAX_FILE_BYTES)
    except FileNotFoundError as err:
        raise DecodeError("no such file") from err
    except IsADirectoryError as err:
        raise DecodeError("is a directory") from err
    except PermissionError as err:
        raise DecodeError("permission denied") from err
    except (NotARegularFile, FileTooLarge) as err:
        raise DecodeError(str(err)) from err
    except OSError as err:
        raise DecodeError(f"cannot read ({err.strerror or err})") from err
    if not data:
        raise DecodeError("empty file (0 bytes)")
    return data


def check_pixel_count(height: int, width: int, max_pixels: int) -> None:
    """Refuse, before decoding, an image whose header declares more than ``max_pixels``.

    >>> try:
    ...     check_pixel_count(60000, 60000, MAX_PIXELS)
    ... except DecodeError as err:
    ...     print(err)
    image header declares 60000x60000 pixels (3600000000), more than the limit of 89478485 (decode.max_pixels)
    """
    if height * width > max_pixels:
        raise DecodeError(f"image header declares {width}x{height} pixels ({width * height}), "
                          f"more than the limit of {max_pixels} (decode.max_pixels)")


def _exif_orientation(tiff: bytes) -> int:
    order = "<" if tiff[:2] == b"II" else ">"
    (ifd,) = struct.unpack(order + "I", tiff[4:8])
    (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
    for entry in range(count):
        at = ifd + 2 + 12 * entry
        tag, _, _ = struct.unpack(order + "HHI", tiff[at : at + 8])
        if tag == 0x0112:
            (value,) = struct.unpack(order + "H", tiff[at + 8 : at + 10])
            return value if 1 <= value <= 8 else 1
    return 1


def jpeg_orientation(data: bytes) -> int:
    """The EXIF orientation (1..8) of a JPEG, read from its APP1 segment; 1 when absent.

    >>> jpeg_orientation(b"\\xff\\xd8\\xff\\xd9")
    1
    """
    at = 2
    try:
        while at + 4 <= len(data) and data[at] == 0xFF:
            marker = data[at + 1]
            if marker == 0xDA:  # start of scan: no more metadata
                return 1
            (length,) = struct.unpack(">H", data[at + 2 : at + 4])
            payload = data[at + 4 : at + 2 + length]
            if marker == 0xE1 and payload[:6] == b"Exif\x00\x00":
                return _exif_orientation(payload[6:])
            at += 2 + length
    except (struct.error, IndexError):
        return 1
    return 1


def orient(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Turn stored pixels upright for an EXIF orientation, as Pillow's ``exif_transpose``.

    >>> a = np.arange(6).reshape(2, 3, 1)
    >>> orient(a, 6)[:, :, 0].tolist()
    [[3, 0], [4, 1], [5, 2]]
    """
    if orientation == 2:
        pixels = pixels[:, ::-1]
    elif orientation == 3:
        pixels = pixels[::-1, ::-1]
    elif orientation == 4:
        pixels = pixels[::-1]
    elif orientation == 5:
        pixels = pixels.transpose(1, 0, 2)
    elif orientation == 6:
        pixels = pixels[::-1].transpose(1, 0, 2)
    elif orientation == 7:
        pixels = pixels[::-1, ::-1].transpose(1, 0, 2)
    elif orientation == 8:
        pixels = pixels[:, ::-1].transpose(1, 0, 2)
    return pixels


@dataclass
class DecodeOptions:
    """Decoder switches from the recipe's ``decode`` section."""

    dct_downscale: bool = True
    dct_min_factor: float = 2.0
    dct_margin: float = 2.0
    fast_dct: bool = False
    fast_upsample: bool = False
    max_pixels: int = MAX_PIXELS


def _decode_jpeg(
    data: bytes, target: Callable | None, options: DecodeOptions, buffer: Callable | None
) -> Decoded | None:
    import simplejpeg

    try:
        height, width, colorspace, _ = simplejpeg.decode_jpeg_header(data)
    except ValueError as err:
        raise DecodeError(f"corrupt or truncated JPEG ({err})") from err
    check_pixel_count(height, width, options.max_pixels)
    if colorspace not in ("YCbCr", "Gray", "RGB"):
        return None  # CMYK/YCCK: Pillow converts those
    orientation = jpeg_orientation(data)
    upright = (width, height) if orientation in _TRANSPOSED else (height, width)
    min_height = min_width = 0
    wanted = target(upright) if (target is not None and options.dct_downscale) else None
    if wanted is not None:
        wanted = tuple(int(round(side * options.dct_margin)) for side in wanted)
        min_height, min_width = wanted[::-1] if orientation in _TRANSPOSED else wanted
    try:
        pixels = simplejpeg.decode_jpeg(
            data, colorspace="RGB", fastdct=options.fast_dct, fastupsample=options.fast_upsample,
            min_height=min_height, min_width=min_width, min_factor=options.dct_min_factor,
            buffer=buffer(height * width * 3) if buffer is not None else None,
        )
    except ValueError as err:
        raise DecodeError(f"corrupt or truncated JPEG ({err})") from err
    return Decoded(np.ascontiguousarray(orient(pixels, orientation)), upright)


def _to_rgb(image) -> np.ndarray:
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        wide = np.asarray(image).astype(np.int64)
        gray = (wide >> 8).clip(0, 255) if wide.max() > 255 else wide
        return np.repeat(gray.astype(np.uint8)[:, :, None], 3, axis=2)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image)


def _decode_pillow(data: bytes, max_pixels: int) -> Decoded:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))  # lazy: reads the header only
        check_pixel_count(image.height, image.width, max_pixels)
        image.load()
        image = ImageOps.exif_transpose(image)
        pixels = _to_rgb(image)
    except UnidentifiedImageError as err:
        raise DecodeError("not an image (unknown format)") from err
    except (OSError, ValueError, SyntaxError, struct.error) as err:
        raise DecodeError(f"corrupt or truncated image ({err})") from err
    except Image.DecompressionBombError as err:  # Pillow's own check, at twice its limit
        raise DecodeError(f"image header declares too many pixels ({err})") from err
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise DecodeError("zero-sized image")
    return Decoded(np.ascontiguousarray(pixels), (int(pixels.shape[0]), int(pixels.shape[1])))


def decode_image(
    data: bytes, target: Callable | None = None, options: DecodeOptions | None = None,
    buffer: Callable[[int], bytearray] | None = None,
) -> Decoded:
    """Decode bytes to upright RGB; ``target(original_hw)`` may ask for a DCT-scaled JPEG.

    ``buffer(nbytes)``, when given, returns a reusable bytearray of at least ``nbytes``
    that receives JPEG pixels instead of a fresh array: the result is then a view into
    it, valid until the buffer is reused.

    ``target`` returns the (height, width) the recipe resizes to, or None; the JPEG is then
    decoded at the smallest DCT scale that keeps ``options.dct_margin`` times that size.

    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("L", (5, 4), 9).save(buf, "PNG")
    >>> decode_image(buf.getvalue()).pixels.shape
    (4, 5, 3)
    """
    options = options or DecodeOptions()
    if not data:
        raise DecodeError("empty file (0 bytes)")
    if data[:3] == JPEG_MAGIC:
        decoded = _decode_jpeg(data, target, options, buffer)
        if decoded is not None:
            return decoded
    return _decode_pillow(data, options.max_pixels)
