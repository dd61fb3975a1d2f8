"""Adaptive attacks on a detector-guarded model: PGD and CW on the classifier and the detector
together, so that a detector is never credited for an attack that ignored it.

The objective per sample is ``min(margin, kappa) - lambda * score / threshold``: the CW logit
margin (``max_{j!=y} z_j - z_y``, capped once the sample is misclassified) and the detector
score in units of its threshold. Mahalanobis is differentiable through the model's features;
feature squeezing's bit depth and median filter pass gradients straight through (BPDA).
A sample counts as broken at the first iterate that is misclassified and not flagged.
The adaptive CW-L2 (Carlini and Wagner, 2017, "not easily detected") adds the hinge
``max(0, score / threshold - 0.95)`` to CW's margin hinge and keeps, per sample, the smallest
perturbation that is misclassified and not flagged.
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


def adaptive_cw(
    clf: Classifier,
    detector,  # noqa: ANN001 - a fitted detector with score_tf
    x: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
    quick: bool = False,
    **params: float,
) -> np.ndarray:
    """CW-L2 (unbounded, minimal) against classifier and detector at once; a sample the attack
    cannot move past both keeps its original (data space). ``params`` override CW's defaults
    (``binary_search_steps`` 8 x ``max_iter`` 50; 4 x 30 with ``quick``).

    >>> import numpy as np
    >>> from mstool.toolkit.audit.models import Classifier, Preprocess
    >>> w = np.array([[1.0, -1.0], [-1.0, 1.0]], np.float32)
    >>> clf = Classifier("lin", "python", lambda x: x.reshape(len(x), -1) @ w, (2,), Preprocess(),
    ...                  logits_tf=lambda t: t @ w, num_classes=2)
    >>> class Never:  # a detector that flags nothing
    ...     threshold = 1.0
    ...     def score_tf(self, t): return 0.0 * t[:, 0]
    ...     def detect(self, x): return np.zeros(len(x), bool)
    >>> x, y = np.array([[0.6, 0.4]], np.float32), np.array([0])
    >>> adv = adaptive_cw(clf, Never(), x, y, np.random.default_rng(0), quick=True)
    >>> int(clf.predict(adv)[0]), bool(abs(adv - x).max() < 0.2)
    (1, True)
    """
    import tensorflow as tf

    from mstool.toolkit.audit.attacks import AttackJob, get_attack
    from mstool.toolkit.audit.attacks.base import resolve_params
    from mstool.toolkit.audit.attacks.whitebox.cw import cw_batch

    if not clf.whitebox:
        raise InputError(f"the adaptive attack on the detector needs a model with gradients; "
                         f"{clf.name} is black-box", where="detector.adaptive")
    spec = get_attack("cw")
    chosen = {"binary_search_steps": 4, "max_iter": 30} if quick else {}
    job = AttackJob(clf, x.astype(np.float32), y, None, rng, norm="l2",
                    params=resolve_params(spec, {**chosen, **params}, "detector.adaptive"))
    scale = max(abs(float(detector.threshold)), 1e-6)

    def penalty(t):  # noqa: ANN001, ANN202
        return tf.nn.relu(detector.score_tf(t) / scale - 0.95)

    def unflagged(x_adv: np.ndarray) -> np.ndarray:
        return ~detector.detect(x_adv)

    size = clf.batch_size
    parts = [cw_batch(job, job.x[i:i + size], job.goal[i:i + size], penalty, unflagged)
             for i in range(0, len(job.x), size)]
    return np.concatenate(parts)
