"""Optimizers and learning-rate schedules for the custom training loop.

Gradients are all-reduced across replicas once, clipped by their global norm
(so clipping sees the same gradient however the batch is split), then applied
in a cross-replica ``merge_call`` to every replica's copy of the variables.
SGD follows the PyTorch convention (L2 added to the gradient, ``m = mu*m + g``),
AdamW decouples the weight decay (Loshchilov & Hutter). With ``mixed_float16`` a
:class:`DynamicLossScale` scales the loss up before the backward pass; the summed
gradients are scaled back down, and a step whose gradients overflowed is skipped
(weights and slots untouched) while the scale halves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Schedule:
    """Warmup (linear from peak/warmup to peak), then constant, cosine to zero, or step decay.

    >>> s = Schedule(peak=1.0, kind="cosine", total_steps=10, warmup_steps=2)
    >>> [round(s.value(k), 3) for k in (0, 1, 2, 6)]
    [0.5, 1.0, 1.0, 0.5]
    """

    peak: float
    kind: str = "constant"
    total_steps: int = 1
    warmup_steps: int = 0
    step_every: int = 1000
    step_gamma: float = 0.1

    def value(self, step: float) -> float:
        """The learning rate at a step, in plain Python (the reference for :meth:`tensor`)."""
        if step < self.warmup_steps:
            return self.peak * (step + 1) / self.warmup_steps
        after = step - self.warmup_steps
        if self.kind == "cosine":
            span = max(1, self.total_steps - self.warmup_steps)
            return self.peak * 0.5 * (1.0 + math.cos(math.pi * min(after, span) / span))
        if self.kind == "step":
            return self.peak * self.step_gamma ** (after // self.step_every)
        return self.peak

    def tensor(self, step):
        """The same schedule as TensorFlow ops of an int64 step tensor."""
        import tensorflow as tf

        step = tf.cast(step, tf.float32)
        after = step - self.warmup_steps
        if self.kind == "cosine":
            span = float(max(1, self.total_steps - self.warmup_steps))
            main = self.peak * 0.5 * (1.0 + tf.cos(math.pi * tf.minimum(after, span) / span))
        elif self.kind == "step":
            main = self.peak * tf.pow(self.step_gamma, tf.floor(after / self.step_every))
        else:
            main = tf.constant(self.peak, tf.float32)
        if self.warmup_steps:
            warm = self.peak * (step + 1.0) / self.warmup_steps
            return tf.where(step < self.warmup_steps, warm, main)
        return main


@dataclass
class OptimizerConfig:
    """Hyper-parameters shared by both update rules."""

    name: str = "sgd"
    momentum: float = 0.9
    nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-7
    weight_decay: float = 0.0
    decay_all: bool = False
    clip_norm: float | None = None


class DynamicLossScale:
    """The float16 loss scale: halves when gradients overflow, doubles after ``growth_steps`` good steps.

    >>> import tensorflow as tf
    >>> scale = DynamicLossScale(initial=8.0, growth_steps=2); scale.build()
    >>> [float(x) for x in scale.next_values(tf.constant(False))]
    [4.0, 0.0]
    """

    def __init__(self, initial: float = 2.0**15, growth_steps: int = 2000) -> None:
        self.initial = float(initial)
        self.growth_steps = int(growth_steps)
        self.scale = None
        self.good_steps = None

    def build(self) -> None:
        import tensorflow as tf

        self.scale = tf.Variable(self.initial, dtype=tf.float32, trainable=False, name="loss_scale")
        self.good_steps = tf.Variable(0, dtype=tf.int64, trainable=False, name="loss_scale_good_steps")

    def state_variables(self) -> list:
        return [self.scale, self.good_steps]

    def next_values(self, finite):
        """The scale and good-step count after a step whose gradients were (not) all finite."""
        import tensorflow as tf

        good = tf.where(finite, self.good_steps + 1, tf.zeros_like(self.good_steps))
        grow = good >= self.growth_steps
        scale = tf.where(finite, tf.where(grow, self.scale * 2.0, self.scale * 1.0),
                         tf.maximum(self.scale / 2.0, 1.0))
        return scale, tf.where(grow, tf.zeros_like(good), good)


class Optimizer:
    """SGD (momentum, Nesterov) or AdamW over a list of variables, distribution-aware.

    Build it inside ``strategy.scope()``; call :meth:`apply` in replica context.
    """

    def __init__(self, config: OptimizerConfig, schedule: Schedule,
                 loss_scale: DynamicLossScale | None = None) -> None:
        self.config = config
        self.schedule = schedule
        self.loss_scale = loss_scale
        self.variables: list = []
        self.slots: list[list] = []
        self.step = None
        self.local_sum = None  # a local_sum.LocalSum when the workers share one host
        self._compiled_update = None
        self._compiled_sum = None

    @property
    def slot_count(self) -> int:
        return 2 if self.config.name == "adamw" else (1 if self.config.momentum else 0)

    def build(self, variables: list) -> None:
        """Create the step counter and one or two zeroed slots per variable."""
        import tensorflow as tf

        self.variables = list(variables)
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="optimizer_step")
        self.slots = [
            [tf.Variable(tf.zeros(v.shape, v.dtype), trainable=False, name=f"slot{j}_{i}")
             for j in range(self.slot_count)]
            for i, v in enumerate(self.variables)
        ]
        self.decays = [self.config.decay_all or len(v.shape) > 1 for v in self.variables]
        if self.loss_scale is not None:
            self.loss_scale.build()

    def state_variables(self) -> list:
        """Everything a checkpoint must hold: the step, every slot, the loss scale."""
        scaling = self.loss_scale.state_variables() if self.loss_scale is not None else []
        return [self.step] + [slot for group in self.slots for slot in group] + scaling

    def apply(self, grads: list, stats=None, scale=None):
        """All-reduce, unscale, clip, update; returns ``stats`` summed over replicas (or None).

        ``stats`` (a small float32 vector, e.g. loss sum and correct count) travels in
        the same all-reduce as the gradients: one collective per step instead of two.
        With loss scaling, ``scale`` is the factor the loss was multiplied by, and two
        values are appended to the returned stats: 1.0 if the step was applied (0.0 if
        skipped for non-finite gradients) and ``scale``.
        """
        import tensorflow as tf

        context = tf.distribute.get_replica_context()
        extra = [] if stats is None else [tf.cast(stats, grads[0].dtype)]
        reduced = self._sum(context, list(grads) + extra)
        grads = reduced[:len(grads)]
        finite = None
        if self.loss_scale is not None:
            grads = [g / scale for g in grads]
            finite = tf.reduce_all(tf.stack([tf.reduce_all(tf.math.is_finite(g)) for g in grads]))
        if self.config.clip_norm:
            grads, _ = tf.clip_by_global_norm(grads, self.config.clip_norm)
        context.merge_call(self._apply_everywhere, args=(grads, finite))
        if not extra:
            return None
        if finite is None:
            return reduced[-1]
        return tf.concat([reduced[-1], tf.stack([tf.cast(finite, tf.float32), scale])], 0)

    def _sum(self, context, tensors: list) -> list:
        import tensorflow as tf

        if self.local_sum is None or any(t.dtype != tf.float32 for t in tensors):
            return context.all_reduce(tf.distribute.ReduceOp.SUM, tensors)
        if not tf.executing_eagerly():
            return self._local_sum_op(tensors)
        # Called from Python (eager mode): a numpy_function called eagerly copies every input
        # and output (ResNet-18, one worker: 61 CPU-ms per call); inside a compiled call it
        # shares their memory (10 CPU-ms, the sum's own copy).
        if self._compiled_sum is None:
            self._compiled_sum = tf.function(self._local_sum_op)
        return self._compiled_sum(tensors)

    def _local_sum_op(self, tensors: list) -> list:
        import tensorflow as tf

        summed = tf.numpy_function(lambda *arrays: self.local_sum(list(arrays)), tensors,
                                   [tf.float32] * len(tensors), stateful=True)
        for total, tensor in zip(summed, tensors, strict=True):
            total.set_shape(tensor.shape)
        return summed

    def _apply_everywhere(self, strategy, grads, finite) -> None:
        import tensorflow as tf

        if not tf.executing_eagerly():
            return self._update_everything(strategy, grads, finite)
        # Called from Python (eager mode): the update of every variable as one compiled call,
        # as a fused optimizer step would be (half the CPU time of one op per variable).
        if self._compiled_update is None:
            self._compiled_update = tf.function(
                lambda grads, finite: self._update_everything(strategy, grads, finite))
        return self._compiled_update(grads, finite)

    def _update_everything(self, strategy, grads, finite) -> None:
        import tensorflow as tf

        step = self.step.read_value()
        lr = self.schedule.tensor(step)

        def update_all():
            for var, grad, slots, decay in zip(self.variables, grads, self.slots, self.decays, strict=True):
                strategy.extended.update(var, self._update_one, args=(grad, lr, step + 1, decay, *slots),
                                         group=False)
            return tf.constant(True)

        if finite is None:
            update_all()
        else:
            # Every replica sees the same summed gradients, hence the same branch.
            tf.cond(finite, update_all, lambda: tf.constant(False))
            scale, good = self.loss_scale.next_values(finite)
            for var, value in zip(self.loss_scale.state_variables(), (scale, good), strict=True):
                strategy.extended.update(var, lambda v, x: v.assign(x), args=(value,), group=False)
        strategy.extended.update(self.step, lambda s: s.assign_add(1), group=False)

    def _update_one(self, var, grad, lr, t, decay, *slots):
        import tensorflow as tf

        c = self.config
        grad = tf.cast(grad, var.dtype)
        lr = tf.cast(lr, var.dtype)
        if c.name == "adamw":
            first, second = slots
            if decay and c.weight_decay:
                var.assign_sub(lr * c.weight_decay * var)
            first.assign(c.beta1 * first + (1.0 - c.beta1) * grad)
            second.assign(c.beta2 * second + (1.0 - c.beta2) * tf.square(grad))
            t = tf.cast(t, var.dtype)
            m_hat = first / (1.0 - tf.pow(c.beta1, t))
            v_hat = second / (1.0 - tf.pow(c.beta2, t))
            return var.assign_sub(lr * m_hat / (tf.sqrt(v_hat) + c.epsilon))
        if decay and c.weight_decay:
            grad = grad + c.weight_decay * var
        if not slots:
            return tf.raw_ops.ResourceApplyGradientDescent(var=var.handle, alpha=lr, delta=grad)
        # One fused kernel: accum = momentum * accum + grad; var -= lr * (accum, or
        # grad + momentum * accum with Nesterov): PyTorch's convention exactly.
        (velocity,) = slots
        return tf.raw_ops.ResourceApplyMomentum(
            var=var.handle, accum=velocity.handle, lr=lr, grad=grad,
            momentum=tf.constant(c.momentum, var.dtype), use_nesterov=c.nesterov)


# Peak learning rates at a global batch of 64, chosen on a development split held out of
# MNIST's training part (docs/train.md, "Defaults"); never on the validation numbers reported.
DEFAULT_LR = {"sgd": 0.03, "adamw": 0.003}
DEFAULT_LR_BATCH = 64


def peak_lr(name: str, lr: float | None, reference_batch: int | None, global_batch: int) -> float:
    """The schedule's peak: the recipe's ``lr`` (scaled by ``reference_batch`` when set) or the default.

    The default scales with the global batch: linearly for SGD, by the square root for AdamW.

    >>> peak_lr("sgd", None, None, 128), peak_lr("adamw", None, None, 256)
    (0.06, 0.006)
    >>> peak_lr("sgd", 0.1, 64, 128)
    0.2
    """
    if lr is not None:
        return lr * (global_batch / reference_batch if reference_batch else 1.0)
    ratio = global_batch / DEFAULT_LR_BATCH
    return DEFAULT_LR[name] * (ratio if name == "sgd" else math.sqrt(ratio))
