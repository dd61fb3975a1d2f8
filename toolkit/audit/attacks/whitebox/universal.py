"""Universal adversarial perturbation: one perturbation for the whole set, grown by
projected gradient steps on the mean loss (the stochastic-gradient variant of UAP).
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, normalize, project, register


@register(
    "universal",
    family="whitebox",
    per_sample=False,
    norm="linf",
    targeted=False,
    defaults={"norm": "linf", "epochs": 10, "step_size": None, "batch": 32},
    summary="Universal perturbation: a single eps-bounded perturbation that fools many inputs.",
)
def universal(job: AttackJob) -> np.ndarray:
    norm, epochs, batch = job.params["norm"], int(job.params["epochs"]), int(job.params["batch"])
    step = job.params["step_size"] or job.eps / 4.0
    job.norm = norm
    v = np.zeros((1,) + job.x.shape[1:], np.float32)
    zero = np.zeros_like(v)
    for _ in range(epochs):
        order = job.rng.permutation(len(job.x))
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            x = job.clip(job.x[idx] + v)
            grad = job.clf.loss_gradient(x, job.y[idx], "ce", False).mean(axis=0, keepdims=True)
            v = project(v + step * normalize(grad, norm), zero, job.eps, norm, -np.inf, np.inf)
    return project(job.x + v, job.x, job.eps, norm, job.low, job.high)
