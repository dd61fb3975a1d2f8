"""Where one mstool training step spends its time: forward+backward, optimizer update, dispatch.

The local gradient sum's call (one worker, so the sum itself is one copy) is timed from
Python and inside a tf.function: what TensorFlow's conversions in and out of it cost.

One process, the built-in model on synthetic data, the loop's own step functions (op-by-op,
eager, graph) and their parts timed separately, interleaved over ``--repeats`` rounds
(median of the steps after a warm-up step), wall and CPU seconds (CPU time is the steadier
figure on a loaded machine). Threads from TF_NUM_INTRAOP_THREADS, as the loop sets them.

    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 .venv/bin/python \
        benchmarks/train/profile_step.py --batch 16 --steps 6 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _median_step(fn, steps: int) -> tuple[float, float]:
    """Median wall and CPU seconds (all threads of this process) per call, after one warm-up call."""
    fn()  # warm-up (tracing)
    walls, cpus = [], []
    for _ in range(steps):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def build(model_name: str, size: int, batch: int, mode: str):
    import numpy as np
    import tensorflow as tf

    from mstool.toolkit.train.models import build_model
    from mstool.toolkit.train.models.layers import normalization
    from mstool.toolkit.train.optim import Optimizer, OptimizerConfig, Schedule
    from mstool.toolkit.train.steps import make_train_step

    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with strategy.scope(), normalization("fused"):
        model = build_model(model_name, (size, size, 3), 10)
        optimizer = Optimizer(OptimizerConfig("sgd"), Schedule(0.01))
        optimizer.build([v.value for v in model.trainable_variables])
    rng = np.random.default_rng(0)
    images = tf.constant(rng.random((batch, size, size, 3), dtype=np.float32))
    labels = tf.constant(rng.integers(0, 10, batch))
    step = make_train_step(strategy, model, optimizer, classes=10, global_batch=batch, label_smoothing=0.0,
                           mode=mode, xla=False)
    return strategy, model, optimizer, step, images, labels


def parts(model_name: str, size: int, batch: int) -> dict:
    """Callables for each part of a step, eager and compiled."""
    import tempfile
    from pathlib import Path

    import tensorflow as tf

    from mstool.toolkit.train.local_sum import LocalSum
    from mstool.toolkit.train.steps import per_example_loss

    strategy, model, optimizer, ops_step, images, labels = build(model_name, size, batch, "op-by-op")
    graph_step = tf.function(ops_step)
    eager_step = build(model_name, size, batch, "eager")[3]
    variables = [v.value for v in model.trainable_variables]

    def forward_backward(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = tf.reduce_sum(per_example_loss(labels, logits, 10, 0.0)) / batch
        return tape.gradient(loss, variables)

    compiled_fb = tf.function(forward_backward)
    grads = compiled_fb(images, labels)

    def apply_eager():
        strategy.run(lambda: optimizer.apply(grads, tf.zeros(2)))

    apply_graph = tf.function(apply_eager)
    summer = LocalSum(Path(tempfile.mkdtemp()) / "sum", worker=0, workers=1)  # one worker: a copy

    def local_sum():
        return tf.numpy_function(lambda *arrays: summer(list(arrays)), grads, [tf.float32] * len(grads),
                                 stateful=True)

    compiled_sum = tf.function(local_sum)
    return {
        "op-by-op step": lambda: ops_step(images, labels).numpy(),
        "eager step": lambda: eager_step(images, labels).numpy(),
        "graph step": lambda: graph_step(images, labels).numpy(),
        "forward+backward, op by op": lambda: forward_backward(images, labels)[-1].numpy(),
        "forward+backward, tf.function": lambda: compiled_fb(images, labels)[-1].numpy(),
        "forward only, op by op": lambda: model(images, training=True).numpy(),
        "optimizer apply, from Python": lambda: (apply_eager(), optimizer.step.numpy()),
        "optimizer apply, tf.function": lambda: (apply_graph(), optimizer.step.numpy()),
        "local sum call, from Python": lambda: local_sum()[-1].numpy(),
        "local sum call, tf.function": lambda: compiled_sum()[-1].numpy(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="names of the parts to time")
    args = parser.parse_args()
    table = parts(args.model, args.size, args.batch)
    names = [n for n in table if args.only is None or n in args.only]
    found = {name: [] for name in names}
    for _ in range(args.repeats):
        for name in names:
            found[name].append(_median_step(table[name], args.steps))
    print(f"{args.model} {args.size}px batch {args.batch}, intra-op threads "
          f"{os.environ.get('TF_NUM_INTRAOP_THREADS', 'default')}, load {os.getloadavg()[0]:.2f}")
    print(f"{'part':34s} {'wall ms':>9s} {'CPU ms':>9s}  (CPU min-max over rounds)")
    for name in names:
        walls, cpus = zip(*found[name], strict=True)
        print(f"{name:34s} {statistics.median(walls) * 1e3:9.1f} {statistics.median(cpus) * 1e3:9.1f}  "
              f"({min(cpus) * 1e3:.1f}-{max(cpus) * 1e3:.1f})")


if __name__ == "__main__":
    main()
