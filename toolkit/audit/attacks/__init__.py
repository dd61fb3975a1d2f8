"""The attack registry: white-box and black-box attacks by name, and the budget check.

>>> "pgd" in ATTACKS and ATTACKS["square"].family
'blackbox'
"""

from __future__ import annotations

import difflib

import numpy as np

from mstool.toolkit.audit.attacks import blackbox, whitebox  # noqa: F401 - packages
from mstool.toolkit.audit.attacks.base import (
    ATTACKS,
    AttackJob,
    AttackSpec,
    norms,
    project,
    resolve_params,
)
from mstool.toolkit.audit.attacks.blackbox import (  # noqa: F401 - registration
    boundary,
    evolutionary,
    hopskipjump,
    nes,
    pixels,
    simba,
    square,
)
from mstool.toolkit.audit.attacks.whitebox import (  # noqa: F401 - registration
    apgd,
    cw,
    deepfool,
    fgm,
    iterative,
    jsma,
    lbfgs,
    universal,
)
from mstool.toolkit.audit.models import Classifier
from mstool.toolkit.errors import InputError


def get_attack(name: str, where: str = "attacks") -> AttackSpec:
    """The registered attack ``name``; an unknown name lists the valid ones.

    >>> get_attack("fgsm").norm
    'linf'
    """
    key = name.lower().replace("-", "").replace("_", "")
    for spec in ATTACKS.values():
        if spec.name.replace("_", "") == key:
            return spec
    near = difflib.get_close_matches(name.lower(), ATTACKS, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(near)}?)" if near else ""
    valid = ", ".join(sorted(ATTACKS))
    raise InputError(f"unknown attack '{name}'{hint}; valid attacks: {valid}", where=where)


def attack_norm(spec: AttackSpec, params: dict) -> str:
    """The norm an attack's budget is measured in (some attacks take it as a parameter)."""
    return str(params.get("norm", spec.norm))


def run_attack(spec: AttackSpec, job: AttackJob) -> np.ndarray:
    """Run an attack and guarantee its contract: valid range, and the eps ball when bounded."""
    x_adv = np.asarray(spec.fn(job), np.float32)
    if x_adv.shape != job.x.shape:
        raise RuntimeError(f"attack {spec.name} returned shape {x_adv.shape}, expected {job.x.shape}")
    x_adv = np.clip(np.nan_to_num(x_adv, nan=0.0), job.low, job.high)
    if spec.budget == "eps" and job.eps is not None:
        x_adv = project(x_adv, job.x, job.eps, attack_norm(spec, job.params), job.low, job.high)
    return x_adv


def attack(
    clf: Classifier,
    x: np.ndarray,
    y: np.ndarray,
    name: str,
    eps: float | None = None,
    seed: int = 0,
    quick: bool = False,
    targets: np.ndarray | None = None,
    **params: object,
) -> np.ndarray:
    """Run the registered attack ``name`` on ``(x, y)`` (data space); minimal attacks ignore
    ``eps`` here (threshold with :func:`within_threshold`). Parameters override the defaults.

    >>> from mstool.toolkit.audit.models import Classifier, Preprocess
    >>> clf = Classifier("sum", "python", lambda v: np.c_[v.sum((1, 2, 3)), 1.0 - v.sum((1, 2, 3))],
    ...                  (1, 1, 1), Preprocess(), num_classes=2)
    >>> attack(clf, np.full((1, 1, 1, 1), 0.8, np.float32), np.array([0]), "square", eps=0.5, queries=20)
    array([[[[0.3]]]], dtype=float32)
    """
    spec = get_attack(name)
    resolved = resolve_params(spec, dict(params), "attack", quick)
    job = AttackJob(clf, np.asarray(x, np.float32), np.asarray(y), eps if spec.budget == "eps" else None,
                    np.random.default_rng(seed), norm=attack_norm(spec, resolved), targets=targets,
                    params=resolved)
    return run_attack(spec, job)


def within_threshold(x_adv: np.ndarray, x: np.ndarray, eps: float | None, norm: str) -> np.ndarray:
    """Minimal-perturbation attacks at a budget: perturbations larger than eps revert to x."""
    if eps is None:
        return x_adv
    size = norms(x_adv - x, norm)
    keep = size <= eps * (1 + 1e-6) + 1e-7
    return np.where(keep.reshape((-1,) + (1,) * (x.ndim - 1)), x_adv, x).astype(np.float32)


__all__ = [
    "ATTACKS",
    "AttackJob",
    "AttackSpec",
    "attack",
    "attack_norm",
    "get_attack",
    "run_attack",
    "within_threshold",
]
