"""DeepFool (L2), batched: each step takes every class gradient from one Jacobian call."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, expand, flat, register


def deepfool_step(z: np.ndarray, jac: np.ndarray, labels: np.ndarray, candidates: int) -> np.ndarray:
    """The minimal linearised step to the nearest decision boundary, per sample.

    ``z`` (N, K) logits, ``jac`` (N, K, ...) their gradients; only the ``candidates``
    most likely other classes are considered.
    """
    n, k = z.shape
    rows = np.arange(n)
    j = flat(jac.reshape(n * k, -1)).reshape(n, k, -1).astype(np.float64)
    w = j - j[rows, labels][:, None, :]
    f = z - z[rows, labels][:, None]
    order = np.argsort(-z, axis=1)
    allowed = np.zeros((n, k), bool)
    allowed[rows[:, None], order[:, : candidates + 1]] = True
    allowed[rows, labels] = False
    w_norm = np.sqrt((w**2).sum(axis=2)) + 1e-12
    distance = np.where(allowed, np.abs(f) / w_norm, np.inf)
    best = distance.argmin(axis=1)
    step = ((np.abs(f[rows, best]) + 1e-4) / w_norm[rows, best] ** 2)[:, None] * w[rows, best]
    return step.reshape(jac.shape[:1] + jac.shape[2:])


@register(
    "deepfool",
    family="whitebox",
    norm="l2",
    budget="minimal",
    targeted=False,
    defaults={"max_iter": 50, "overshoot": 0.02, "candidates": 10},
    summary="DeepFool (L2): iterative linearised steps to the nearest class boundary.",
)
def deepfool(job: AttackJob) -> np.ndarray:
    max_iter, overshoot = int(job.params["max_iter"]), float(job.params["overshoot"])
    candidates = int(job.params["candidates"])
    x_adv = job.x.copy()
    total = np.zeros_like(job.x, dtype=np.float64)
    active = np.flatnonzero(job.clf.predict(job.x, count=False) == job.y)
    for _ in range(max_iter):
        if len(active) == 0:
            break
        z, jac = job.clf.jacobian(x_adv[active])
        still = z.argmax(axis=1) == job.y[active]
        active, z, jac = active[still], z[still], jac[still]
        if len(active) == 0:
            break
        total[active] += deepfool_step(z, jac, job.y[active], candidates)
        x_adv[active] = job.clip(job.x[active] + (1 + overshoot) * total[active])
    return x_adv


__all__ = ["deepfool_step", "expand"]
