"""Where a 2-worker mstool step loses time against one worker's compute: each phase, per worker.

Two worker processes (one intra-op and one inter-op thread each, as ``--workers 2`` runs
them) build the built-in model and run the loop's own step function (``--mode eager`` or
``graph``) on synthetic data, with the optimizer's local gradient sum swapped between
variants, interleaved over ``--repeats`` rounds:

- ``alone``: worker 0 steps while worker 1 waits (no sum): one worker's compute;
- ``side by side, no sum``: both step at once, the sum replaced by the identity
  (what the other process costs through shared caches and memory bandwidth);
- ``previous sum``: the shared-memory sum before the reduce-scatter change (each worker
  copies all its gradients in, waits, and sums every row into new arrays), kept here;
- ``sum``: ``local_sum.LocalSum`` as the loop uses it.

Per step: wall and CPU seconds of the process (all threads), and inside the sum each
phase in wall and thread-CPU seconds (publish = copy into the shared file, wait 1, reduce
= the sum of this worker's slice, wait 2, gather; previous: copy in, wait, sum). The
steady steps' median is printed per worker; the CPU figures are the ones to read on a
loaded machine.

    .venv/bin/python benchmarks/train/profile_workers.py --mode eager --steps 6 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

VARIANTS = ("alone", "side by side, no sum", "previous sum", "sum")


class PhaseClock:
    """Wall and thread-CPU seconds of named phases, per call."""

    def __init__(self) -> None:
        self.calls: list[dict[str, tuple[float, float]]] = []
        self._mark = None

    def start(self) -> None:
        self.calls.append({})
        self._mark = (time.perf_counter(), time.thread_time())

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        self.calls[-1][name] = (wall - self._mark[0], cpu - self._mark[1])
        self._mark = (wall, cpu)


def timed_local_sum(path: str, worker: int, workers: int):
    from mstool.toolkit.train.local_sum import LocalSum

    class TimedLocalSum(LocalSum):
        clock = PhaseClock()

        def __call__(self, arrays):
            sizes = [a.size for a in arrays]
            if self._sizes is None:
                self._open(sizes)
            self.calls += 1
            self.clock.start()
            self.publish(arrays)
            self.clock.lap("publish")
            self._arrive(2 * self.calls - 1)
            self.clock.lap("wait 1")
            self.reduce_own_slice(arrays)
            self.clock.lap("reduce")
            self._arrive(2 * self.calls)
            self.clock.lap("wait 2")
            out = self.gather(arrays)
            self.clock.lap("gather")
            return out

    return TimedLocalSum(path, worker, workers)


def previous_local_sum(path: str, worker: int, workers: int):
    """The sum as it was before the reduce-scatter change: one wait, every worker sums every row."""
    import numpy as np

    from mstool.toolkit.train.local_sum import LocalSum

    class PreviousLocalSum(LocalSum):
        clock = PhaseClock()

        def _wait(self, ready, what: str) -> None:
            while not ready():
                time.sleep(5e-5)

        def _open_rows(self, total: int) -> None:
            words = 64 + 2 * self.workers * total
            if self.worker == 0:
                self._create(words)
            else:
                self._wait(lambda: self.path.exists() and self.path.stat().st_size == words * 4, "the file")
            self._map = np.memmap(self.path, np.float32, "r+", shape=(words,))
            self._flags = self._map[:64].view(np.int32)
            self._all_rows = self._map[64:].reshape(2, self.workers, total)

        def __call__(self, arrays):
            sizes = [a.size for a in arrays]
            if self._sizes is None:
                self._sizes = sizes
                self._open_rows(sum(sizes))
            self.calls += 1
            self.clock.start()
            rows = self._all_rows[self.calls % 2]
            offsets = np.concatenate([[0], np.cumsum(sizes)])
            for array, start, end in zip(arrays, offsets[:-1], offsets[1:], strict=True):
                rows[self.worker, start:end] = array.reshape(-1)
            self.clock.lap("copy in")
            self._flags[self.worker] = self.calls
            self._wait(lambda: int(self._flags[:self.workers].min()) >= self.calls, "the other workers")
            self.clock.lap("wait")
            summed = []
            for array, start, end in zip(arrays, offsets[:-1], offsets[1:], strict=True):
                total = rows[0, start:end].copy()
                for other in range(1, self.workers):
                    total += rows[other, start:end]
                summed.append(total.reshape(array.shape))
            self.clock.lap("sum")
            return summed

    return PreviousLocalSum(path, worker, workers)


class Identity:
    clock = PhaseClock()

    def __call__(self, arrays):
        return arrays


def _worker(index: int, workers: int, args, folder: str, barrier, out) -> None:
    os.environ.update(TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", TF_CPP_MIN_LOG_LEVEL="2")
    import numpy as np
    import tensorflow as tf

    from mstool.toolkit.train.models import build_model
    from mstool.toolkit.train.models.layers import normalization
    from mstool.toolkit.train.optim import Optimizer, OptimizerConfig, Schedule
    from mstool.toolkit.train.steps import make_train_step

    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with strategy.scope(), normalization("fused"):
        model = build_model(args.model, (args.size, args.size, 3), 10)
        optimizer = Optimizer(OptimizerConfig("sgd"), Schedule(0.01))
        optimizer.build([v.value for v in model.trainable_variables])
    rng = np.random.default_rng(index)
    images = tf.constant(rng.random((args.batch, args.size, args.size, 3), dtype=np.float32))
    labels = tf.constant(rng.integers(0, 10, args.batch))
    sums = {"alone": Identity(), "side by side, no sum": Identity(),
            "previous sum": previous_local_sum(f"{folder}/previous", index, workers),
            "sum": timed_local_sum(f"{folder}/sum", index, workers)}
    steps = {}
    for name in VARIANTS:  # trace each variant's step (graph mode), warm every sum's file
        optimizer.local_sum = sums[name]
        steps[name] = make_train_step(strategy, model, optimizer, classes=10,
                                      global_batch=args.batch * workers, label_smoothing=0.0,
                                      mode=args.mode, xla=False)
        if name != "alone" or index == 0:
            steps[name](images, labels).numpy()
    found = {name: [] for name in VARIANTS}
    for _ in range(args.repeats):
        for name in VARIANTS:
            barrier.wait()
            if name == "alone" and index != 0:
                barrier.wait()
                continue
            optimizer.local_sum = sums[name]
            sums[name].clock.calls.clear()
            for _ in range(args.steps):
                wall, cpu = time.perf_counter(), time.process_time()
                steps[name](images, labels).numpy()
                found[name].append({"step": (time.perf_counter() - wall, time.process_time() - cpu)})
            for record, phases in zip(found[name][-args.steps:], sums[name].clock.calls, strict=False):
                record.update(phases)
            barrier.wait()
    out.put((index, found))


def _median_table(records: list[dict]) -> dict[str, tuple[float, float]]:
    names = list(dict.fromkeys(key for record in records for key in record))
    return {name: (statistics.median(r[name][0] for r in records if name in r),
                   statistics.median(r[name][1] for r in records if name in r)) for name in names}


def main() -> None:
    import multiprocessing

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=16, help="per worker")
    parser.add_argument("--steps", type=int, default=6, help="timed steps per variant and round")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mode", choices=["eager", "graph"], default="eager")
    parser.add_argument("--json", help="also write the medians here")
    args = parser.parse_args()
    workers = 2
    load = os.getloadavg()
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(workers), context.Queue()
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as folder:
        procs = [context.Process(target=_worker, args=(w, workers, args, folder, barrier, out))
                 for w in range(workers)]
        for proc in procs:
            proc.start()
        results = dict(out.get(timeout=3600) for _ in procs)
        for proc in procs:
            proc.join(timeout=60)
    print(f"{args.model} {args.size}px, {workers} workers x batch {args.batch}, --mode {args.mode}, "
          f"{args.steps} steps x {args.repeats} rounds, load {load[0]:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"{'variant':24s} {'worker':>6s} {'phase':>10s} {'wall ms':>9s} {'CPU ms':>9s}")
    medians = {}
    for name in VARIANTS:
        for worker in range(workers):
            records = results[worker][name]
            if not records:
                continue
            table = _median_table(records)
            medians[f"{name} / worker {worker}"] = table
            for phase, (wall, cpu) in table.items():
                print(f"{name:24s} {worker:6d} {phase:>10s} {wall * 1e3:9.1f} {cpu * 1e3:9.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "load_before": load,
                                               "load_after": os.getloadavg(), "medians_s": medians},
                                              indent=1))


if __name__ == "__main__":
    main()
