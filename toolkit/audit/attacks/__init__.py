"""The attack registry: white-box and black-box attacks by name, and the budget check.

>>> "pgd" in ATTACKS and ATTACKS["square"].family
'blackbox'
"""

from __future__ import annotations

import difflib

import numpy as np

from mstool.toolkit.audit.attacks import blackbox, whitebox  # noqa: F401 - packages
from mstool.toolkit.audit.attacks.base import ATTACKS, AttackJob, AttackSpec, norms, project
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
    "attack_norm",
    "get_attack",
    "run_attack",
    "within_threshold",
]
