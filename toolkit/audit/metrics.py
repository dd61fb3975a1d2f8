"""Robustness metrics: accuracy and success under attack, perturbation norms, ACAC/ACTC,
SSIM, empirical robustness, CLEVER, and the overall summary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from mstool.toolkit.audit.attacks.base import flat, norms
from mstool.toolkit.audit.models import Classifier


def ssim(a: np.ndarray, b: np.ndarray, data_range: float) -> np.ndarray:
    """Per-image SSIM (Gaussian window, sigma 1.5) averaged over channels; (N, H, W, C) inputs.

    >>> x = np.random.default_rng(0).random((2, 8, 8, 1))
    >>> ssim(x, x, 1.0).round(6).tolist()
    [1.0, 1.0]
    """
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    a, b = a.astype(np.float64), b.astype(np.float64)

    def smooth(v: np.ndarray) -> np.ndarray:
        return ndimage.gaussian_filter(v, sigma=(0, 1.5, 1.5, 0), truncate=3.5, mode="reflect")

    mu_a, mu_b = smooth(a), smooth(b)
    var_a = smooth(a * a) - mu_a**2
    var_b = smooth(b * b) - mu_b**2
    cov = smooth(a * b) - mu_a * mu_b
    index = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return index.mean(axis=(1, 2, 3))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class Evaluation:
    """The numbers of one method at one budget."""

    accuracy: float
    success_rate: float
    stats: dict[str, float | None]
    pred: np.ndarray
    success: np.ndarray


def _stat(values: np.ndarray, fn) -> float | None:  # noqa: ANN001
    return float(fn(values)) if len(values) else None


def evaluate(
    clf: Classifier,
    x: np.ndarray,
    y: np.ndarray,
    x_adv: np.ndarray,
    clean_pred: np.ndarray,
    norm: str,
    targets: np.ndarray | None = None,
) -> Evaluation:
    """Accuracy, success rate and the statistics of successful perturbations.

    Success counts among samples the model classified correctly: the label
    changed (untargeted) or became the target (targeted).
    """
    logits = clf.logits(x_adv, count=False)
    pred = logits.argmax(axis=1)
    probs = softmax(logits)
    attacked = clean_pred == y
    hit = (pred == targets) if targets is not None else (pred != y)
    success = attacked & hit
    delta = (x_adv - x)[success]
    rows = np.flatnonzero(success)
    span = clf.clip[1] - clf.clip[0]
    stats: dict[str, float | None] = {}
    for name in ("l0", "l2", "linf"):
        size = norms(delta, name) if len(delta) else np.zeros(0)
        stats[f"mean_{name}"] = _stat(size, np.mean)
        stats[f"median_{name}"] = _stat(size, np.median)
    stats["acac"] = _stat(probs[rows, pred[rows]], np.mean)
    stats["actc"] = _stat(probs[rows, y[rows]], np.mean)
    stats["mean_ssim"] = _stat(ssim(x[rows], x_adv[rows], span), np.mean) if len(rows) else None
    base = norms(x[rows] - clf.clip[0], norm) if len(rows) else np.zeros(0)
    ratio = norms(delta, norm) / np.maximum(base, 1e-12) if len(rows) else np.zeros(0)
    stats["empirical_robustness"] = _stat(ratio, np.mean)
    stats["max_norm"] = _stat(norms(x_adv - x, norm), np.max)
    return Evaluation(
        accuracy=float((pred == y).mean()),
        success_rate=float(success.sum() / max(attacked.sum(), 1)),
        stats=stats,
        pred=pred,
        success=success,
    )


def transfer(
    second: Classifier, x_adv: np.ndarray, y: np.ndarray, success: np.ndarray, second_clean_pred: np.ndarray
) -> tuple[float, float | None]:
    """Accuracy of a second model on the adversarials, and the share of successful
    adversarials (on the first model) that also fool the second, among samples it got right."""
    pred = second.predict(x_adv, count=False)
    eligible = success & (second_clean_pred == y)
    rate = float((pred[eligible] != y[eligible]).mean()) if eligible.any() else None
    return float((pred == y).mean()), rate


def clever_scores(
    clf: Classifier,
    x: np.ndarray,
    y: np.ndarray,
    radius: float,
    batches: int,
    batch_size: int,
    rng: np.random.Generator,
    norm: str = "l2",
) -> np.ndarray:
    """CLEVER (Weng et al.): untargeted robustness lower-bound estimates per sample.

    For each other class j, the local Lipschitz constant of ``z_y - z_j`` in a ball
    of ``radius`` is the location of a reverse Weibull fitted to per-batch maxima
    of the gradient's dual norm; the score is ``min_j (z_y - z_j) / L_j``, capped at ``radius``.
    """
    from scipy.stats import weibull_max

    from mstool.toolkit.audit.attacks.base import random_in_ball

    dual = "l2" if norm == "l2" else "l1"
    scores = []
    k = clf.num_classes
    for xi, yi in zip(x, y, strict=True):
        z0 = clf.logits(xi[None], count=False)[0]
        maxima = np.zeros((batches, k))
        for b in range(batches):
            points = np.clip(xi + random_in_ball(rng, (batch_size,) + xi.shape, radius, norm), *clf.clip)
            _, jac = clf.jacobian(points.astype(np.float32))
            jac = jac.reshape(batch_size, k, -1)
            diff = jac[:, yi : yi + 1] - jac
            maxima[b] = norms(diff.reshape(batch_size * k, -1), dual).reshape(batch_size, k).max(axis=0)
        best = radius
        for j in range(k):
            if j == yi:
                continue
            try:
                _, loc, _ = weibull_max.fit(maxima[:, j], optimizer=_bounded_fit)
            except (ValueError, RuntimeError):
                loc = maxima[:, j].max()
            lipschitz = max(loc, maxima[:, j].max(), 1e-12)
            best = min(best, (z0[yi] - z0[j]) / lipschitz)
        scores.append(max(best, 0.0))
    return np.array(scores)


def _bounded_fit(func, x0, args=(), disp=0):  # noqa: ANN001, ANN202 - scipy optimizer protocol
    from scipy.optimize import fmin

    return fmin(func, x0, args=args, disp=disp, maxiter=200)


__all__ = ["Evaluation", "clever_scores", "evaluate", "flat", "ssim", "transfer"]
