"""Helpers black-box attacks share: margins and decisions from outputs only, and start points."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, expand, norms


def margin(job: AttackJob, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """How far each sample is from success (<= 0 means adversarial); one query per sample."""
    z = job.clf.logits(x)
    goal = job.goal[rows]
    r = np.arange(len(z))
    own = z[r, goal]
    masked = z.copy()
    masked[r, goal] = -np.inf
    other = masked.max(axis=1)
    return other - own if job.targeted else own - other


def is_adversarial(job: AttackJob, x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The model's decision only (hard-label attacks)."""
    return job.success(job.clf.predict(x), rows)


def query_budget(job: AttackJob, default: int) -> int:
    return int(job.max_queries) if job.max_queries else default


def blend_search(job: AttackJob, x: np.ndarray, x_adv: np.ndarray, row: int, steps: int = 12) -> np.ndarray:
    """Binary search on the line from ``x`` to an adversarial ``x_adv`` for the boundary."""
    lo, hi = 0.0, 1.0
    for _ in range(steps):
        mid = (lo + hi) / 2
        candidate = job.clip((1 - mid) * x + mid * x_adv)
        if is_adversarial(job, candidate[None], np.array([row]))[0]:
            hi = mid
        else:
            lo = mid
    return job.clip((1 - hi) * x + hi * x_adv)


def random_start(job: AttackJob, row: int, tries: int = 50) -> np.ndarray | None:
    """An adversarial start point for one sample: uniform noise blended with the input."""
    x = job.x[row]
    for scale in (0.25, 0.5, 1.0):
        noise = job.rng.uniform(job.low, job.high, size=(tries,) + x.shape).astype(np.float32)
        candidates = job.clip((1 - scale) * x + scale * noise)
        ok = is_adversarial(job, candidates, np.full(tries, row))
        if ok.any():
            found = candidates[np.flatnonzero(ok)]
            best = found[norms(found - x, "l2").argmin()]
            return blend_search(job, x, best, row)
    return None


__all__ = ["expand"]
