"""Input-transformation defences and a feature-squeezing detector, evaluated adaptively.

A defended model is a :class:`Classifier` that transforms its input before the model. Its
gradients go straight through the transform (BPDA, Athalye et al. 2018), so white-box attacks
attack the whole defended model and a defence is never credited for masked gradients.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

from mstool.toolkit.audit.models import Classifier
from mstool.toolkit.errors import InputError


def _unit(x: np.ndarray, low: float, high: float) -> np.ndarray:
    return (x.astype(np.float64) - low) / (high - low)


def _back(u: np.ndarray, low: float, high: float) -> np.ndarray:
    return (low + np.clip(u, 0.0, 1.0) * (high - low)).astype(np.float32)


def bit_depth(x: np.ndarray, low: float, high: float, bits: int = 4) -> np.ndarray:
    """Bit-depth reduction (feature squeezing): ``2**bits`` levels across the data range.

    >>> bit_depth(np.array([0.1, 0.4, 0.9]), 0.0, 1.0, bits=1).tolist()
    [0.0, 0.0, 1.0]
    """
    levels = 2**int(bits) - 1
    return _back(np.round(_unit(x, low, high) * levels) / levels, low, high)


def median_smoothing(x: np.ndarray, low: float, high: float, size: int = 2) -> np.ndarray:
    """Spatial smoothing: a ``size`` x ``size`` median filter per image and channel.

    >>> x = np.zeros((1, 3, 3, 1)); x[0, 1, 1, 0] = 1.0
    >>> float(median_smoothing(x, 0.0, 1.0, size=3).max())
    0.0
    """
    return ndimage.median_filter(x, size=(1, int(size), int(size), 1), mode="reflect").astype(np.float32)


def jpeg_compression(x: np.ndarray, low: float, high: float, quality: int = 75) -> np.ndarray:
    """JPEG re-encoding (Pillow) at ``quality``, grey or RGB images."""
    from PIL import Image

    out = np.empty(x.shape, np.float64)
    u8 = np.round(_unit(x, low, high) * 255).astype(np.uint8)
    for i, img in enumerate(u8):
        buffer = io.BytesIO()
        Image.fromarray(img[..., 0] if img.shape[-1] == 1 else img).save(buffer, "JPEG", quality=int(quality))
        out[i] = np.asarray(Image.open(io.BytesIO(buffer.getvalue())), np.float64).reshape(img.shape) / 255.0
    return _back(out, low, high)


TRANSFORMS: dict[str, Callable[..., np.ndarray]] = {
    "bit_depth": bit_depth,
    "median": median_smoothing,
    "jpeg": jpeg_compression,
}
PARAMS = {"bit_depth": {"bits"}, "median": {"size"}, "jpeg": {"quality"}}


def get_transform(name: str, params: dict, where: str = "defence") -> Callable[[np.ndarray], np.ndarray]:
    """``name`` with its parameters, as a function of data-space images (range bound later)."""
    if name not in TRANSFORMS:
        near = difflib.get_close_matches(name, TRANSFORMS, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise InputError(f"unknown defence '{name}'{hint} valid: {', '.join(TRANSFORMS)}", where=where)
    unknown = sorted(set(params) - PARAMS[name])
    if unknown:
        raise InputError(
            f"defence '{name}' has no parameter(s) {unknown}; allowed: {sorted(PARAMS[name])}", where=where
        )
    fn = TRANSFORMS[name]
    return lambda x, low, high: fn(x, low, high, **params)


def defended_classifier(
    clf: Classifier, name: str, params: dict | None = None, adaptive: bool = True
) -> Classifier:
    """``clf`` behind an input transformation. ``adaptive``: gradients pass straight through
    the transform (BPDA); otherwise they are those of the transform itself (zero for rounding
    and median, what a naive evaluation sees: the masking checks flag it).

    >>> from mstool.toolkit.audit.models import Preprocess
    >>> base = Classifier("id", "python", lambda x: x.reshape(len(x), -1), (1, 1, 2), Preprocess())
    >>> squeezed = defended_classifier(base, "bit_depth", {"bits": 1})
    >>> squeezed.logits(np.array([[[[0.2, 0.7]]]], np.float32)).tolist()
    [[0.0, 1.0]]
    """
    low, high = clf.clip
    transform = get_transform(name, params or {})

    def forward(x: np.ndarray) -> np.ndarray:
        return transform(np.asarray(x, np.float32), low, high).astype(np.float32)

    logits_tf = None
    if clf.logits_tf is not None:
        inner = clf.logits_tf

        def logits_tf(t):  # noqa: ANN001, ANN202 - tf tensors
            import tensorflow as tf

            squeezed = tf.numpy_function(forward, [t], tf.float32)
            squeezed.set_shape(t.shape)
            if adaptive:
                return inner(t + tf.stop_gradient(squeezed - t))
            return inner(t * 0.0 + tf.stop_gradient(squeezed))

    raw = clf.predict_raw
    return replace(
        clf,
        name=f"{clf.name} + {name}",
        predict_raw=lambda x: raw(forward(x)),
        logits_tf=logits_tf,
        queries=0,
        _compiled={},
    )


# ---- detection ------------------------------------------------------------------------
@dataclass
class SqueezeDetector:
    """Feature-squeezing detector (Xu et al., 2018): the largest L1 distance between the
    model's softmax on an input and on its squeezed versions; above ``threshold`` is flagged."""

    clf: Classifier
    squeezers: list[tuple[str, dict]]
    threshold: float = np.inf

    def scores(self, x: np.ndarray) -> np.ndarray:
        low, high = self.clf.clip
        p = self.clf.probabilities(x, count=False)
        out = np.zeros(len(x))
        for name, params in self.squeezers:
            squeezed = get_transform(name, params)(x, low, high)
            out = np.maximum(out, np.abs(p - self.clf.probabilities(squeezed, count=False)).sum(axis=1))
        return out

    def score_tf(self, t):  # noqa: ANN001, ANN201 - tf tensors
        """The score as a tf function of data-space inputs; the squeezers pass gradients
        straight through (BPDA), so an adaptive attack can descend it."""
        import tensorflow as tf

        low, high = self.clf.clip
        p = tf.nn.softmax(self.clf.tf_logits(t))
        out = tf.zeros(tf.shape(t)[:1])
        for name, params in self.squeezers:
            transform = get_transform(name, params)
            squeezed = tf.numpy_function(
                lambda a, f=transform: f(a, low, high).astype(np.float32), [t], tf.float32
            )
            squeezed.set_shape(t.shape)
            q = tf.nn.softmax(self.clf.tf_logits(t + tf.stop_gradient(squeezed - t)))
            out = tf.maximum(out, tf.reduce_sum(tf.abs(p - q), axis=1))
        return out

    def fit(self, x_clean: np.ndarray, false_positive_rate: float = 0.05) -> SqueezeDetector:
        """Set the threshold so that ``false_positive_rate`` of clean inputs are flagged."""
        self.threshold = float(np.quantile(self.scores(x_clean), 1.0 - false_positive_rate))
        return self

    def detect(self, x: np.ndarray) -> np.ndarray:
        return self.scores(x) > self.threshold


