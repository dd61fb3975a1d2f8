"""Boundary attack (Brendel et al.): a random walk along the decision boundary towards the input."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, register
from mstool.toolkit.audit.attacks.blackbox.common import is_adversarial, query_budget, random_start


def _candidates(
    job: AttackJob, x: np.ndarray, x_adv: np.ndarray, spherical: float, source: float, count: int
) -> np.ndarray:
    diff = x - x_adv
    dist = np.sqrt((diff**2).sum())
    eta = job.rng.standard_normal((count,) + x.shape)
    eta /= np.sqrt((eta**2).reshape(count, -1).sum(axis=1)).reshape((-1,) + (1,) * x.ndim)
    eta *= spherical * dist
    # keep the spherical step orthogonal to the direction towards the input
    unit = diff / max(dist, 1e-12)
    eta -= (eta * unit).reshape(count, -1).sum(axis=1).reshape((-1,) + (1,) * x.ndim) * unit
    moved = x_adv + eta
    back = moved - x
    back *= (dist / np.maximum(np.sqrt((back**2).reshape(count, -1).sum(axis=1)), 1e-12)).reshape(
        (-1,) + (1,) * x.ndim
    )
    moved = x + back
    moved = moved + source * (x - moved)
    return job.clip(moved)


def _attack_one(job: AttackJob, row: int, limit: int) -> np.ndarray:
    x = job.x[row]
    x_adv = random_start(job, row)
    if x_adv is None:
        return x
    spherical, source = 0.01, 0.01
    count = int(job.params["trials"])
    start = job.clf.queries
    for _ in range(int(job.params["max_iter"])):
        if job.clf.queries - start + count > limit:
            break
        cands = _candidates(job, x, x_adv, spherical, source, count)
        ok = is_adversarial(job, cands, np.full(count, row))
        rate = ok.mean()
        if ok.any():
            found = cands[np.flatnonzero(ok)]
            x_adv = found[((found - x) ** 2).reshape(len(found), -1).sum(axis=1).argmin()]
        # step sizes follow the success rate (the attack's trust-region adaptation)
        factor = 1.5 if rate > 0.5 else (1 / 1.5 if rate < 0.2 else 1.0)
        spherical = float(np.clip(spherical * factor, 1e-4, 0.5))
        source = float(np.clip(source * factor, 1e-5, 0.5))
    return x_adv


@register(
    "boundary",
    family="blackbox",
    norm="l2",
    budget="minimal",
    defaults={"max_iter": 200, "trials": 10, "queries": 5000},
    summary="Boundary attack (L2): decision-based random walk along the boundary.",
)
def boundary(job: AttackJob) -> np.ndarray:
    limit = query_budget(job, int(job.params["queries"]))
    out = job.x.copy()
    pred = job.clf.predict(job.x, count=False)
    for row in np.flatnonzero(~job.success(pred)):
        out[row] = _attack_one(job, row, limit)
    return out
