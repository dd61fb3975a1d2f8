"""Auto-PGD (Croce and Hein, 2020): step size halved at checkpoints when progress stalls.

``apgd`` maximises cross-entropy (APGD-CE) or the DLR loss; ``apgd_t`` is APGD-T, the
targeted DLR version AutoAttack runs against the most likely other classes in turn.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import (
    AttackJob,
    expand,
    normalize,
    project,
    random_in_ball,
    register,
)
from mstool.toolkit.audit.losses import dlr_loss


def checkpoints(steps: int) -> list[int]:
    """Iterations at which APGD checks progress (Croce and Hein, 2020).

    >>> checkpoints(100)
    [0, 22, 41, 57, 70, 80, 87, 93, 99]
    """
    p = [0.0, 0.22]
    while p[-1] < 1:
        p.append(p[-1] + max(p[-1] - p[-2] - 0.03, 0.06))
    return sorted({min(int(np.ceil(v * steps - 1e-9)), steps - 1) for v in p})


def _loss(job: AttackJob, x: np.ndarray, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample objective (higher is better for the attacker) and predictions."""
    z = job.clf.logits(x, count=False)
    if loss == "dlr":
        return dlr_loss(z, job.y, job.targets), z.argmax(axis=1)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    value = -logp[np.arange(len(z)), job.goal]
    return (-value if job.targeted else value), z.argmax(axis=1)


def _gradient(job: AttackJob, x: np.ndarray, loss: str) -> np.ndarray:
    return job.clf.loss_gradient(x, job.goal, loss, job.targeted, true_labels=job.y)


@register(
    "apgd",
    family="whitebox",
    norm="linf",
    defaults={"norm": "linf", "steps": 100, "rho": 0.75, "restarts": 1, "loss": "ce"},
    quick={"steps": 20},
    summary="Auto-PGD with cross-entropy (APGD-CE) or DLR loss, Linf or L2.",
)
def apgd(job: AttackJob) -> np.ndarray:
    norm, steps, rho = job.params["norm"], int(job.params["steps"]), job.params["rho"]
    loss = str(job.params["loss"])
    if loss not in ("ce", "dlr"):
        raise ValueError(f"apgd loss must be 'ce' or 'dlr', got {loss!r}")
    best_overall = job.x.copy()
    fooled = np.zeros(len(job.x), bool)
    for _ in range(max(1, int(job.params["restarts"]))):
        found, success = _apgd_run(job, norm, steps, rho, loss)
        take = success & ~fooled
        best_overall[take] = found[take]
        best_overall[~fooled & ~success] = found[~fooled & ~success]
        fooled |= success
    return best_overall


def _apgd_run(
    job: AttackJob, norm: str, steps: int, rho: float, loss_name: str
) -> tuple[np.ndarray, np.ndarray]:
    eps, n = job.eps, len(job.x)
    marks = set(checkpoints(steps))
    x_cur = project(
        job.x + random_in_ball(job.rng, job.x.shape, eps, norm), job.x, eps, norm, job.low, job.high
    )
    eta = np.full(n, 2.0 * eps)
    loss, pred = _loss(job, x_cur, loss_name)
    best_x, best_loss = x_cur.copy(), loss.copy()
    fooled_x, fooled = x_cur.copy(), job.success(pred)
    x_prev = x_cur.copy()
    grad = _gradient(job, x_cur, loss_name)
    increases = np.zeros(n)
    last_mark, loss_at_mark, eta_at_mark = 0, best_loss.copy(), eta.copy()
    for k in range(steps):
        z = project(
            x_cur + expand(eta, x_cur.ndim) * normalize(grad, norm), job.x, eps, norm, job.low, job.high
        )
        alpha = 1.0 if k == 0 else 0.75
        x_new = x_cur + alpha * (z - x_cur) + (1 - alpha) * (x_cur - x_prev)
        x_new = project(x_new, job.x, eps, norm, job.low, job.high)
        loss_new, pred = _loss(job, x_new, loss_name)
        success = job.success(pred)
        fooled_x[success & ~fooled] = x_new[success & ~fooled]
        fooled |= success
        increases += loss_new > loss
        improved = loss_new > best_loss
        best_x[improved], best_loss[improved] = x_new[improved], loss_new[improved]
        x_prev, x_cur, loss = x_cur, x_new, loss_new
        if k in marks and k > 0:
            stalled = (increases < rho * (k - last_mark)) | (
                (eta == eta_at_mark) & (best_loss <= loss_at_mark)
            )
            eta = np.where(stalled, eta / 2.0, eta)
            x_cur[stalled] = best_x[stalled]
            increases[:] = 0
            last_mark, loss_at_mark, eta_at_mark = k, best_loss.copy(), eta.copy()
        grad = _gradient(job, x_cur, loss_name)
    result = np.where(expand(fooled, best_x.ndim), fooled_x, best_x)
    return result.astype(np.float32), fooled


@register(
    "apgd_t",
    family="whitebox",
    norm="linf",
    targeted=False,
    defaults={"norm": "linf", "steps": 100, "rho": 0.75, "target_classes": 9},
    quick={"steps": 20, "target_classes": 3},
    summary="APGD-T: targeted APGD on the DLR loss against the most likely other classes in turn.",
)
def apgd_t(job: AttackJob) -> np.ndarray:
    norm, steps, rho = job.params["norm"], int(job.params["steps"]), job.params["rho"]
    z = job.clf.logits(job.x, count=False)
    k = z.shape[1]
    # targeted DLR needs the 4th largest logit; with fewer classes use targeted cross-entropy
    loss = "dlr" if k >= 4 else "ce"
    ranked = np.argsort(-z, axis=1)
    result = job.x.copy()
    fooled = np.zeros(len(job.x), bool)
    for rank in range(1, min(int(job.params["target_classes"]), k - 1) + 1):
        rows = np.flatnonzero(~fooled)
        if not len(rows):
            break
        targets = np.where(ranked[rows, rank] == job.y[rows], ranked[rows, 0], ranked[rows, rank])
        sub = AttackJob(job.clf, job.x[rows], job.y[rows], job.eps, job.rng, norm=norm,
                        targets=targets, params=job.params)
        found, _ = _apgd_run(sub, norm, steps, rho, loss)
        wrong = job.clf.predict(found, count=False) != job.y[rows]
        keep = wrong | ~fooled[rows]
        result[rows[keep]] = found[keep]
        fooled[rows[wrong]] = True
    return result


__all__ = ["apgd", "apgd_t", "checkpoints"]
