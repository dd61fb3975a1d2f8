"""The perturbation registry (name -> function of (x in [0,1], severity, rng))."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Perturbation = Callable[[np.ndarray, int, np.random.Generator], np.ndarray]
PERTURBATIONS: dict[str, Perturbation] = {}


def perturbation(name: str) -> Callable[[Perturbation], Perturbation]:
    def wrap(fn: Perturbation) -> Perturbation:
        PERTURBATIONS[name] = fn
        return fn

    return wrap


def level(values: tuple, severity: int) -> float:
    """The parameter of a severity (1-5) from a five-entry table."""
    return values[severity - 1]
