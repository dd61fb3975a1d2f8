"""An adaptive attack on a detector-guarded model: PGD on the classifier and the detector
together, so that a detector is never credited for an attack that ignored it.

The objective per sample is ``min(margin, kappa) - lambda * score / threshold``: the CW logit
margin (``max_{j!=y} z_j - z_y``, capped once the sample is misclassified) and the detector
score in units of its threshold. Mahalanobis is differentiable through the model's features;
feature squeezing's bit depth and median filter pass gradients straight through (BPDA).
A sample counts as broken at the first iterate that is misclassified and not flagged.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.models import Classifier
from mstool.toolkit.errors import InputError


def _objective_gradient(clf: Classifier, detector, kappa: float):  # noqa: ANN001, ANN202 - a tf function
    import tensorflow as tf

    scale = max(abs(float(detector.threshold)), 1e-6)

    def grad(x, y, lam):  # noqa: ANN001, ANN202
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = clf.tf_logits(x)
            onehot = tf.one_hot(y, tf.shape(z)[1])
            own = tf.reduce_sum(z * onehot, axis=1)
            other = tf.reduce_max(z - 1e9 * onehot, axis=1)
            margin = tf.minimum(other - own, kappa)
            value = tf.reduce_sum(margin - lam * detector.score_tf(x) / scale)
        return tape.gradient(value, x)

    return tf.function(grad, reduce_retracing=True, autograph=False)


def adaptive_pgd(
    clf: Classifier,
    detector,  # noqa: ANN001 - a fitted detector with score_tf
    x: np.ndarray,
    y: np.ndarray,
    eps: float,
    rng: np.random.Generator,
    steps: int | None = None,
    lambdas: tuple[float, ...] = (1.0, 10.0),
    step_size: float | None = None,
    kappa: float = 1.0,
    quick: bool = False,
) -> np.ndarray:
    """Linf PGD (random start) against classifier and detector at once, one run per weight in
    ``lambdas`` on the samples not yet broken; returns the adversarials (data space).

    ``steps`` defaults to 100 (20 with ``quick``), ``step_size`` to ``2.5 * eps / steps``.
    """
    import tensorflow as tf

    if not clf.whitebox:
        raise InputError(f"the adaptive attack on the detector needs a model with gradients; "
                         f"{clf.name} is black-box", where="detector.adaptive")
    steps = steps or (20 if quick else 100)
    step = step_size or 2.5 * eps / steps
    low, high = clf.clip
    grad = _objective_gradient(clf, detector, kappa)
    best = x.astype(np.float32).copy()
    broken = np.zeros(len(x), bool)
    for lam in lambdas:
        todo = np.flatnonzero(~broken)
        if not len(todo):
            break
        x0 = x[todo].astype(np.float32)
        adv = np.clip(x0 + rng.uniform(-eps, eps, x0.shape).astype(np.float32), low, high)
        done = np.zeros(len(todo), bool)
        labels, weight, batch = tf.constant(y[todo], tf.int32), tf.constant(lam, tf.float32), clf.batch_size
        for _ in range(steps):
            g = np.concatenate([
                grad(tf.constant(adv[i:i + batch]), labels[i:i + batch], weight).numpy()
                for i in range(0, len(adv), batch)
            ])
            adv = np.clip(np.clip(adv + step * np.sign(g), x0 - eps, x0 + eps), low, high).astype(np.float32)
            success = ~done & (clf.predict(adv, count=False) != y[todo]) & ~detector.detect(adv)
            best[todo[success]] = adv[success]
            done |= success
            if done.all():
                break
        best[todo[~done]] = adv[~done]
        broken[todo[done]] = True
    return best
