"""Photometric changes: brightness, contrast, gradient luminance, saturation and fog."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from mstool.toolkit.audit.attacks.perturbations.registry import level, perturbation


@perturbation("brightness")
def brightness(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    return x + level((0.1, 0.2, 0.3, 0.4, 0.5), severity)


@perturbation("contrast")
def contrast(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    factor = level((0.4, 0.3, 0.2, 0.1, 0.05), severity)
    mean = x.mean(axis=(1, 2, 3), keepdims=True)
    return (x - mean) * factor + mean


@perturbation("gradient_luminance")
def gradient_luminance(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    """A linear light-to-dark ramp in a random direction."""
    strength = level((0.2, 0.3, 0.4, 0.5, 0.6), severity)
    h, w = x.shape[1:3]
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w]
    proj = (xx - (w - 1) / 2) * np.cos(angle) + (yy - (h - 1) / 2) * np.sin(angle)
    proj = proj / max(np.abs(proj).max(), 1e-12)
    return x + strength * proj[None, :, :, None]


@perturbation("saturation")
def saturation(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    """Desaturate towards grey (colour images; single-channel images are unchanged)."""
    if x.shape[-1] != 3:
        return x
    keep = level((0.7, 0.5, 0.3, 0.15, 0.0), severity)
    grey = (x * np.array([0.299, 0.587, 0.114])).sum(axis=-1, keepdims=True)
    return grey + keep * (x - grey)


def fog_field(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Fractal-like haze in [0, 1]: smoothed noise summed over octaves."""
    h, w = shape
    field = np.zeros((h, w))
    for octave in range(4):
        sigma = max(h, w) / 2 ** (octave + 1)
        field += ndimage.gaussian_filter(rng.standard_normal((h, w)), sigma, mode="wrap") * 0.6**octave
    field -= field.min()
    return field / max(field.max(), 1e-12)


@perturbation("fog")
def fog(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    strength = level((0.3, 0.45, 0.6, 0.75, 0.9), severity)
    haze = np.stack([fog_field(x.shape[1:3], rng) for _ in range(len(x))])[..., None]
    top = x.max(axis=(1, 2, 3), keepdims=True)
    return (x + strength * haze) * top / (top + strength)
