"""SimBA (Guo et al.): try +-step along random pixel directions and keep a step when it
lowers the true-class probability (raises the target's when targeted)."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, flat, register
from mstool.toolkit.audit.attacks.blackbox.common import query_budget


def _goal_prob(job: AttackJob, x: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    probs = job.clf.probabilities(x)
    return probs[np.arange(len(rows)), job.goal[rows]], probs.argmax(axis=1)


@register(
    "simba",
    family="blackbox",
    norm="l2",
    budget="minimal",
    defaults={"step": 0.2, "queries": 2000},
    summary="SimBA (pixel basis, L2): score-based coordinate steps.",
)
def simba(job: AttackJob) -> np.ndarray:
    step = float(job.params["step"]) * job.span
    budget = query_budget(job, int(job.params["queries"]))
    x_adv = flat(job.x).copy()
    n, d = x_adv.shape
    shape = job.x.shape
    rows = np.arange(n)
    prob, pred = _goal_prob(job, job.x, rows)
    sign = -1.0 if job.targeted else 1.0  # untargeted lowers the true class, targeted raises the target
    order = np.stack([job.rng.permutation(d) for _ in range(n)])
    used = np.ones(n)
    for i in range(min(d, budget // 2)):
        active = np.flatnonzero(~job.success(pred) & (used + 2 <= budget))
        if not len(active):
            break
        coord = order[active, i % d]
        for direction in (-1.0, 1.0):
            trial = x_adv[active].copy()
            trial[np.arange(len(active)), coord] = np.clip(
                trial[np.arange(len(active)), coord] + direction * step, job.low, job.high
            )
            p_new, pred_new = _goal_prob(job, trial.reshape((-1,) + shape[1:]), active)
            used[active] += 1
            better = sign * (prob[active] - p_new) > 0
            take = active[better]
            x_adv[take], prob[take], pred[take] = trial[better], p_new[better], pred_new[better]
            active = active[~better]
            coord = coord[~better]
            if not len(active):
                break
    return x_adv.reshape(shape).astype(np.float32)
