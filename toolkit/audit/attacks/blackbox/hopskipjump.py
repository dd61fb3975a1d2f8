"""HopSkipJump (Chen et al.), L2: decision-only boundary walk with Monte-Carlo gradient estimates.

All samples move together: each gradient estimate, step-size trial and bisection
step is one batched query for every sample still within its query budget.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, expand, norms, register
from mstool.toolkit.audit.attacks.blackbox.common import is_adversarial, query_budget, random_start


def bisect_to_boundary(job: AttackJob, x: np.ndarray, x_adv: np.ndarray, rows: np.ndarray,
                       steps: int) -> np.ndarray:
    """Batched binary search on each line from ``x`` to the adversarial ``x_adv``."""
    lo, hi = np.zeros(len(x)), np.ones(len(x))
    for _ in range(steps):
        mid = (lo + hi) / 2
        ok = is_adversarial(job, job.clip((1 - expand(mid, x.ndim)) * x + expand(mid, x.ndim) * x_adv), rows)
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    return job.clip((1 - expand(hi, x.ndim)) * x + expand(hi, x.ndim) * x_adv)


def estimate_gradients(job: AttackJob, x_adv: np.ndarray, rows: np.ndarray, delta: np.ndarray,
                       count: int) -> np.ndarray:
    """Unit gradient directions of the decision at ``x_adv`` from ``count`` random probes each."""
    n = len(x_adv)
    noise = job.rng.standard_normal((n, count) + x_adv.shape[1:]).astype(np.float32)
    per_probe = (n, count) + (1,) * (noise.ndim - 2)
    noise /= np.sqrt((noise.reshape(n, count, -1) ** 2).sum(axis=2)).reshape(per_probe)
    probes = job.clip(x_adv[:, None] + expand(delta, noise.ndim) * noise)
    directions = (probes - x_adv[:, None]) / expand(delta, noise.ndim)
    flat_probes = probes.reshape((n * count,) + x_adv.shape[1:])
    sign = np.where(is_adversarial(job, flat_probes, np.repeat(rows, count)), 1.0, -1.0).reshape(n, count)
    mixed = np.abs(sign.mean(axis=1)) < 1.0
    sign[mixed] -= sign[mixed].mean(axis=1, keepdims=True)  # baseline, as in the paper
    grad = (sign.reshape(per_probe) * directions).mean(axis=1)
    return grad / expand(np.maximum(norms(grad, "l2"), 1e-12), grad.ndim)


def geometric_steps(job: AttackJob, x_adv: np.ndarray, rows: np.ndarray, grad: np.ndarray,
                    size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step along the gradient, halving each sample's step until it stays adversarial;
    returns the new points and the queries each sample used."""
    out = x_adv.copy()
    used = np.zeros(len(x_adv))
    pending = np.ones(len(x_adv), bool)
    for _ in range(25):
        if not pending.any():
            break
        idx = np.flatnonzero(pending)
        candidate = job.clip(x_adv[idx] + expand(size[idx], x_adv.ndim) * grad[idx])
        ok = is_adversarial(job, candidate, rows[idx])
        used[idx] += 1
        out[idx[ok]] = candidate[ok]
        pending[idx[ok]] = False
        size[idx[~ok]] /= 2.0
    return out, used


def _attack_group(job: AttackJob, rows: np.ndarray, limit: int) -> np.ndarray:
    x = job.x[rows]
    start = job.clf.queries
    starts = [random_start(job, r) for r in rows]
    found = np.array([s is not None for s in starts])
    x_adv = np.stack([s if s is not None else x[i] for i, s in enumerate(starts)])
    used = np.full(len(rows), (job.clf.queries - start) / max(len(rows), 1))
    theta = 0.01 / np.sqrt(x[0].size)  # boundary precision, relative to the distance
    steps = int(np.ceil(np.log2(1.0 / theta)))
    for it in range(int(job.params["max_iter"])):
        count = int(min(job.params["init_eval"] * np.sqrt(it + 1), job.params["max_eval"]))
        live = np.flatnonzero(found & (used + count + 2 * steps + 25 <= limit))
        if not len(live):
            break
        dist = norms(x_adv[live] - x[live], "l2")
        # probe radius: a tenth of the range first, then a hundredth of the current distance
        delta = np.full(len(live), 0.1 * job.span) if it == 0 else np.maximum(0.01 * dist, 1e-8)
        grad = estimate_gradients(job, x_adv[live], rows[live], delta, count)
        used[live] += count
        moved, tries = geometric_steps(job, x_adv[live], rows[live], grad, 2.0 * dist / np.sqrt(it + 1))
        x_adv[live] = bisect_to_boundary(job, x[live], moved, rows[live], steps)
        used[live] += tries + steps
    return x_adv


@register("hopskipjump", family="blackbox", norm="l2", budget="minimal",
          defaults={"max_iter": 40, "init_eval": 100, "max_eval": 1000, "queries": 20000},
          summary="HopSkipJump (L2): decision-based, gradient estimates at the decision boundary.")
def hopskipjump(job: AttackJob) -> np.ndarray:
    limit = query_budget(job, int(job.params["queries"]))
    out = job.x.copy()
    pred = job.clf.predict(job.x, count=False)
    rows = np.flatnonzero(~job.success(pred))
    # groups keep the probe array (samples x evaluations x pixels) near 16M values
    group = max(1, int(16_000_000 // (int(job.params["max_eval"]) * job.x[0].size)))
    for i in range(0, len(rows), group):
        out[rows[i:i + group]] = _attack_group(job, rows[i:i + group], limit)
    return out
