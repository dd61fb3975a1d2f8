"""L-BFGS attack (Szegedy et al.): box-constrained L-BFGS on c*||delta||^2 + CE(target)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from mstool.toolkit.audit.attacks.base import AttackJob, flat, register
from mstool.toolkit.audit.attacks.whitebox.cw import bisect_constants


def _second_choice(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    masked = logits.copy()
    masked[np.arange(len(labels)), labels] = -np.inf
    return masked.argmax(axis=1)


def _solve(job: AttackJob, x0: np.ndarray, targets: np.ndarray, const: np.ndarray, iters: int) -> np.ndarray:
    shape = x0.shape
    weights = const.reshape((-1,) + (1,) * (x0.ndim - 1))

    def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
        x = v.reshape(shape).astype(np.float32)
        z = job.clf.logits(x, count=False)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        ce = -logp[np.arange(len(z)), targets]
        delta = x - x0
        value = float((const * flat((delta / job.span) ** 2).sum(axis=1)).sum() + ce.sum())
        grad = -job.clf.loss_gradient(x, targets, "ce", targeted=True) + 2 * weights * delta / job.span**2
        return value, grad.astype(np.float64).ravel()

    bounds = [(job.low, job.high)] * x0.size
    result = minimize(
        objective,
        x0.astype(np.float64).ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": iters},
    )
    return result.x.reshape(shape).astype(np.float32)


@register(
    "lbfgs",
    family="whitebox",
    norm="l2",
    budget="minimal",
    defaults={"binary_search_steps": 5, "max_iter": 30, "initial_const": 0.1},
    summary="L-BFGS (Szegedy): box-constrained L-BFGS towards a target class, const by bisection.",
)
def lbfgs(job: AttackJob) -> np.ndarray:
    p = job.params
    targets = job.targets if job.targets is not None else _second_choice(job.clf.logits(job.x, False), job.y)
    n = len(job.x)
    const = np.full(n, float(p["initial_const"]))
    lower, upper = np.zeros(n), np.full(n, 1e10)
    best, best_l2 = job.x.copy(), np.full(n, np.inf)
    for _ in range(int(p["binary_search_steps"])):
        x_adv = job.clip(_solve(job, job.x, targets, const, int(p["max_iter"])))
        pred = job.clf.predict(x_adv, count=False)
        found = pred == targets if job.targeted else pred != job.y
        l2 = flat((x_adv - job.x) ** 2).sum(axis=1)
        better = found & (l2 < best_l2)
        best[better], best_l2[better] = x_adv[better], l2[better]
        # a large constant favours a small perturbation: bisect downwards on failure
        bisect_constants_inverse(const, lower, upper, found)
    return best


def bisect_constants_inverse(
    const: np.ndarray, lower: np.ndarray, upper: np.ndarray, found: np.ndarray
) -> None:
    """Bisection when the constant weighs the distance: success -> raise it, failure -> lower it."""
    lower[found] = np.maximum(lower[found], const[found])
    upper[~found] = np.minimum(upper[~found], const[~found])
    const[:] = np.where(upper < 1e9, (lower + upper) / 2.0, const * 10.0)


__all__ = ["bisect_constants"]
