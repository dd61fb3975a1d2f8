"""Iterative gradient attacks: BIM, PGD (Linf/L2, random start, restarts), MI-FGSM,
DI-FGSM, M-DI2-FGSM and the variance-tuned VMI-/VNI-FGSM, all one loop with options.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mstool.toolkit.audit.attacks.base import (
    AttackJob,
    expand,
    flat,
    normalize,
    project,
    random_in_ball,
    register,
)


@dataclass
class IterativeOptions:
    steps: int = 10
    step_size: float | None = None  # data-space step; default eps / steps * 2.5 or eps / steps
    norm: str = "linf"
    momentum: float = 0.0
    nesterov: bool = False
    diversity_prob: float = 0.0
    diversity_rate: float = 1.1
    variance_samples: int = 0
    variance_beta: float = 1.5
    random_start: bool = False
    loss: str = "ce"


def diversity_transform(prob: float, rate: float, seed: int):  # noqa: ANN201 - a tf function
    """Input diversity: random resize and pad, then back to the input size, with probability ``prob``."""
    import tensorflow as tf

    gen = tf.random.Generator.from_seed(seed)

    def transform(x):  # noqa: ANN001, ANN202
        h, w = tf.shape(x)[1], tf.shape(x)[2]
        big_h = tf.maximum(h + 1, tf.cast(tf.cast(h, tf.float32) * rate, tf.int32))
        big_w = tf.maximum(w + 1, tf.cast(tf.cast(w, tf.float32) * rate, tf.int32))
        new_h = gen.uniform((), h, big_h, dtype=tf.int32)
        new_w = gen.uniform((), w, big_w, dtype=tf.int32)
        resized = tf.image.resize(x, (new_h, new_w), method="nearest")
        top = gen.uniform((), 0, big_h - new_h + 1, dtype=tf.int32)
        left = gen.uniform((), 0, big_w - new_w + 1, dtype=tf.int32)
        padded = tf.pad(resized, [[0, 0], [top, big_h - new_h - top], [left, big_w - new_w - left], [0, 0]])
        back = tf.image.resize(padded, (h, w), method="bilinear")
        return tf.cond(gen.uniform(()) < prob, lambda: back, lambda: x)

    return transform


def _gradient(job: AttackJob, x: np.ndarray, opts: IterativeOptions, transform) -> np.ndarray:  # noqa: ANN001
    return job.clf.loss_gradient(x, job.goal, opts.loss, job.targeted, transform)


def _variance(
    job: AttackJob, x: np.ndarray, grad: np.ndarray, opts: IterativeOptions, transform
) -> np.ndarray:  # noqa: ANN001
    """Variance tuning: mean gradient in a neighbourhood minus the gradient at x."""
    total = np.zeros_like(grad)
    radius = opts.variance_beta * job.eps
    for _ in range(opts.variance_samples):
        neighbour = x + job.rng.uniform(-radius, radius, size=x.shape).astype(np.float32)
        total += _gradient(job, neighbour, opts, transform)
    return total / opts.variance_samples - grad


def _l1_normalised(g: np.ndarray) -> np.ndarray:
    return g / np.maximum(np.abs(flat(g)).mean(axis=1), 1e-12).reshape((-1,) + (1,) * (g.ndim - 1))


def iterate(job: AttackJob, opts: IterativeOptions, start: np.ndarray) -> np.ndarray:
    """Run the iterative attack from ``start``; returns the final iterate."""
    step = opts.step_size if opts.step_size is not None else job.eps / opts.steps
    transform = (
        diversity_transform(opts.diversity_prob, opts.diversity_rate, int(job.rng.integers(2**31)))
        if opts.diversity_prob > 0
        else None
    )
    x_adv = start.astype(np.float32)
    velocity = np.zeros_like(x_adv)
    variance = np.zeros_like(x_adv)
    for _ in range(opts.steps):
        probe = x_adv + step * opts.momentum * velocity if opts.nesterov else x_adv
        grad = _gradient(job, probe.astype(np.float32), opts, transform)
        if opts.momentum > 0 or opts.variance_samples > 0:
            tuned = grad + variance
            velocity = opts.momentum * velocity + _l1_normalised(tuned)
            if opts.variance_samples > 0:
                variance = _variance(job, x_adv, grad, opts, transform)
            direction = velocity
        else:
            direction = grad
        x_adv = project(
            x_adv + step * normalize(direction, opts.norm), job.x, job.eps, opts.norm, job.low, job.high
        )
    return x_adv


def _options(job: AttackJob, **fixed: object) -> IterativeOptions:
    return IterativeOptions(**{**job.params, **fixed})


ITER = {"steps": 10, "step_size": None}


# Field strength (Madry et al. use 40 steps on MNIST; ART's PGD defaults to 100): an audit
# must not call a model robust because the attack stopped early. ``quick`` is the cheap setting.
FIELD_STEPS = {"steps": 40, "step_size": None}
QUICK_STEPS = {"steps": 10}


@register(
    "bim",
    family="whitebox",
    norm="linf",
    defaults=FIELD_STEPS,
    quick=QUICK_STEPS,
    summary="Basic iterative method (I-FGSM): FGSM steps projected onto the eps ball.",
)
def bim(job: AttackJob) -> np.ndarray:
    return iterate(job, _options(job), job.x)


@register(
    "mifgsm",
    family="whitebox",
    norm="linf",
    defaults={**ITER, "momentum": 1.0},
    summary="Momentum iterative FGSM (MI-FGSM).",
)
def mifgsm(job: AttackJob) -> np.ndarray:
    return iterate(job, _options(job), job.x)


@register(
    "difgsm",
    family="whitebox",
    norm="linf",
    defaults={**ITER, "diversity_prob": 0.5, "diversity_rate": 1.1},
    summary="Diverse-inputs iterative FGSM (DI-FGSM): random resize and pad each step.",
)
def difgsm(job: AttackJob) -> np.ndarray:
    return iterate(job, _options(job), job.x)


@register(
    "mdi2fgsm",
    family="whitebox",
    norm="linf",
    defaults={**ITER, "diversity_prob": 0.5, "diversity_rate": 1.1, "momentum": 1.0},
    summary="M-DI2-FGSM: input diversity with momentum.",
)
def mdi2fgsm(job: AttackJob) -> np.ndarray:
    return iterate(job, _options(job), job.x)


VARIANCE = {**ITER, "momentum": 1.0, "variance_samples": 5, "variance_beta": 1.5}


@register(
    "vmifgsm", family="whitebox", norm="linf", defaults=VARIANCE, summary="Variance-tuned MI-FGSM (VMI-FGSM)."
)
def vmifgsm(job: AttackJob) -> np.ndarray:
    return iterate(job, _options(job), job.x)


@register(
    "vnifgsm",
    family="whitebox",
    norm="linf",
    defaults=VARIANCE,
    summary="Variance-tuned Nesterov iterative FGSM (VNI-FGSM).",
)
def vnifgsm(job: AttackJob) -> np.ndarray:
    return iterate(job, _options(job, nesterov=True), job.x)


def _objective(job: AttackJob, x_adv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample success and margin-loss value (higher is better for the attacker)."""
    z = job.clf.logits(x_adv, count=False)
    rows = np.arange(len(z))
    goal = job.goal
    own = z[rows, goal]
    masked = z.copy()
    masked[rows, goal] = -np.inf
    other = masked.max(axis=1)
    margin = own - other if job.targeted else other - own
    return job.success(z.argmax(axis=1)), margin


