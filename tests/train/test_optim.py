"""Optimizers and schedules against a plain NumPy implementation of the same update rules."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.train.optim import Optimizer, OptimizerConfig, Schedule


@pytest.mark.parametrize("kind", ["constant", "cosine", "step"])
def test_schedule_tensor_matches_python(kind):
    schedule = Schedule(peak=0.4, kind=kind, total_steps=50, warmup_steps=5, step_every=10, step_gamma=0.5)
    for step in (0, 3, 4, 5, 17, 30, 49, 60):
        assert float(schedule.tensor(step)) == pytest.approx(schedule.value(step), rel=1e-4, abs=1e-7)
    assert schedule.value(0) == pytest.approx(0.08)


def _numpy_reference(config: OptimizerConfig, schedule: Schedule, w, grads_seq):
    w = w.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, g in enumerate(grads_seq, start=1):
        lr = schedule.value(t - 1)
        norm = np.sqrt(np.sum(g * g))
        if config.clip_norm and norm > config.clip_norm:
            g = g * config.clip_norm / norm
        if config.name == "adamw":
            w = w - lr * config.weight_decay * w
            m = config.beta1 * m + (1 - config.beta1) * g
            v = config.beta2 * v + (1 - config.beta2) * g * g
            m_hat, v_hat = m / (1 - config.beta1**t), v / (1 - config.beta2**t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + config.epsilon)
        else:
            g = g + config.weight_decay * w
            m = config.momentum * m + g
            w = w - lr * ((g + config.momentum * m) if config.nesterov else m)
    return w


@pytest.mark.parametrize("config", [
    OptimizerConfig("sgd", momentum=0.9, nesterov=True, weight_decay=0.01, clip_norm=1.0),
    OptimizerConfig("sgd", momentum=0.8, nesterov=False),
    OptimizerConfig("adamw", weight_decay=0.05, clip_norm=0.5),
])
def test_updates_match_numpy(config):
    import tensorflow as tf

    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4)).astype(np.float32)
    grads_seq = [rng.normal(size=(3, 4)).astype(np.float32) for _ in range(5)]
    schedule = Schedule(0.1, "cosine", total_steps=5, warmup_steps=2)
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with strategy.scope():
        var = tf.Variable(start)
        optimizer = Optimizer(config, schedule)
        optimizer.build([var])
    for grad in grads_seq:
        strategy.run(lambda g: optimizer.apply([g]), args=(tf.constant(grad),))
    expected = _numpy_reference(config, schedule, start.astype(np.float64),
                                [g.astype(np.float64) for g in grads_seq])
    np.testing.assert_allclose(var.numpy(), expected, rtol=2e-5, atol=2e-6)
    assert int(optimizer.step.numpy()) == 5


@pytest.mark.parametrize("graph", [False, True])
def test_loss_scale_skips_non_finite_steps_halves_then_grows(graph):
    import tensorflow as tf

    from mstool.toolkit.train.optim import DynamicLossScale

    rng = np.random.default_rng(1)
    start = rng.normal(size=(4,)).astype(np.float32)
    true_grads = [rng.normal(size=(4,)).astype(np.float32) for _ in range(3)]
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with strategy.scope():
        var = tf.Variable(start)
        optimizer = Optimizer(OptimizerConfig("sgd", momentum=0.9), Schedule(0.1),
                              DynamicLossScale(initial=1024.0, growth_steps=2))
        optimizer.build([var])

    def step(scaled_grad):
        scale = optimizer.loss_scale.scale.read_value()
        stats = tf.constant([3.0, 1.0])
        return strategy.run(lambda g: optimizer.apply([g], stats, scale), args=(scaled_grad,))

    step = tf.function(step) if graph else step
    results = []
    for bad in (np.inf, np.nan):
        results.append(step(tf.constant(np.array([1.0, bad, 0.0, 2.0], np.float32))).numpy())
        np.testing.assert_array_equal(var.numpy(), start)  # skipped: weights untouched
        np.testing.assert_array_equal(optimizer.slots[0][0].numpy(), np.zeros(4, np.float32))
    assert [r.tolist() for r in results] == [[3.0, 1.0, 0.0, 1024.0], [3.0, 1.0, 0.0, 512.0]]
    scales = []
    for grad in true_grads:  # gradients arrive multiplied by the scale in use
        scales.append(float(optimizer.loss_scale.scale.numpy()))
        applied = step(tf.constant(grad * scales[-1])).numpy()[2]
        assert applied == 1.0
    assert scales == [256.0, 256.0, 512.0]  # two finite steps in a row double the scale
    expected = _numpy_reference(OptimizerConfig("sgd", momentum=0.9), Schedule(0.1), start.astype(np.float64),
                                [g.astype(np.float64) for g in true_grads])
    np.testing.assert_allclose(var.numpy(), expected, rtol=1e-6, atol=1e-7)
    assert int(optimizer.step.numpy()) == 5  # the schedule follows the loop's steps, skipped or not
