"""HopSkipJump (Chen et al.), L2: decision-only boundary walk with Monte-Carlo gradient estimates."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, norms, register
from mstool.toolkit.audit.attacks.blackbox.common import (
    blend_search,
    is_adversarial,
    query_budget,
    random_start,
)


class _Budget:
    def __init__(self, job: AttackJob, limit: int) -> None:
        self.job, self.limit, self.start = job, limit, job.clf.queries

    @property
    def left(self) -> int:
        return self.limit - (self.job.clf.queries - self.start)


def _estimate_gradient(job: AttackJob, row: int, x_adv: np.ndarray, delta: float, count: int) -> np.ndarray:
    noise = job.rng.standard_normal((count,) + x_adv.shape)
    noise /= np.sqrt((noise**2).reshape(count, -1).sum(axis=1)).reshape((-1,) + (1,) * x_adv.ndim)
    probes = job.clip(x_adv + delta * noise)
    directions = (probes - x_adv) / delta
    sign = np.where(is_adversarial(job, probes, np.full(count, row)), 1.0, -1.0)
    if abs(sign.mean()) < 1.0:
        sign = sign - sign.mean()
    grad = (sign.reshape((-1,) + (1,) * x_adv.ndim) * directions).mean(axis=0)
    return grad / max(np.sqrt((grad**2).sum()), 1e-12)


def _geometric_step(
    job: AttackJob, row: int, x_adv: np.ndarray, grad: np.ndarray, size: float, budget: _Budget
) -> np.ndarray:
    while budget.left > 0 and size > 1e-8:
        candidate = job.clip(x_adv + size * grad)
        if is_adversarial(job, candidate[None], np.array([row]))[0]:
            return candidate
        size /= 2.0
    return x_adv


def _attack_one(job: AttackJob, row: int, budget: _Budget) -> np.ndarray:
    x = job.x[row]
    start = random_start(job, row)
    if start is None:
        return x
    x_adv = start
    theta = 0.01 / np.sqrt(x.size)  # boundary precision, relative to the distance
    search_steps = int(np.ceil(np.log2(1.0 / theta)))
    for it in range(int(job.params["max_iter"])):
        dist = float(np.sqrt(((x_adv - x) ** 2).sum()))
        count = int(min(job.params["init_eval"] * np.sqrt(it + 1), job.params["max_eval"]))
        if budget.left < count + 2 * search_steps:
            break
        # probe radius: a tenth of the range first, then a hundredth of the current distance
        delta = 0.1 * job.span if it == 0 else max(np.sqrt(x.size) * theta * dist, 1e-8)
        grad = _estimate_gradient(job, row, x_adv, delta, count)
        x_adv = _geometric_step(job, row, x_adv, grad, 2.0 * dist / np.sqrt(it + 1), budget)
        x_adv = blend_search(job, x, x_adv, row, steps=search_steps)
    return x_adv


@register(
    "hopskipjump",
    family="blackbox",
    norm="l2",
    budget="minimal",
    defaults={"max_iter": 40, "init_eval": 100, "max_eval": 1000, "queries": 20000},
    summary="HopSkipJump (L2): decision-based, gradient estimates at the decision boundary.",
)
def hopskipjump(job: AttackJob) -> np.ndarray:
    limit = query_budget(job, int(job.params["queries"]))
    out = job.x.copy()
    pred = job.clf.predict(job.x, count=False)
    for row in np.flatnonzero(~job.success(pred)):
        out[row] = _attack_one(job, row, _Budget(job, limit))
    return out


__all__ = ["norms"]
