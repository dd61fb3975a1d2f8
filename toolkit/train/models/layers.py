"""Batch normalization for the training models: Keras's layer or one fused kernel.

Keras 3 computes training-mode batch normalization from separate moment and
normalization ops, whose gradient is a dozen element-wise passes over the
activations. :class:`FusedBatchNormalization` runs TensorFlow's single
``FusedBatchNormV3`` kernel forward and backward instead (same statistics, same
moving-average update, biased batch variance as in Keras).

The kind is chosen for a block of model building with :func:`normalization`;
exported copies are built with plain Keras layers, so saved models need no
custom objects.
"""

from __future__ import annotations

import contextlib
import contextvars

import keras
from keras import layers

NORMALIZATIONS = ("keras", "fused")
_KIND = contextvars.ContextVar("mstool_batch_norm_kind", default="keras")


class FusedBatchNormalization(layers.BatchNormalization):
    """BatchNormalization whose training step is TensorFlow's fused kernel (NHWC, last axis).

    Inference, masks, renormalization and other layouts fall back to the Keras layer.

    >>> import numpy as np
    >>> layer = FusedBatchNormalization(epsilon=1e-5)
    >>> x = np.random.default_rng(0).normal(size=(4, 3, 3, 2)).astype("float32")
    >>> float(abs(np.asarray(layer(x, training=True)).mean())) < 1e-6
    True
    """

    def _fusable(self, inputs, training, mask) -> bool:
        return bool(training and self.trainable and mask is None and not self.renorm
                    and not self.synchronized and self.scale and self.center
                    and len(inputs.shape) == 4 and list(self._reduction_axes) == [0, 1, 2])

    def call(self, inputs, training=None, mask=None):
        import tensorflow as tf

        if not self._fusable(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        x = tf.cast(inputs, tf.float32)
        empty = tf.zeros([0], tf.float32)
        y, mean, corrected, _, _, _ = tf.raw_ops.FusedBatchNormV3(
            x=x, scale=tf.cast(self.gamma, tf.float32), offset=tf.cast(self.beta, tf.float32),
            mean=empty, variance=empty, epsilon=self.epsilon, data_format="NHWC", is_training=True)
        # The kernel returns the Bessel-corrected variance; Keras averages the biased one.
        count = tf.cast(tf.size(x) // tf.shape(x)[-1], tf.float32)
        variance = corrected * ((count - 1.0) / count)
        self.moving_mean.assign(self.moving_mean * self.momentum + mean * (1.0 - self.momentum))
        self.moving_variance.assign(self.moving_variance * self.momentum + variance * (1.0 - self.momentum))
        return tf.cast(y, self.compute_dtype)


@contextlib.contextmanager
def normalization(kind: str):
    """Models built inside use ``kind`` batch normalization (``keras`` or ``fused``).

    >>> with normalization("fused"):
    ...     type(batch_norm("bn")).__name__
    'FusedBatchNormalization'
    """
    if kind not in NORMALIZATIONS:
        raise ValueError(f"unknown batch normalization '{kind}'; choose one of {', '.join(NORMALIZATIONS)}")
    token = _KIND.set(kind)
    try:
        yield
    finally:
        _KIND.reset(token)


def batch_norm(name: str, **kwargs) -> keras.layers.Layer:
    """A batch-normalization layer of the kind chosen by the enclosing :func:`normalization` block."""
    kind = _KIND.get()
    if kind == "fused":
        return FusedBatchNormalization(name=name, **kwargs)
    return layers.BatchNormalization(name=name, **kwargs)


def synchronize_batch_norm(model: keras.Model, where: str = "model") -> int:
    """Make every BatchNormalization layer of ``model`` use the statistics of the global batch.

    In training under a tf.distribute strategy each layer then all-reduces its batch sums
    across replicas (Keras's ``synchronized=True``; outside a strategy nothing changes).
    Returns the number of layers; a model without one is an input error.

    >>> inputs = keras.Input((4, 4, 1))
    >>> model = keras.Model(inputs, layers.BatchNormalization()(layers.Conv2D(2, 3)(inputs)))
    >>> synchronize_batch_norm(model)
    1
    """
    from mstool.toolkit.errors import InputError

    found = [layer for layer in model._flatten_layers(include_self=False)
             if isinstance(layer, layers.BatchNormalization)]
    if not found:
        raise InputError("sync_batch_norm is set but the model has no BatchNormalization layer", where=where)
    for layer in found:
        layer.synchronized = True
    return len(found)
