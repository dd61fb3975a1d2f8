"""DeepFool (L2 or Linf), batched: each step takes every class gradient from one Jacobian call.

The Linf variant is the minimum-norm member of ``mstool audit --standard``.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, expand, flat, register


def deepfool_step(
    z: np.ndarray, jac: np.ndarray, labels: np.ndarray, candidates: int, norm: str = "l2"
) -> np.ndarray:
    """The minimal linearised step to the nearest decision boundary, per sample.

    ``z`` (N, K) logits, ``jac`` (N, K, ...) their gradients; only the ``candidates``
    most likely other classes are considered. In Linf the distance to a boundary is
    ``|f| / ||w||_1`` and the step is along ``sign(w)``.

    >>> z = np.array([[1.0, 0.0]]); jac = np.array([[[2.0, 0.0], [0.0, 1.0]]])
    >>> deepfool_step(z, jac, np.array([0]), 1, "linf").round(3).tolist()
    [[-0.333, 0.333]]
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
    if norm == "linf":
        w_norm = np.abs(w).sum(axis=2) + 1e-12
    else:
        w_norm = np.sqrt((w**2).sum(axis=2)) + 1e-12
    distance = np.where(allowed, np.abs(f) / w_norm, np.inf)
    best = distance.argmin(axis=1)
    size = (np.abs(f[rows, best]) + 1e-4) / w_norm[rows, best]
    if norm == "linf":
        step = size[:, None] * np.sign(w[rows, best])
    else:
        step = (size / w_norm[rows, best])[:, None] * w[rows, best]
    return step.reshape(jac.shape[:1] + jac.shape[2:])


@register(
    "deepfool",
    family="whitebox",
    norm="l2",
    budget="minimal",
    targeted=False,
    defaults={"norm": "l2", "max_iter": 50, "overshoot": 0.02, "candidates": 10},
    summary="DeepFool (L2 or Linf): iterative linearised steps to the nearest class boundary.",
)
def deepfool(job: AttackJob) -> np.ndarray:
    max_iter, overshoot = int(job.params["max_iter"]), float(job.params["overshoot"])
    candidates, norm = int(job.params["candidates"]), str(job.params["norm"])
    if norm not in ("l2", "linf"):
        raise ValueError(f"deepfool norm must be 'l2' or 'linf', got {norm!r}")
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
        total[active] += deepfool_step(z, jac, job.y[active], candidates, norm)
        x_adv[active] = job.clip(job.x[active] + (1 + overshoot) * total[active])
    return x_adv


__all__ = ["deepfool_step", "expand"]
