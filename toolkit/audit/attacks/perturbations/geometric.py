"""Geometric transforms: rotation, translation, scaling, shear, perspective and elastic warps.

Each builds, per image, the source coordinate of every output pixel and samples
bilinearly (``scipy.ndimage.map_coordinates``); outside pixels take the range minimum.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from mstool.toolkit.audit.attacks.perturbations.registry import level, perturbation


def sample(img: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Bilinear sampling of an (H, W, C) image at float coordinates."""
    return np.stack(
        [
            ndimage.map_coordinates(img[..., c], [rows, cols], order=1, mode="constant", cval=0.0)
            for c in range(img.shape[-1])
        ],
        axis=-1,
    )


def affine(x: np.ndarray, matrix: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Apply ``source = matrix @ (out - centre) + centre + shift`` to every image."""
    h, w = x.shape[1:3]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    rows = matrix[0, 0] * (yy - cy) + matrix[0, 1] * (xx - cx) + cy + shift[0]
    cols = matrix[1, 0] * (yy - cy) + matrix[1, 1] * (xx - cx) + cx + shift[1]
    return np.stack([sample(img, rows, cols) for img in x])


def _sign(rng: np.random.Generator) -> float:
    return 1.0 if rng.random() < 0.5 else -1.0


@perturbation("rotation")
def rotation(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    angle = np.deg2rad(level((5, 10, 15, 20, 30), severity)) * _sign(rng)
    c, s = np.cos(angle), np.sin(angle)
    return affine(x, np.array([[c, -s], [s, c]]), np.zeros(2))


@perturbation("translation")
def translation(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    frac = level((0.05, 0.1, 0.15, 0.2, 0.25), severity)
    h, w = x.shape[1:3]
    shift = np.array([_sign(rng) * frac * h, _sign(rng) * frac * w])
    return affine(x, np.eye(2), shift)


@perturbation("scaling")
def scaling(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    factor = level((0.95, 0.9, 0.85, 0.8, 0.7), severity)
    return affine(x, np.eye(2) / factor, np.zeros(2))


@perturbation("shear")
def shear(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    amount = level((0.05, 0.1, 0.15, 0.2, 0.3), severity) * _sign(rng)
    return affine(x, np.array([[1.0, 0.0], [amount, 1.0]]), np.zeros(2))


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 3x3 projective map sending four ``src`` points to ``dst`` (points as (row, col))."""
    rows = []
    for (y, x), (v, u) in zip(src, dst, strict=True):
        rows.append([y, x, 1, 0, 0, 0, -v * y, -v * x, v])
        rows.append([0, 0, 0, y, x, 1, -u * y, -u * x, u])
    a = np.array(rows, dtype=np.float64)
    h = np.linalg.solve(a[:, :8], a[:, 8])
    return np.append(h, 1.0).reshape(3, 3)


@perturbation("perspective")
def perspective(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    frac = level((0.04, 0.08, 0.12, 0.16, 0.2), severity)
    h, w = x.shape[1:3]
    corners = np.array([[0, 0], [0, w - 1], [h - 1, w - 1], [h - 1, 0]], np.float64)
    moved = corners + rng.uniform(-frac, frac, corners.shape) * np.array([h, w])
    mapping = homography(corners, moved)  # output pixel -> source pixel
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    pts = mapping @ np.stack([yy.ravel(), xx.ravel(), np.ones(h * w)])
    rows, cols = (pts[0] / pts[2]).reshape(h, w), (pts[1] / pts[2]).reshape(h, w)
    return np.stack([sample(img, rows, cols) for img in x])


@perturbation("elastic")
def elastic(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    """Curve/elastic transform: smooth random displacement fields."""
    h, w = x.shape[1:3]
    alpha = level((0.03, 0.05, 0.07, 0.09, 0.12), severity) * max(h, w)
    sigma = 0.12 * max(h, w)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    out = []
    for img in x:
        dy = ndimage.gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma)
        dx = ndimage.gaussian_filter(rng.uniform(-1, 1, (h, w)), sigma)
        scale = alpha / max(np.abs(dy).max(), np.abs(dx).max(), 1e-12)
        out.append(sample(img, yy + dy * scale, xx + dx * scale))
    return np.stack(out)