@register(
    "pgd",
    family="whitebox",
    norm="linf",
    defaults={
        "norm": "linf",
        "steps": 40,
        "step_size": None,
        "random_start": True,
        "restarts": 5,
        "loss": "ce",
    },
    quick={"steps": 10, "restarts": 1},
    summary="Projected gradient descent (Linf or L2), random start and restarts.",
)
def pgd(job: AttackJob) -> np.ndarray:
    params = dict(job.params)
    restarts = int(params.pop("restarts"))
    opts = IterativeOptions(**params)
    if opts.step_size is None:
        opts.step_size = 2.5 * job.eps / opts.steps
    job.norm = opts.norm
    best = job.x.copy()
    best_success = np.zeros(len(job.x), bool)
    best_margin = np.full(len(job.x), -np.inf)
    for _ in range(max(1, restarts)):
        start = job.x
        if opts.random_start:
            start = job.clip(job.x + random_in_ball(job.rng, job.x.shape, job.eps, opts.norm))
        x_adv = iterate(job, opts, start)
        success, margin = _objective(job, x_adv)
        better = (success & ~best_success) | ((success == best_success) & (margin > best_margin))
        best[better] = x_adv[better]
        best_success |= success
        best_margin = np.where(better, margin, best_margin)
    return best


__all__ = ["IterativeOptions", "expand", "iterate"]
