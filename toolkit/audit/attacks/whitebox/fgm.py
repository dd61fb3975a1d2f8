"""Single-step gradient attacks: FGM/FGSM, R+FGSM and the least-likely-class attacks."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, least_likely, normalize, project, register


def fgm_step(
    job: AttackJob, x_start: np.ndarray, step: float, norm: str, labels: np.ndarray, targeted: bool
) -> np.ndarray:
    """One signed/normalised gradient step from ``x_start``, projected onto the eps ball."""
    grad = job.clf.loss_gradient(x_start, labels, "ce", targeted)
    moved = x_start + step * normalize(grad, norm)
    return project(moved, job.x, job.eps, norm, job.low, job.high)


@register(
    "fgm",
    family="whitebox",
    norm="l2",
    defaults={"norm": "l2"},
    summary="Fast gradient method: one normalised gradient step of size eps (L2 or Linf).",
)
def fgm(job: AttackJob) -> np.ndarray:
    norm = job.params["norm"]
    return fgm_step(job, job.x, job.eps, norm, job.goal, job.targeted)


@register(
    "fgsm",
    family="whitebox",
    norm="linf",
    summary="Fast gradient sign method: x + eps * sign(grad of the loss).",
)
def fgsm(job: AttackJob) -> np.ndarray:
    return fgm_step(job, job.x, job.eps, "linf", job.goal, job.targeted)


def _random_step(job: AttackJob, alpha: float) -> np.ndarray:
    noise = np.sign(job.rng.standard_normal(job.x.shape))
    return job.clip(job.x + alpha * job.eps * noise)


@register(
    "rfgsm",
    family="whitebox",
    norm="linf",
    defaults={"alpha": 0.5},
    summary="R+FGSM: a random sign step of alpha*eps, then FGSM with the rest of the budget.",
)
def rfgsm(job: AttackJob) -> np.ndarray:
    alpha = job.params["alpha"]
    start = _random_step(job, alpha)
    return fgm_step(job, start, (1 - alpha) * job.eps, "linf", job.goal, job.targeted)


@register(
    "llc",
    family="whitebox",
    norm="linf",
    targeted=False,
    summary="Least-likely class: one targeted FGSM step towards the least likely class.",
)
def llc(job: AttackJob) -> np.ndarray:
    return fgm_step(job, job.x, job.eps, "linf", least_likely(job.clf, job.x), True)


@register(
    "rllc",
    family="whitebox",
    norm="linf",
    targeted=False,
    defaults={"alpha": 0.5},
    summary="R+LLC: a random step, then a least-likely-class step with the rest of the budget.",
)
def rllc(job: AttackJob) -> np.ndarray:
    alpha = job.params["alpha"]
    start = _random_step(job, alpha)
    return fgm_step(job, start, (1 - alpha) * job.eps, "linf", least_likely(job.clf, job.x), True)
