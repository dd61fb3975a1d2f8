"""Adversarial-example detectors: feature squeezing and Mahalanobis, scored by ROC AUC and
by the robust accuracy of the detector-guarded model against non-adaptive and adaptive attacks.

A detector has ``scores(x)`` (higher: more suspicious), ``fit(x_clean, false_positive_rate)``
(the threshold, chosen on clean validation data) and ``detect(x)``; a differentiable one also
has ``score_tf(t)``, which the adaptive attack (:mod:`.adaptive`) descends.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mstool.toolkit.audit.defences import SqueezeDetector, default_detector, roc_auc
from mstool.toolkit.audit.models import Classifier, check_compatible
from mstool.toolkit.errors import InputError

DETECTORS = ("feature_squeezing", "mahalanobis")
LABELS = {
    "feature_squeezing": "feature squeezing: 1-bit depth, 2x2 median (Xu et al. 2018)",
    "mahalanobis": "Mahalanobis: class Gaussians, shared covariance (Lee et al. 2018)",
}


def check_detector_name(name: str, where: str = "detector.name") -> str:
    """The detector ``name``; an unknown one lists the near names and the valid ones.

    >>> check_detector_name("mahalanobis")
    'mahalanobis'
    >>> try:
    ...     check_detector_name("mahalonobis")
    ... except InputError as err:
    ...     print(str(err).split("; ")[1])
    did you mean mahalanobis? valid: feature_squeezing, mahalanobis
    """
    if name in DETECTORS:
        return name
    near = difflib.get_close_matches(name, DETECTORS, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise InputError(f"unknown detector '{name}'{hint} valid: {', '.join(DETECTORS)}", where=where)


@dataclass
class MahalanobisDetector:
    """Mahalanobis detector (Lee et al., 2018): Gaussians per class with one shared covariance,
    fitted on clean training features; the score is the smallest squared Mahalanobis distance
    of an input's features to a class mean (above ``threshold`` is flagged).

    ``features_tf`` maps a data-space tensor to features (N, D), e.g. ``clf.tf_logits`` or a
    hidden layer; the score is differentiable through it.

    >>> import tensorflow as tf
    >>> det = MahalanobisDetector(lambda t: tf.reshape(t, (tf.shape(t)[0], -1)))
    >>> x = np.array([[0.0, 0.0], [0.2, 0.0], [4.0, 4.0], [4.0, 4.2]], np.float32)
    >>> _ = det.fit_gaussians(x, np.array([0, 0, 1, 1]))
    >>> bool(det.scores(np.array([[9.0, -9.0]], np.float32))[0] > det.scores(x).max())
    True
    """

    features_tf: Callable
    batch_size: int = 256
    ridge: float = 1e-3  # added to the covariance diagonal, relative to its mean variance
    threshold: float = np.inf
    means: np.ndarray | None = None
    precision: np.ndarray | None = None
    _compiled: dict = field(default_factory=dict)

    def features(self, x: np.ndarray) -> np.ndarray:
        import tensorflow as tf

        if "f" not in self._compiled:
            self._compiled["f"] = tf.function(self.features_tf, reduce_retracing=True, autograph=False)
        parts = [self._compiled["f"](tf.constant(x[i:i + self.batch_size], tf.float32)).numpy()
                 for i in range(0, len(x), self.batch_size)]
        return np.concatenate(parts).reshape(len(x), -1).astype(np.float64)

    def fit_gaussians(self, x: np.ndarray, y: np.ndarray) -> MahalanobisDetector:
        """Class means and the shared (tied) covariance of clean training features."""
        f = self.features(x)
        classes = np.unique(y)
        if len(classes) < 2 or len(f) <= len(classes):
            raise InputError("the Mahalanobis detector needs clean samples of at least 2 classes",
                             where="detector.data")
        self.means = np.stack([f[y == c].mean(axis=0) for c in classes])
        centred = f - self.means[np.searchsorted(classes, y)]
        cov = centred.T @ centred / len(f)
        cov += self.ridge * max(np.trace(cov) / len(cov), 1e-12) * np.eye(len(cov))
        self.precision = np.linalg.inv(cov)
        return self

    def scores(self, x: np.ndarray) -> np.ndarray:
        d = self.features(x)[:, None, :] - self.means[None, :, :]
        return np.einsum("ncd,de,nce->nc", d, self.precision, d).min(axis=1)

    def score_tf(self, t):  # noqa: ANN001, ANN201 - tf tensors
        import tensorflow as tf

        f = tf.reshape(tf.cast(self.features_tf(t), tf.float64), (tf.shape(t)[0], -1))
        d = f[:, None, :] - tf.constant(self.means)[None]
        dist = tf.einsum("ncd,de,nce->nc", d, tf.constant(self.precision), d)
        return tf.cast(tf.reduce_min(dist, axis=1), tf.float32)

    def fit(self, x_clean: np.ndarray, false_positive_rate: float = 0.05) -> MahalanobisDetector:
        """Set the threshold so that ``false_positive_rate`` of clean inputs are flagged."""
        self.threshold = float(np.quantile(self.scores(x_clean), 1.0 - false_positive_rate))
        return self

    def detect(self, x: np.ndarray) -> np.ndarray:
        return self.scores(x) > self.threshold


def _guarded(clf: Classifier, detector, x_adv: np.ndarray, y: np.ndarray) -> np.ndarray:  # noqa: ANN001
    return (clf.predict(x_adv, count=False) == y) | detector.detect(x_adv)


def guarded_accuracy(clf: Classifier, detector, x_adv: np.ndarray, y: np.ndarray) -> float:  # noqa: ANN001
    """Robust accuracy of the detector-guarded model: the share of samples that are either
    classified correctly or flagged by the detector."""
    if not len(x_adv):
        return float("nan")
    return float(_guarded(clf, detector, x_adv, y).mean())


@dataclass
class DetectorSplits:
    """Which correctly classified audit rows fit, calibrate (threshold) and test the detector."""

    gaussians: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def split_rows(correct: np.ndarray, separate_gaussians: bool) -> DetectorSplits:
    """Halves: validation (threshold) and test; with ``separate_gaussians`` the validation half
    gives its first half to the Mahalanobis Gaussians (no training set given).

    >>> s = split_rows(np.arange(8), True)
    >>> s.gaussians.tolist(), s.validation.tolist(), s.test.tolist()
    ([0, 1], [2, 3], [4, 5, 6, 7])
    """
    fit, test = correct[: len(correct) // 2], correct[len(correct) // 2:]
    if separate_gaussians:
        return DetectorSplits(fit[: len(fit) // 2], fit[len(fit) // 2:], test)
    return DetectorSplits(fit[:0], fit, test)


def build_detector(
    name: str,
    clf: Classifier,
    features_tf: Callable | None = None,
    train: tuple[np.ndarray, np.ndarray] | None = None,
) -> SqueezeDetector | MahalanobisDetector:
    """An unfitted-threshold detector ``name`` (Mahalanobis: Gaussians fitted on ``train``)."""
    check_detector_name(name)
    if name == "feature_squeezing":
        return default_detector(clf)
    det = MahalanobisDetector(features_tf or clf.tf_logits, batch_size=clf.batch_size)
    return det.fit_gaussians(*train)


def evaluate_detection(
    clf: Classifier,
    x: np.ndarray,
    y: np.ndarray,
    eps: float,
    false_positive_rate: float = 0.05,
    seed: int = 0,
    quick: bool = False,
    attacks: tuple[str, ...] = ("pgd", "cw"),
    detector: str = "feature_squeezing",
    features_tf: Callable | None = None,
    train: tuple[np.ndarray, np.ndarray] | None = None,
    adaptive: bool = True,
    adaptive_options: dict | None = None,
) -> dict:
    """Fit ``detector`` (threshold at ``false_positive_rate`` on clean validation rows), then on
    held-out correctly classified rows: ROC AUC and detection rate against each attack's
    successful adversarials (PGD at ``eps``, CW unbounded), the robust accuracy of the
    detector-guarded model against each attack, and, with ``adaptive``, against PGD on the
    classifier and the detector together (:func:`.adaptive.adaptive_pgd`) and, when ``cw`` is
    among ``attacks``, CW-L2 on both (:func:`.adaptive.adaptive_cw`, unbounded: compare its
    ``median_l2`` with plain CW's, the price of evading the detector).
    ``guarded_robust_accuracy``: per sample, correct or flagged under every attack bounded by
    ``eps`` (PGD and the adaptive PGD), the number to quote.

    Mahalanobis Gaussians are fitted on ``train`` (clean training samples) when given,
    otherwise on a quarter of the correctly classified audit rows kept out of the rest.
    """
    from mstool.toolkit.audit.adaptive import adaptive_cw, adaptive_pgd
    from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack
    from mstool.toolkit.audit.attacks.base import resolve_params

    check_detector_name(detector)
    if not clf.num_classes:  # not checked yet: the attacks need it
        check_compatible(clf, x, y, "data")
    correct = np.flatnonzero(clf.predict(x, count=False) == y)
    splits = split_rows(correct, detector == "mahalanobis" and train is None)
    if len(splits.validation) < 2 or len(splits.test) < 2:
        raise InputError("the detector needs at least 4 correctly classified samples (8 for Mahalanobis "
                         "without detector.data)", where="detector")
    if detector == "mahalanobis" and train is None:
        train = (x[splits.gaussians], y[splits.gaussians])
    det = build_detector(detector, clf, features_tf, train).fit(x[splits.validation], false_positive_rate)
    x_test, y_test = x[splits.test], y[splits.test]
    clean_scores = det.scores(x_test)
    out = {
        "detector": LABELS[detector],
        "name": detector,
        "threshold": det.threshold,
        "false_positive_rate": float((clean_scores > det.threshold).mean()),
        "samples": {"gaussians": len(train[0]) if detector == "mahalanobis" else 0,
                    "validation": len(splits.validation), "test": len(splits.test)},
        "attacks": [],
    }

    def row(name: str, budget: float | None, adaptive: str, x_adv: np.ndarray) -> dict:
        return _attack_row(clf, det, name, budget, adaptive, clean_scores, x_adv, y_test, x_test)

    guarded = np.ones(len(splits.test), bool)  # per sample: correct or flagged under every eps attack
    for i, name in enumerate(attacks):
        spec = get_attack(name)
        budget = eps if spec.budget == "eps" else None
        job = AttackJob(clf, x_test, y_test, budget, np.random.default_rng([seed, 300, i]), norm=spec.norm,
                        params=resolve_params(spec, {}, "detector", quick))
        x_adv = run_attack(spec, job)
        out["attacks"].append(row(name, budget, "no", x_adv))
        if budget is not None:
            guarded &= _guarded(clf, det, x_adv, y_test)
    if adaptive:
        x_adv = adaptive_pgd(clf, det, x_test, y_test, eps, np.random.default_rng([seed, 301]), quick=quick,
                             **(adaptive_options or {}))
        out["attacks"].append(row("adaptive pgd", eps, "yes", x_adv))
        guarded &= _guarded(clf, det, x_adv, y_test)
        if "cw" in attacks:
            x_adv = adaptive_cw(clf, det, x_test, y_test, np.random.default_rng([seed, 302]), quick=quick)
            out["attacks"].append(row("adaptive cw", None, "yes", x_adv))
    out["guarded_robust_accuracy"] = float(guarded.mean())
    return out


def _attack_row(clf: Classifier, det, name: str, budget: float | None, adaptive: str,  # noqa: ANN001
                clean_scores: np.ndarray, x_adv: np.ndarray, y: np.ndarray, x: np.ndarray) -> dict:
    fooled = clf.predict(x_adv, count=False) != y
    scores = det.scores(x_adv[fooled]) if fooled.any() else np.zeros(0)
    l2 = np.sqrt(((x_adv[fooled] - x[fooled]).reshape(int(fooled.sum()), -1) ** 2).sum(axis=1))
    return {
        "attack": name,
        "budget": budget,
        "adaptive": adaptive == "yes",
        "adversarials": int(fooled.sum()),
        "roc_auc": roc_auc(clean_scores, scores),
        "detection_rate": float((scores > det.threshold).mean()) if len(scores) else None,
        "accuracy": float((~fooled).mean()),
        "guarded_accuracy": guarded_accuracy(clf, det, x_adv, y),
        "median_l2": float(np.median(l2)) if len(l2) else None,
    }


def keras_layer_features(model_path, layer: str, clf: Classifier) -> Callable:  # noqa: ANN001
    """Features of the Keras model's layer ``layer`` as a function of data-space tensors (the
    classifier's preprocessing applied first); ``logits`` gives the classifier's logits."""
    if layer == "logits":
        return clf.tf_logits
    if clf.model_format not in ("keras", "converted"):
        raise InputError(f"layer '{layer}' needs a Keras model ({clf.model_format} given); use layer: logits",
                         where="detector.layer")
    import keras
    import tensorflow as tf

    from mstool.toolkit.audit.models import resolve_model_path

    model = keras.models.load_model(resolve_model_path(model_path), compile=False)
    names = [lay.name for lay in model.layers]
    if layer not in names:
        near = difflib.get_close_matches(layer, names, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise InputError(f"model has no layer '{layer}'{hint} layers: {', '.join(names)}",
                         where="detector.layer")
    sub = keras.Model(model.inputs, model.get_layer(layer).output)

    def features(t):  # noqa: ANN001, ANN202
        out = sub(clf.preprocess.apply_tf(t), training=False)
        return tf.reshape(out, (tf.shape(out)[0], -1))

    return features
