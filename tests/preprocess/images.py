"""Synthetic test images (smooth gradients with shapes, so resampling behaves like on photos).

Also writes the small bundled demo set under ``recipes/data/preprocess``.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def synthetic_rgb(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A smooth colour gradient with a few hard-edged rectangles and mild noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    img = np.stack([
        127 + 100 * np.sin(x / (7 + seed) + y / 23),
        127 + 100 * np.cos(y / (9 + seed)),
        (x + y) * 255.0 / (height + width),
    ], axis=2)
    for _ in range(4):
        top, left = rng.integers(0, height // 2), rng.integers(0, width // 2)
        img[top : top + height // 4, left : left + width // 4] = rng.integers(0, 256, 3)
    img += rng.normal(0, 4, img.shape)
    return img.clip(0, 255).astype(np.uint8)


def encode(pixels: np.ndarray, fmt: str, *, mode: str | None = None, orientation: int | None = None,
           quality: int = 92) -> bytes:
    """Encode an RGB array in ``fmt`` (JPEG, PNG, BMP, WEBP), optionally converted/oriented."""
    image = Image.fromarray(pixels)
    if mode is not None:
        image = image.convert(mode)
    buf = io.BytesIO()
    kwargs: dict = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    if fmt == "WEBP":
        kwargs["lossless"] = True
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def write_demo_set(root: Path) -> list[Path]:
    """A labelled two-class folder of small images in several formats (< 1 MB in all)."""
    specs = [
        ("stripes/a.jpg", (180, 240), "JPEG", None, None),
        ("stripes/b.png", (150, 200), "PNG", None, None),
        ("stripes/c_rotated.jpg", (160, 120), "JPEG", None, 6),
        ("blocks/d.webp", (128, 128), "WEBP", None, None),
        ("blocks/e_gray.png", (120, 180), "PNG", "L", None),
        ("blocks/f_alpha.png", (140, 140), "PNG", "RGBA", None),
        ("blocks/g.bmp", (96, 128), "BMP", None, None),
        ("blocks/h_cmyk.jpg", (200, 150), "JPEG", "CMYK", None),
    ]
    written = []
    for seed, (name, (h, w), fmt, mode, orientation) in enumerate(specs):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode(synthetic_rgb(h, w, seed), fmt, mode=mode, orientation=orientation))
        written.append(path)
    return written


if __name__ == "__main__":  # python -m tests.preprocess.images recipes/data/preprocess
    import sys

    for p in write_demo_set(Path(sys.argv[1])):
        print(p, p.stat().st_size)
