"""Boundary attack (Brendel et al.): a random walk along the decision boundary towards the input.

All samples walk together: each round proposes ``trials`` candidates per sample and
asks the model about all of them in one batched call.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, norms, register
from mstool.toolkit.audit.attacks.blackbox.common import is_adversarial, query_budget, random_start


def candidates(job: AttackJob, x: np.ndarray, x_adv: np.ndarray, spherical: np.ndarray, source: np.ndarray,
               count: int) -> np.ndarray:
    """``count`` proposals per sample: an orthogonal step on the sphere around ``x``,
    then a step towards ``x``."""
    n = len(x)
    shape = (n, count) + x.shape[1:]
    per = (n, count) + (1,) * (x.ndim - 1)
    diff = (x - x_adv)[:, None]
    dist = np.sqrt((diff.reshape(n, 1, -1) ** 2).sum(axis=2)).reshape((n, 1) + (1,) * (x.ndim - 1))
    unit = diff / np.maximum(dist, 1e-12)
    eta = job.rng.standard_normal(shape)
    eta /= np.sqrt((eta.reshape(n, count, -1) ** 2).sum(axis=2)).reshape(per)
    eta *= spherical.reshape((n, 1) + (1,) * (x.ndim - 1)) * dist
    eta -= (eta * unit).reshape(n, count, -1).sum(axis=2).reshape(per) * unit
    back = x_adv[:, None] + eta - x[:, None]
    back *= dist / np.maximum(np.sqrt((back.reshape(n, count, -1) ** 2).sum(axis=2)).reshape(per), 1e-12)
    moved = x[:, None] + back
    moved += source.reshape((n, 1) + (1,) * (x.ndim - 1)) * (x[:, None] - moved)
    return job.clip(moved)


def _walk(job: AttackJob, rows: np.ndarray, limit: int) -> np.ndarray:
    x = job.x[rows]
    starts = [random_start(job, r) for r in rows]
    found = np.array([s is not None for s in starts])
    x_adv = np.stack([s if s is not None else x[i] for i, s in enumerate(starts)])
    count = int(job.params["trials"])
    spherical, source = np.full(len(rows), 0.01), np.full(len(rows), 0.01)
    used = np.zeros(len(rows))
    for _ in range(int(job.params["max_iter"])):
        live = np.flatnonzero(found & (used + count <= limit))
        if not len(live):
            break
        cands = candidates(job, x[live], x_adv[live], spherical[live], source[live], count)
        flat = cands.reshape((len(live) * count,) + x.shape[1:])
        ok = is_adversarial(job, flat, np.repeat(rows[live], count)).reshape(len(live), count)
        used[live] += count
        offsets = (cands - x[live][:, None]).reshape(len(live) * count, -1)
        size = norms(offsets, "l2").reshape(len(live), count)
        size[~ok] = np.inf
        best = size.argmin(axis=1)
        take = ok.any(axis=1)
        x_adv[live[take]] = cands[take, best[take]]
        # step sizes follow the success rate (the attack's trust-region adaptation)
        rate = ok.mean(axis=1)
        factor = np.where(rate > 0.5, 1.5, np.where(rate < 0.2, 1 / 1.5, 1.0))
        spherical[live] = np.clip(spherical[live] * factor, 1e-4, 0.5)
        source[live] = np.clip(source[live] * factor, 1e-5, 0.5)
    return x_adv


@register("boundary", family="blackbox", norm="l2", budget="minimal",
          defaults={"max_iter": 200, "trials": 10, "queries": 5000},
          summary="Boundary attack (L2): decision-based random walk along the boundary.")
def boundary(job: AttackJob) -> np.ndarray:
    limit = query_budget(job, int(job.params["queries"]))
    out = job.x.copy()
    pred = job.clf.predict(job.x, count=False)
    rows = np.flatnonzero(~job.success(pred))
    if len(rows):
        out[rows] = _walk(job, rows, limit)
    return out
