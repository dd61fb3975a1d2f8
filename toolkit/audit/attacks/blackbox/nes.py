"""NES (Ilyas et al.): PGD with gradients estimated from antithetic Gaussian queries, Linf."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, expand, project, register
from mstool.toolkit.audit.attacks.blackbox.common import margin, query_budget


def estimate_gradient(
    job: AttackJob, x: np.ndarray, rows: np.ndarray, samples: int, sigma: float
) -> np.ndarray:
    """Antithetic NES estimate of the gradient of the attacker's margin objective."""
    half = max(1, samples // 2)
    noise = job.rng.standard_normal((half,) + x.shape).astype(np.float32)
    grad = np.zeros_like(x, dtype=np.float64)
    for u in noise:
        plus = -margin(job, job.clip(x + sigma * u), rows)
        minus = -margin(job, job.clip(x - sigma * u), rows)
        grad += expand(plus - minus, x.ndim) * u
    return grad / (2 * half * sigma)


@register(
    "nes",
    family="blackbox",
    norm="linf",
    defaults={"samples": 20, "sigma": 0.001, "steps": 20, "step_size": None, "queries": 2000},
    summary="NES: projected gradient ascent with query-estimated gradients (Linf).",
)
def nes(job: AttackJob) -> np.ndarray:
    p = job.params
    samples, sigma = int(p["samples"]), float(p["sigma"]) * job.span
    budget = query_budget(job, int(p["queries"]))
    steps = min(int(p["steps"]), max(1, budget // (2 * max(1, samples // 2) + 1)))
    step = p["step_size"] or 2.5 * job.eps / steps
    rows = np.arange(len(job.x))
    x_adv = job.x.copy()
    active = rows
    for _ in range(steps):
        grad = estimate_gradient(job, x_adv[active], active, samples, sigma)
        x_adv[active] = project(
            x_adv[active] + step * np.sign(grad), job.x[active], job.eps, "linf", job.low, job.high
        )
        active = active[margin(job, x_adv[active], active) > 0]
        if not len(active):
            break
    return x_adv
