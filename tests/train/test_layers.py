"""Fused batch normalization against Keras's layer and a float64 NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.train.models import build_model
from mstool.toolkit.train.models.layers import FusedBatchNormalization, normalization


def _layers_and_input():
    from keras import layers

    rng = np.random.default_rng(0)
    x = (rng.normal(size=(6, 5, 4, 3)) * 3.0 + 1.5).astype(np.float32)
    made = []
    for cls in (FusedBatchNormalization, layers.BatchNormalization):
        layer = cls(momentum=0.9, epsilon=1e-5)
        layer.build(x.shape)
        layer.gamma.assign(rng.normal(size=3).astype(np.float32) if not made else made[0].gamma.numpy())
        layer.beta.assign(rng.normal(size=3).astype(np.float32) if not made else made[0].beta.numpy())
        made.append(layer)
    return made, x


def test_fused_training_step_matches_keras_and_numpy():
    import tensorflow as tf

    (fused, plain), x = _layers_and_input()
    weights = tf.constant(np.random.default_rng(1).normal(size=x.shape).astype(np.float32))
    results = []
    for layer in (fused, plain):
        inputs = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            out = layer(inputs, training=True)
            loss = tf.reduce_sum(out * weights)
        grads = tape.gradient(loss, [inputs, layer.gamma.value, layer.beta.value])
        results.append([out.numpy()] + [g.numpy() for g in grads]
                       + [layer.moving_mean.numpy(), layer.moving_variance.numpy()])
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    x64 = x.astype(np.float64)
    mean, var = x64.mean(axis=(0, 1, 2)), x64.var(axis=(0, 1, 2))
    gamma, beta = fused.gamma.numpy().astype(np.float64), fused.beta.numpy().astype(np.float64)
    np.testing.assert_allclose(results[0][0], (x64 - mean) / np.sqrt(var + 1e-5) * gamma + beta, atol=1e-5)
    np.testing.assert_allclose(results[0][4], 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(results[0][5], 0.9 + 0.1 * var, rtol=1e-5)  # biased variance, as Keras
    # inference uses the moving statistics, exactly as the Keras layer
    np.testing.assert_allclose(fused(x, training=False).numpy(), plain(x, training=False).numpy(), atol=1e-6)


def test_models_with_fused_norm_keep_the_weight_layout():
    with normalization("fused"):
        fused = build_model("resnet18", (16, 16, 3), 4, width=4)
    plain = build_model("resnet18", (16, 16, 3), 4, width=4)
    assert any(isinstance(layer, FusedBatchNormalization) for layer in fused.layers)
    assert [v.path for v in fused.weights] == [v.path for v in plain.weights]
    with pytest.raises(ValueError, match="unknown batch normalization"), normalization("nope"):
        pass
