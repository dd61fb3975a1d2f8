"""Attack objectives: cross-entropy, the CW logit margin and the DLR loss, in TensorFlow
(for gradients) and NumPy (for the values attacks track).
"""

from __future__ import annotations

import numpy as np

LOSSES = ("ce", "cw", "dlr")


def objective_tf(z, labels, loss: str, targeted: bool, truth=None):  # noqa: ANN001, ANN201
    """Per-sample objective summed over the batch (the gradient is per-sample)."""
    import tensorflow as tf

    k = tf.shape(z)[1]
    onehot = tf.one_hot(labels, k)
    if loss == "ce":
        ce = tf.nn.softmax_cross_entropy_with_logits(onehot, z)
        return tf.reduce_sum(-ce if targeted else ce)
    if loss == "dlr":
        return tf.reduce_sum(_dlr_tf(z, labels, targeted, labels if truth is None else truth))
    own = tf.reduce_sum(z * onehot, axis=1)
    other = tf.reduce_max(z - 1e9 * onehot, axis=1)
    return tf.reduce_sum(own - other if targeted else other - own)


def _dlr_tf(z, labels, targeted: bool, truth):  # noqa: ANN001, ANN202
    """DLR loss per sample; the same formula as :func:`dlr_loss` (needs >= 3 or 4 classes)."""
    import tensorflow as tf

    k = tf.shape(z)[1]
    top = tf.sort(z, axis=1, direction="DESCENDING")
    true_onehot = tf.one_hot(truth, k)
    z_true = tf.reduce_sum(z * true_onehot, axis=1)
    if targeted:
        z_target = tf.reduce_sum(z * tf.one_hot(labels, k), axis=1)
        denom = top[:, 0] - 0.5 * (top[:, 2] + top[:, 3]) + 1e-12
        return -(z_true - z_target) / denom
    other = tf.reduce_max(z - 1e9 * true_onehot, axis=1)
    return -(z_true - other) / (top[:, 0] - top[:, 2] + 1e-12)


def dlr_loss(z: np.ndarray, truth: np.ndarray, targets: np.ndarray | None = None) -> np.ndarray:
    """Difference of logits ratio (Croce and Hein, 2020), per sample; higher is better for
    the attacker. Untargeted ``-(z_y - max_{j!=y} z_j) / (z_pi1 - z_pi3)``; targeted
    ``-(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2)``.

    >>> z = np.array([[4.0, 2.0, 1.0, 0.0]])
    >>> y, t = np.array([0]), np.array([1])
    >>> dlr_loss(z, y).round(4).tolist(), dlr_loss(z, y, t).round(4).tolist()
    ([-0.6667], [-0.5714])
    """
    rows = np.arange(len(z))
    top = -np.sort(-z, axis=1)
    z_true = z[rows, truth]
    if targets is not None:
        return -(z_true - z[rows, targets]) / (top[:, 0] - 0.5 * (top[:, 2] + top[:, 3]) + 1e-12)
    masked = z.astype(np.float64).copy()
    masked[rows, truth] = -np.inf
    return -(z_true - masked.max(axis=1)) / (top[:, 0] - top[:, 2] + 1e-12)
