"""Noise: Gaussian, uniform, shot (Poisson) and impulse (salt and pepper)."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.perturbations.registry import level, perturbation


@perturbation("gaussian_noise")
def gaussian_noise(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    return x + rng.normal(0.0, level((0.08, 0.12, 0.18, 0.26, 0.38), severity), x.shape)


@perturbation("uniform_noise")
def uniform_noise(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    half = level((0.1, 0.2, 0.3, 0.45, 0.6), severity)
    return x + rng.uniform(-half, half, x.shape)


@perturbation("shot_noise")
def shot_noise(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    photons = level((60, 25, 12, 5, 3), severity)
    return rng.poisson(np.clip(x, 0, 1) * photons) / photons


@perturbation("impulse_noise")
def impulse_noise(x: np.ndarray, severity: int, rng: np.random.Generator) -> np.ndarray:
    amount = level((0.03, 0.06, 0.09, 0.17, 0.27), severity)
    out = x.copy()
    hit = rng.random(x.shape) < amount
    out[hit] = (rng.random(int(hit.sum())) < 0.5).astype(x.dtype)
    return out
