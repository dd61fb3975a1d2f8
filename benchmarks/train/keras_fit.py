"""Keras ``model.fit`` throughput, one process or N local workers, printing one JSON line.

The anchor for mstool's graph mode: TensorFlow's usual distributed path. The same ResNet
as mstool's (its builder, with Keras's own BatchNormalization layer), SGD with momentum
0.9 as torch_ddp.py, ``model.compile(steps_per_execution=K, jit_compile=...)`` and
``model.fit`` on a ``tf.data`` pipeline from memory; with ``--workers N`` under
MultiWorkerMirroredStrategy (TF_CONFIG on loopback ports, TF's collective all-reduce over
gRPC), each worker on ``threads / N`` intra-op threads and one inter-op thread, as the
mstool runs get. Step time: the executions after the first (which traces), divided by K;
CPU per step likewise, worker 0's process (all its threads).

    .venv/bin/python keras_fit.py --model resnet18 --size 32 --batch 32 --steps 12 --workers 2 \
        --steps-per-execution 4
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _patch_keras_reduce(strategy) -> None:
    """Keras 3.15 averages each step's logs across workers with ``strategy.reduce("MEAN", v, axis=0)``,
    which fails on a scalar loss under MultiWorkerMirroredStrategy; average scalars over ``axis=None``."""
    from keras.src.backend.tensorflow import trainer

    original = trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and trainer._collective_all_reduce_multi_worker(strategy):
            return trainer.tree.map_structure(
                lambda v: strategy.reduce("MEAN", v, axis=0 if v.shape.rank else None), values)
        return original(values, strategy, reduction)

    trainer.reduce_per_replica = reduce_per_replica


def _worker(args) -> None:
    import keras
    import numpy as np
    import tensorflow as tf

    from mstool.toolkit.train.models import build_model

    keras.config.disable_traceback_filtering()
    multi = args.workers > 1
    strategy = tf.distribute.MultiWorkerMirroredStrategy() if multi else tf.distribute.get_strategy()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    count = args.batch * 4
    images = rng.random((count, args.size, args.size, 3), dtype=np.float32)
    labels = rng.integers(0, 10, count)
    data = tf.data.Dataset.from_tensor_slices((images, labels)).repeat()
    data = data.batch(args.batch, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
    with strategy.scope():
        model = build_model(args.model, (args.size, args.size, 3), 10)
        model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      steps_per_execution=args.steps_per_execution,
                      jit_compile={"auto": "auto", "true": True, "false": False}[args.jit_compile])

    class Clock(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.ends: list[tuple[int, float]] = []

        def on_train_batch_end(self, batch, logs=None) -> None:
            self.ends.append((batch, time.perf_counter(), time.process_time()))

    if multi:
        _patch_keras_reduce(strategy)
        # Keras 3.15's fit() first reduces one distributed batch (x, y) with strategy.reduce, which
        # MultiWorkerMirroredStrategy refuses for a tuple (a ValueError before any step); build the
        # same state (optimizer slots, metrics) from one local batch instead, as fit() would.
        share = args.batch // args.workers
        with strategy.scope():
            model._symbolic_build(data_batch=(tf.constant(images[:share]), tf.constant(labels[:share])))
        model._maybe_symbolic_build = lambda *unused, **also_unused: None
    clock = Clock()
    model.fit(data, epochs=1, steps_per_epoch=args.steps, callbacks=[clock], verbose=0)
    pairs = list(zip(clock.ends, clock.ends[1:], strict=False))
    per_step = [(t1 - t0) / (b1 - b0) for (b0, t0, _), (b1, t1, _) in pairs]
    cpu_per_step = [(c1 - c0) / (b1 - b0) for (b0, _, c0), (b1, _, c1) in pairs]
    if int(os.environ.get("KERAS_FIT_INDEX", "0")) == 0:
        print(json.dumps({"step_times": per_step, "step_cpu": cpu_per_step, "executions": len(clock.ends)}),
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32, help="global batch")
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--steps-per-execution", type=int, default=4)
    parser.add_argument("--jit-compile", choices=["auto", "true", "false"], default="false")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    started = time.perf_counter()
    cluster = [f"127.0.0.1:{port}" for port in _free_ports(args.workers)]
    procs = []
    for index in range(args.workers):
        env = dict(os.environ, KERAS_FIT_INDEX=str(index), TF_CPP_MIN_LOG_LEVEL="2",
                   TF_NUM_INTRAOP_THREADS=str(max(1, args.threads // args.workers)),
                   TF_NUM_INTEROP_THREADS="1")
        if args.workers > 1:
            task = {"type": "worker", "index": index}
            env["TF_CONFIG"] = json.dumps({"cluster": {"worker": cluster}, "task": task})
        output = subprocess.PIPE if index == 0 else subprocess.DEVNULL
        procs.append(subprocess.Popen([sys.executable, __file__, *sys.argv[1:], "--worker"], env=env,
                                      stdout=output, text=True))
    output, _ = procs[0].communicate()
    codes = [proc.wait() for proc in procs]
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    found = json.loads([line for line in output.splitlines() if line.startswith("{")][-1])
    steady = found["step_times"] or [float("nan")]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"images_per_second": args.batch / statistics.median(steady),
                      "median_step_s": statistics.median(steady), "wall_s": time.perf_counter() - started,
                      "cpu_s": usage.ru_utime + usage.ru_stime, "executions": found["executions"],
                      "cpu_per_step_s": statistics.median(found["step_cpu"] or [float("nan")])}))


if __name__ == "__main__":
    main()
