"""Blur and compression: Gaussian, motion and gradient blur; JPEG; pixelation."""

from __future__ import annotations

import io

import numpy as np
from scipy import ndimage

from mstool.toolkit.audit.attacks.perturbations.registry import level, perturbation


def _blur(x: np.ndarray, sigma: float) -> np.ndarray:
    return ndimage.gaussian_filter(x, sigma=(0, sigma, sigma, 0), mode="nearest")


@perturbation("gaussian_blur")
def gaussian_blur(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    return _blur(x, level((0.4, 0.6, 0.8, 1.1, 1.5), severity))


def motion_kernel(length: int, angle: float) -> np.ndarray:
    """A normalised line kernel of ``length`` pixels at ``angle`` radians.

    >>> float(motion_kernel(3, 0.0).sum())
    1.0
    """
    size = length if length % 2 else length + 1
    kernel = np.zeros((size, size))
    centre = size // 2
    for t in np.linspace(-(length - 1) / 2, (length - 1) / 2, 4 * length):
        r, c = int(round(centre - t * np.sin(angle))), int(round(centre + t * np.cos(angle)))
        kernel[r, c] = 1.0
    return kernel / kernel.sum()


@perturbation("motion_blur")
def motion_blur(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    kernel = motion_kernel(int(level((2, 3, 4, 5, 6), severity)), rng.uniform(0, np.pi))
    return ndimage.convolve(x, kernel[None, :, :, None], mode="nearest")


@perturbation("gradient_blur")
def gradient_blur(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    """Blur that grows across the image from one random side to the other."""
    blurred = _blur(x, 2 * level((0.4, 0.6, 0.8, 1.1, 1.5), severity))
    w = x.shape[2]
    ramp = np.linspace(0.0, 1.0, w)
    if rng.random() < 0.5:
        ramp = ramp[::-1]
    ramp = ramp.reshape(1, 1, w, 1)
    return (1 - ramp) * x + ramp * blurred


def _pil_roundtrip(x: np.ndarray, fn) -> np.ndarray:  # noqa: ANN001
    from PIL import Image

    out = np.empty_like(x)
    for i, img in enumerate(x):
        u8 = np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)
        pil = Image.fromarray(u8[..., 0] if u8.shape[-1] == 1 else u8)
        back = np.asarray(fn(pil), np.float64) / 255.0
        out[i] = back.reshape(img.shape)
    return out


@perturbation("jpeg")
def jpeg(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    from PIL import Image

    quality = int(level((30, 20, 15, 10, 7), severity))

    def compress(pil: Image.Image) -> Image.Image:
        buffer = io.BytesIO()
        pil.save(buffer, format="JPEG", quality=quality)
        return Image.open(io.BytesIO(buffer.getvalue()))

    return _pil_roundtrip(x, compress)


@perturbation("pixelate")
def pixelate(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    from PIL import Image

    factor = level((0.8, 0.7, 0.6, 0.5, 0.4), severity)
    h, w = x.shape[1:3]
    small = (max(1, int(w * factor)), max(1, int(h * factor)))
    return _pil_roundtrip(x, lambda pil: pil.resize(small, Image.BOX).resize((w, h), Image.NEAREST))
