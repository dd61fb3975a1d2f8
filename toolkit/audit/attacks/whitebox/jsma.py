"""Jacobian-based saliency map attack (JSMA): raise the most salient features to the top of the range."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, flat, random_targets, register


def saliency(jac: np.ndarray, targets: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """Per-feature saliency of increasing a feature towards ``targets``.

    ``jac`` (N, K, D) probability gradients; ``domain`` (N, D) features still allowed.
    High where the target's probability rises and the others' fall.
    """
    rows = np.arange(len(targets))
    alpha = jac[rows, targets]
    beta = jac.sum(axis=1) - alpha
    score = np.where((alpha > 0) & (beta < 0), alpha * np.abs(beta), 0.0)
    score = score + 1e-9 * (alpha - beta)  # ties broken towards the plainer direction
    return np.where(domain, score, -np.inf)


@register(
    "jsma",
    family="whitebox",
    norm="l0",
    budget="minimal",
    defaults={"theta": 1.0, "gamma": 0.1, "features_per_step": 2},
    summary="JSMA: change the most salient features (L0), towards a target class.",
)
def jsma(job: AttackJob) -> np.ndarray:
    theta, gamma, per_step = job.params["theta"], job.params["gamma"], int(job.params["features_per_step"])
    k = job.clf.num_classes
    targets = job.targets if job.targets is not None else random_targets(job.y, k, job.rng)
    x_adv = flat(job.x).copy()
    n, d = x_adv.shape
    limit = max(1, int(gamma * d))
    domain = x_adv < job.high if theta > 0 else x_adv > job.low
    changed = np.zeros(n, int)
    active = np.arange(n)
    while len(active):
        probs, jac = job.clf.jacobian(x_adv[active].reshape((-1,) + job.x.shape[1:]), probabilities=True)
        pred = probs.argmax(axis=1)
        done = (pred == targets[active]) | ((pred != job.y[active]) & (not job.targeted))
        done |= (changed[active] >= limit) | ~domain[active].any(axis=1)
        active = active[~done]
        if not len(active):
            break
        jac = jac[~done].reshape(len(active), k, d)
        score = saliency(jac, targets[active], domain[active])
        top = np.argsort(-score, axis=1)[:, :per_step]
        for j in range(per_step):
            cols = top[:, j]
            ok = np.isfinite(score[np.arange(len(active)), cols])
            rows = active[ok]
            x_adv[rows, cols[ok]] = np.clip(x_adv[rows, cols[ok]] + theta * job.span, job.low, job.high)
            domain[rows, cols[ok]] = False
            changed[rows] += 1
    return x_adv.reshape(job.x.shape).astype(np.float32)
