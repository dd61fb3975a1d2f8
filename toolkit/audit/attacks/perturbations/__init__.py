"""Natural perturbations at five severities (ImageNet-C style), by name.

Each works on images scaled to [0, 1], shaped (N, H, W, C), and returns the same
shape inside [0, 1]; :func:`apply_perturbation` maps to and from data space.

>>> sorted(PERTURBATIONS)[:3]
['brightness', 'contrast', 'elastic']
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.perturbations import (  # noqa: F401 - registration
    blur,
    color,
    geometric,
    noise,
)
from mstool.toolkit.audit.attacks.perturbations.registry import PERTURBATIONS
from mstool.toolkit.errors import InputError


def get_perturbation(name: str, where: str = "perturbations") -> str:
    """The canonical name of a perturbation; an unknown one lists the valid names."""
    key = name.lower().replace("-", "_")
    if key not in PERTURBATIONS:
        raise InputError(
            f"unknown perturbation '{name}'; valid perturbations: {', '.join(sorted(PERTURBATIONS))}",
            where=where,
        )
    return key


def apply_perturbation(
    name: str, x: np.ndarray, severity: int, low: float, high: float, rng: np.random.Generator
) -> np.ndarray:
    """Perturb data-space images ``x`` (N, H, W, C) in [low, high] at ``severity`` 1-5.

    >>> x = np.full((1, 4, 4, 1), 0.5, np.float32)
    >>> y = apply_perturbation("brightness", x, 1, 0.0, 1.0, np.random.default_rng(0))
    >>> bool(y.mean() > 0.5)
    True
    """
    if not 1 <= severity <= 5:
        raise InputError(f"severity must be 1-5, got {severity}")
    unit = (x.astype(np.float64) - low) / (high - low)
    out = PERTURBATIONS[get_perturbation(name)](unit, severity, rng)
    return (low + np.clip(out, 0.0, 1.0) * (high - low)).astype(np.float32)


__all__ = ["PERTURBATIONS", "apply_perturbation", "get_perturbation"]
