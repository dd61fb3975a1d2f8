"""The per-replica training and evaluation steps in the loop's three modes.

``graph``: the whole step (forward, backward, gradient sum, update) is one tf.function,
optionally XLA-compiled. ``eager``: Python dispatches each step like a PyTorch loop: the
model's forward and backward pass run as one compiled function (traced on the first step),
the gradient sum and the optimizer update are called from Python. ``op-by-op``: every
TensorFlow op is dispatched from Python (TF eager execution), for stepping through a
model's code in a debugger; the slowest.

The loss is the sum of per-example losses divided by the GLOBAL batch, so the
all-reduced (summed) gradients equal those of one device on the whole batch.
"""

from __future__ import annotations


def per_example_loss(labels, logits, classes: int, label_smoothing: float, probabilities: bool = False):
    """Softmax cross-entropy with label smoothing, in float32, one value per example.

    ``probabilities``: the model ends in a softmax (a user's model), so ``logits`` are probabilities.
    """
    import tensorflow as tf

    logits = tf.cast(logits, tf.float32)
    target = tf.one_hot(labels, classes, dtype=tf.float32)
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + label_smoothing / classes
    log_p = tf.math.log(tf.clip_by_value(logits, 1e-7, 1.0)) if probabilities else tf.nn.log_softmax(logits)
    return -tf.reduce_sum(target * log_p, axis=-1)


def make_train_step(strategy, model, optimizer, *, classes: int, global_batch: int,
                    label_smoothing: float, mode: str, xla: bool, probabilities: bool = False):
    """A function ``(images, labels) -> [loss_sum, correct]`` summed over all replicas.

    ``mode``: ``graph``, ``eager`` or ``op-by-op`` (see the module's docstring).

    With the optimizer's dynamic loss scale (``mixed_float16``) the loss is multiplied
    by the scale before the backward pass, and ``[applied, scale]`` follow in the result.
    """
    import tensorflow as tf

    variables = [v.value for v in model.trainable_variables]
    loss_scale = optimizer.loss_scale

    def forward_backward(images, labels, scale):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            losses = per_example_loss(labels, logits, classes, label_smoothing, probabilities)
            loss = tf.reduce_sum(losses) / global_batch
            if scale is not None:
                loss = loss * scale
        grads = tape.gradient(loss, variables)
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, -1), labels), tf.float32))
        return grads, tf.stack([tf.reduce_sum(losses), correct])

    if xla:
        forward_backward = tf.function(forward_backward, jit_compile=True)
    elif mode == "eager" and not _synchronized_batch_norm(model):
        # TF's op-by-op kernels are the cost of eager execution (Python is a few % of
        # it): ResNet-18 ran its forward+backward 30 % slower op by op than compiled.
        # Synchronized batch norm's all-reduce fails inside a function compiled apart from
        # the strategy's step (a RuntimeError from the layer): those models run op by op.
        forward_backward = tf.function(forward_backward)

    def replica_step(images, labels):
        scale = loss_scale.scale.read_value() if loss_scale is not None else None
        grads, stats = forward_backward(images, labels, scale)
        return optimizer.apply(grads, stats, scale)

    def step(images, labels):
        results = strategy.run(replica_step, args=(images, labels))
        return strategy.experimental_local_results(results)[0]

    return tf.function(step) if mode == "graph" else step


def _synchronized_batch_norm(model) -> bool:
    return any(getattr(layer, "synchronized", False) for layer in model._flatten_layers())


def make_eval_batch(model, *, classes: int, mode: str, probabilities: bool = False):
    """A function ``(images, labels) -> [loss_sum, correct, count]`` on this worker's copy."""
    import tensorflow as tf

    def evaluate(images, labels):
        logits = model(images, training=False)
        losses = per_example_loss(labels, logits, classes, 0.0, probabilities)
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, -1), labels), tf.float64))
        count = tf.cast(tf.shape(labels)[0], tf.float64)
        return tf.stack([tf.reduce_sum(tf.cast(losses, tf.float64)), correct, count])

    return evaluate if mode == "op-by-op" else tf.function(evaluate)


def sum_across_workers(strategy, values):
    """Sum a small float64 vector over workers (each worker contributes once)."""
    import tensorflow as tf

    values = tf.constant(values, tf.float64)

    def contribute():
        context = tf.distribute.get_replica_context()
        first = tf.cast(tf.equal(context.replica_id_in_sync_group % _local_replicas(strategy), 0), tf.float64)
        return values * first

    per_replica = strategy.run(contribute)
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None).numpy()


def _local_replicas(strategy) -> int:
    return max(1, len(strategy.extended.worker_devices))
