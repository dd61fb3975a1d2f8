"""Carlini-Wagner L2 and EAD (elastic-net), batched, each optimiser step one ``tf.function`` call.

Both search the trade-off constant per sample by bisection and keep the smallest
successful perturbation found.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, flat, norms, register


def _margin_tf(z, onehot, confidence: float, targeted: bool):  # noqa: ANN001, ANN202
    import tensorflow as tf

    real = tf.reduce_sum(z * onehot, axis=1)
    other = tf.reduce_max(z - 1e9 * onehot, axis=1)
    gap = other - real + confidence if targeted else real - other + confidence
    return tf.nn.relu(gap)


def succeeded(z: np.ndarray, goal: np.ndarray, confidence: float, targeted: bool) -> np.ndarray:
    """Success with a confidence margin, from logits."""
    rows = np.arange(len(z))
    real = z[rows, goal]
    masked = z.copy()
    masked[rows, goal] = -np.inf
    other = masked.max(axis=1)
    return (real - other >= confidence) if targeted else (other - real >= confidence)


def _cw_step(job: AttackJob, confidence: float, penalty: Callable | None = None) -> Callable:
    """One Adam step on ``l2 + const * (margin hinge + penalty(x))``; ``penalty`` (per-sample,
    a tf function of data-space inputs) lets an adaptive attack also evade a detector."""
    import tensorflow as tf

    clf, low, span, targeted = job.clf, job.low, job.span, job.targeted
    key = ("cw", confidence, targeted, low, span, id(penalty) if penalty is not None else None)
    if key in clf._compiled:
        return clf._compiled[key]

    def step(w, m, v, t, x0, onehot, const, lr):  # noqa: ANN001, ANN202
        with tf.GradientTape() as tape:
            tape.watch(w)
            x = low + (tf.tanh(w) + 1.0) * 0.5 * span
            z = clf.tf_logits(x)
            # distances in units of the input range, so constants do not depend on the data scale
            l2 = tf.reduce_sum(tf.reshape(tf.square((x - x0) / span), (tf.shape(x)[0], -1)), axis=1)
            hinge = _margin_tf(z, onehot, confidence, targeted)
            if penalty is not None:
                hinge = hinge + penalty(x)
            loss = tf.reduce_sum(l2 + const * hinge)
        g = tape.gradient(loss, w)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * tf.square(g)
        m_hat = m / (1.0 - tf.pow(0.9, t))
        v_hat = v / (1.0 - tf.pow(0.999, t))
        return w - lr * m_hat / (tf.sqrt(v_hat) + 1e-8), m, v, l2, z, x

    clf._compiled[key] = tf.function(step, reduce_retracing=True, autograph=False)
    return clf._compiled[key]


def bisect_constants(const: np.ndarray, lower: np.ndarray, upper: np.ndarray, found: np.ndarray) -> None:
    """One bisection step on the per-sample trade-off constant (in place)."""
    upper[found] = np.minimum(upper[found], const[found])
    lower[~found] = np.maximum(lower[~found], const[~found])
    bounded = upper < 1e9
    const[:] = np.where(bounded, (lower + upper) / 2.0, const * 10.0)


def cw_batch(
    job: AttackJob, x0: np.ndarray, goal: np.ndarray,
    penalty: Callable | None = None, accept: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """CW-L2 on one batch: the smallest successful perturbation per sample (else ``x0``).

    ``penalty`` is added to the margin hinge (see :func:`_cw_step`); ``accept(x)`` further
    restricts what counts as a success (e.g. not flagged by a detector)."""
    import tensorflow as tf

    p = job.params
    confidence, lr = float(p["confidence"]), float(p["learning_rate"])
    step = _cw_step(job, confidence, penalty)
    n = len(x0)
    onehot = tf.one_hot(goal, job.clf.num_classes)
    unit = np.clip((x0 - job.low) / job.span * 2.0 - 1.0, -1 + 1e-3, 1 - 1e-3)
    w0 = np.arctanh(unit).astype(np.float32)
    const = np.full(n, float(p["initial_const"]))
    lower, upper = np.zeros(n), np.full(n, 1e10)
    best_l2, best = np.full(n, np.inf), x0.copy()
    x0_t = tf.constant(x0)
    for _ in range(int(p["binary_search_steps"])):
        w, m, v = tf.constant(w0), tf.zeros_like(w0), tf.zeros_like(w0)
        found = np.zeros(n, bool)
        c_t = tf.constant(const, tf.float32)
        for it in range(int(p["max_iter"])):
            w, m, v, l2, z, x = step(w, m, v, tf.constant(it + 1.0), x0_t, onehot, c_t, lr)
            ok = succeeded(z.numpy(), goal, confidence, job.targeted)
            if accept is not None and ok.any():
                ok[ok] = accept(x.numpy()[ok])
            l2 = l2.numpy()
            better = ok & (l2 < best_l2)
            if better.any():
                best[better] = x.numpy()[better]
                best_l2[better] = l2[better]
            found |= ok
        bisect_constants(const, lower, upper, found)
    return job.clip(best)


@register(
    "cw",
    family="whitebox",
    norm="l2",
    budget="minimal",
    defaults={
        "confidence": 0.0,
        "learning_rate": 0.1,
        "binary_search_steps": 8,
        "max_iter": 50,
        "initial_const": 0.1,
    },
    summary="Carlini-Wagner L2: Adam in tanh space, per-sample bisection of the constant.",
)
def cw_l2(job: AttackJob) -> np.ndarray:
    size = job.clf.batch_size
    parts = [cw_batch(job, job.x[i : i + size], job.goal[i : i + size]) for i in range(0, len(job.x), size)]
    return np.concatenate(parts)


def _ead_grad(job: AttackJob, confidence: float) -> Callable:
    import tensorflow as tf

    clf, targeted, span = job.clf, job.targeted, job.span
    key = ("ead", confidence, targeted, span)
    if key not in clf._compiled:

        def grad(y, x0, onehot, const):  # noqa: ANN001, ANN202
            with tf.GradientTape() as tape:
                tape.watch(y)
                z = clf.tf_logits(y)
                loss = tf.reduce_sum(const * _margin_tf(z, onehot, confidence, targeted)) + tf.reduce_sum(
                    tf.square((y - x0) / span)
                )
            return tape.gradient(loss, y), z

        clf._compiled[key] = tf.function(grad, reduce_retracing=True, autograph=False)
    return clf._compiled[key]


def _ead_batch(job: AttackJob, x0: np.ndarray, goal: np.ndarray) -> np.ndarray:
    import tensorflow as tf

    p = job.params
    confidence, beta, lr0 = float(p["confidence"]), float(p["beta"]), float(p["learning_rate"])
    steps = int(p["max_iter"])
    grad_fn = _ead_grad(job, confidence)
    n = len(x0)
    onehot = tf.one_hot(goal, job.clf.num_classes)
    const = np.full(n, float(p["initial_const"]))
    lower, upper = np.zeros(n), np.full(n, 1e10)
    best_en, best = np.full(n, np.inf), x0.copy()
    for _ in range(int(p["binary_search_steps"])):
        x_k, slack = x0.copy(), x0.copy()
        found = np.zeros(n, bool)
        c_t = tf.constant(const, tf.float32)
        for it in range(steps):
            lr = lr0 * (1 - it / steps) ** 0.5
            g, _ = grad_fn(tf.constant(slack), tf.constant(x0), onehot, c_t)
            diff = slack - lr * job.span**2 * g.numpy() - x0  # an ISTA step in range units
            x_new = job.clip(x0 + np.sign(diff) * np.maximum(np.abs(diff) - beta * job.span, 0.0))
            slack = (x_new + it / (it + 3.0) * (x_new - x_k)).astype(np.float32)
            x_k = x_new
            ok = succeeded(job.clf.logits(x_new, count=False), goal, confidence, job.targeted)
            delta = x_new - x0
            unit = delta / job.span
            en = beta * norms(unit, "l1") + (flat(unit) ** 2).sum(axis=1)
            better = ok & (en < best_en)
            best[better], best_en[better] = x_new[better], en[better]
            found |= ok
        bisect_constants(const, lower, upper, found)
    return best


@register(
    "ead",
    family="whitebox",
    norm="l1",
    budget="minimal",
    defaults={
        "confidence": 0.0,
        "beta": 0.01,
        "learning_rate": 0.01,
        "binary_search_steps": 5,
        "max_iter": 50,
        "initial_const": 0.1,
    },
    summary="EAD: elastic-net (L1 + L2) attack by iterative shrinkage-thresholding.",
)
def ead(job: AttackJob) -> np.ndarray:
    size = job.clf.batch_size
    parts = [_ead_batch(job, job.x[i : i + size], job.goal[i : i + size]) for i in range(0, len(job.x), size)]
    return np.concatenate(parts)
