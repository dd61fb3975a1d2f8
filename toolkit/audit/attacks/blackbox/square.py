"""Square attack (Andriushchenko et al.): random square updates accepted when the margin falls.

Linf: windows set to +-eps per channel. L2: a window's share of the budget is
resampled, so the perturbation always keeps L2 norm <= eps.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, expand, norms, project, register
from mstool.toolkit.audit.attacks.blackbox.common import margin, query_budget


def window_fraction(p_init: float, it: int, total: int) -> float:
    """The schedule of the square's area fraction, halved as the attack progresses."""
    step = int(it / max(total, 1) * 10000)
    for i, bound in enumerate((10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000)):
        if step <= bound:
            return p_init / 2**i
    return p_init / 2**9


def _window(job: AttackJob, p: float) -> tuple[int, int, int]:
    h, w = job.x.shape[1:3]
    side = max(1, min(int(round(np.sqrt(p * h * w))), h - 1 if h > 1 else 1))
    return side, int(job.rng.integers(0, h - side + 1)), int(job.rng.integers(0, w - side + 1))


def _init(job: AttackJob, norm: str) -> np.ndarray:
    n, _, w, c = job.x.shape
    if norm == "linf":
        stripes = job.eps * job.rng.choice([-1.0, 1.0], size=(n, 1, w, c))
        return project(job.x + stripes, job.x, job.eps, "linf", job.low, job.high)
    noise = job.rng.standard_normal(job.x.shape)
    noise *= job.eps / np.maximum(norms(noise, "l2"), 1e-12).reshape(-1, 1, 1, 1)
    return project(job.x + noise, job.x, job.eps, "l2", job.low, job.high)


def _propose(job: AttackJob, x: np.ndarray, best: np.ndarray, norm: str, p: float) -> np.ndarray:
    side, top, left = _window(job, p)
    delta = best - x
    c = x.shape[-1]
    if norm == "linf":
        delta[:, top : top + side, left : left + side, :] = job.eps * job.rng.choice(
            [-1.0, 1.0], size=(len(x), 1, 1, c)
        )
        return project(x + delta, x, job.eps, "linf", job.low, job.high)
    window = delta[:, top : top + side, left : left + side, :]
    outside = np.maximum(norms(delta, "l2") ** 2 - norms(window, "l2") ** 2, 0.0)
    room = np.sqrt(np.maximum(job.eps**2 - outside, 0.0))
    block = job.rng.standard_normal((len(x), side, side, 1)) * job.rng.choice(
        [-1.0, 1.0], size=(len(x), 1, 1, c)
    )
    block *= expand(room / np.maximum(norms(block, "l2"), 1e-12), 4)
    delta[:, top : top + side, left : left + side, :] = block
    return project(x + delta, x, job.eps, "l2", job.low, job.high)


@register(
    "square",
    family="blackbox",
    norm="linf",
    defaults={"norm": "linf", "p_init": 0.8, "queries": 5000},  # AutoAttack's budget
    quick={"queries": 1000},
    summary="Square attack (Linf or L2): random square updates, score-based, query-limited.",
)
def square(job: AttackJob) -> np.ndarray:
    norm, p_init = job.params["norm"], float(job.params["p_init"])
    job.norm = norm
    budget = query_budget(job, int(job.params["queries"]))
    rows = np.arange(len(job.x))
    best = _init(job, norm)
    best_margin = margin(job, best, rows)
    for it in range(1, budget):
        active = np.flatnonzero(best_margin > 0)
        if not len(active):
            break
        p = window_fraction(p_init, it, budget)
        candidate = _propose(job, job.x[active], best[active].copy(), norm, p)
        new_margin = margin(job, candidate, active)
        better = new_margin < best_margin[active]
        best[active[better]] = candidate[better]
        best_margin[active[better]] = new_margin[better]
    return best
