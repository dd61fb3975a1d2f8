"""What every attack shares: the job it is given, the registry, budgets and projections.

An attack is a function ``attack(job) -> x_adv`` registered with :func:`register`;
``job`` carries the classifier, the samples (data space), labels or targets, the
budget and a seeded random generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mstool.toolkit.audit.models import Classifier
from mstool.toolkit.errors import InputError

NORMS = ("linf", "l2", "l1", "l0")


@dataclass
class AttackJob:
    """Everything an attack needs: model, samples, labels, budget, randomness."""

    clf: Classifier
    x: np.ndarray
    y: np.ndarray
    eps: float | None
    rng: np.random.Generator
    norm: str = "linf"
    targets: np.ndarray | None = None
    max_queries: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def low(self) -> float:
        return self.clf.clip[0]

    @property
    def high(self) -> float:
        return self.clf.clip[1]

    @property
    def span(self) -> float:
        return self.high - self.low

    @property
    def targeted(self) -> bool:
        return self.targets is not None

    @property
    def goal(self) -> np.ndarray:
        """The labels the loss refers to: targets when targeted, else true labels."""
        return self.targets if self.targets is not None else self.y

    def clip(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.low, self.high).astype(np.float32)

    def success(self, pred: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        if self.targets is not None:
            return pred == self.targets[rows]
        return pred != self.y[rows]


@dataclass(frozen=True)
class AttackSpec:
    """A registered attack: how it is budgeted and what it accepts."""

    name: str
    fn: Callable[[AttackJob], np.ndarray]
    family: str  # whitebox | blackbox
    norm: str
    budget: str  # eps (bounded) | minimal (finds small perturbations; eps is a threshold)
    targeted: bool
    defaults: dict[str, Any]
    summary: str
    quick: dict[str, Any] = field(default_factory=dict)  # cheaper settings (``quick: true``)
    per_sample: bool = True  # each sample's result is its own (False: runs on all samples at once)


ATTACKS: dict[str, AttackSpec] = {}


def register(
    name: str,
    *,
    family: str,
    norm: str,
    budget: str = "eps",
    targeted: bool = True,
    defaults: dict[str, Any] | None = None,
    summary: str = "",
    quick: dict[str, Any] | None = None,
    per_sample: bool = True,
) -> Callable:
    """Decorator adding an attack function to :data:`ATTACKS`; ``per_sample=False`` for an attack
    whose samples share a result (a universal perturbation), so it is never split into batches."""

    def wrap(fn: Callable[[AttackJob], np.ndarray]) -> Callable[[AttackJob], np.ndarray]:
        doc = summary or (fn.__doc__ or "").strip().splitlines()[0]
        ATTACKS[name] = AttackSpec(
            name, fn, family, norm, budget, targeted, dict(defaults or {}), doc, dict(quick or {}),
            per_sample,
        )
        return fn

    return wrap


def resolve_params(
    spec: AttackSpec, given: dict[str, Any], where: str, quick: bool = False
) -> dict[str, Any]:
    """Defaults (field strength, or the cheaper ``quick`` ones) overridden by ``given``;
    unknown keys are an error naming the allowed ones.

    >>> from mstool.toolkit.audit.attacks import get_attack
    >>> pgd = get_attack("pgd")
    >>> resolve_params(pgd, {}, "x")["steps"], resolve_params(pgd, {}, "x", quick=True)["steps"]
    (40, 10)
    """
    unknown = sorted(set(given) - set(spec.defaults))
    if unknown:
        allowed = ", ".join(sorted(spec.defaults)) or "none"
        raise InputError(
            f"attack '{spec.name}' has no parameter(s) {unknown}; allowed: {allowed}", where=where
        )
    return {**spec.defaults, **(spec.quick if quick else {}), **given}


# ---- norms and projections -----------------------------------------------------------
def flat(x: np.ndarray) -> np.ndarray:
    return x.reshape(len(x), -1)


def norms(delta: np.ndarray, norm: str) -> np.ndarray:
    """Per-sample norm of a perturbation batch.

    >>> norms(np.array([[3.0, -4.0]]), "l2").tolist()
    [5.0]
    """
    d = flat(delta).astype(np.float64)
    if norm == "linf":
        return np.abs(d).max(axis=1) if d.shape[1] else np.zeros(len(d))
    if norm == "l2":
        return np.sqrt((d**2).sum(axis=1))
    if norm == "l1":
        return np.abs(d).sum(axis=1)
    if norm == "l0":
        return (np.abs(d) > 1e-8).sum(axis=1).astype(np.float64)
    raise ValueError(f"unknown norm {norm}")


def project(x_adv: np.ndarray, x: np.ndarray, eps: float, norm: str, low: float, high: float) -> np.ndarray:
    """Bring ``x_adv`` into the ``eps`` ball around ``x`` and the valid range.

    >>> project(np.array([[0.9]]), np.array([[0.5]]), 0.1, "linf", 0, 1).astype(float).round(3).tolist()
    [[0.6]]
    """
    delta = x_adv.astype(np.float64) - x
    if norm == "linf":
        delta = np.clip(delta, -eps, eps)
    elif norm in ("l2", "l1"):
        size = norms(delta, norm)
        factor = np.minimum(1.0, eps / np.maximum(size, 1e-12))
        delta = delta * factor.reshape((-1,) + (1,) * (delta.ndim - 1))
    out = np.clip(x + delta, low, high)
    if norm == "linf":
        # float32 rounding must not push a value past eps
        out = np.clip(out, x - eps, x + eps)
    return out.astype(np.float32)


def normalize(g: np.ndarray, norm: str) -> np.ndarray:
    """The steepest-ascent direction for a gradient under a norm (sign for Linf)."""
    if norm == "linf":
        return np.sign(g)
    size = norms(g, "l2" if norm == "l2" else "l1")
    return g / np.maximum(size, 1e-12).reshape((-1,) + (1,) * (g.ndim - 1))


def random_in_ball(rng: np.random.Generator, shape: tuple, eps: float, norm: str) -> np.ndarray:
    """Uniform random points in the ``eps`` ball (Linf cube or L2 ball)."""
    if norm == "linf":
        return rng.uniform(-eps, eps, size=shape)
    direction = rng.standard_normal(shape)
    direction /= np.maximum(norms(direction, "l2"), 1e-12).reshape((-1,) + (1,) * (len(shape) - 1))
    radius = eps * rng.random(shape[0]) ** (1.0 / np.prod(shape[1:]))
    return direction * radius.reshape((-1,) + (1,) * (len(shape) - 1))


def least_likely(clf: Classifier, x: np.ndarray) -> np.ndarray:
    return clf.logits(x).argmin(axis=1)


def random_targets(y: np.ndarray, num_classes: int, rng: np.random.Generator) -> np.ndarray:
    """A random class different from each label."""
    shift = rng.integers(1, num_classes, size=len(y))
    return (y + shift) % num_classes


def expand(v: np.ndarray, ndim: int) -> np.ndarray:
    return v.reshape((-1,) + (1,) * (ndim - 1))