def default_detector(clf: Classifier) -> SqueezeDetector:
    """The squeezers Xu et al. use on MNIST-like data: 1-bit depth and a 2x2 median filter."""
    return SqueezeDetector(clf, [("bit_depth", {"bits": 1}), ("median", {"size": 2})])


def roc_auc(negatives: np.ndarray, positives: np.ndarray) -> float:
    """Area under the ROC curve: the chance a positive scores above a negative (ties count half).

    >>> roc_auc(np.array([0.1, 0.2]), np.array([0.3, 0.2]))
    0.875
    """
    neg, pos = np.asarray(negatives, float), np.asarray(positives, float)
    if not len(neg) or not len(pos):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def evaluate_detector(
    clf: Classifier,
    x: np.ndarray,
    y: np.ndarray,
    eps: float,
    false_positive_rate: float = 0.05,
    seed: int = 0,
    quick: bool = False,
    attacks: tuple[str, ...] = ("pgd", "cw"),
    **options,
) -> dict:
    """Score a detector (feature squeezing unless ``detector="mahalanobis"``) against PGD at
    ``eps`` and CW: see :func:`mstool.toolkit.audit.detectors.evaluate_detection`."""
    from mstool.toolkit.audit.detectors import evaluate_detection

    return evaluate_detection(clf, x, y, eps, false_positive_rate, seed, quick, attacks, **options)
