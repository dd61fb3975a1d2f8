"""Input speed: the same images as an ``images`` HDF5 artifact and as an ``.npz``, same model.

Writes N synthetic 32x32x3 uint8 images both ways (the artifact as ``mstool preprocess``
writes it: one image per chunk, uncompressed), then for each input measures, median of
``--repeats`` runs:

- ``read img/s``: one epoch of the tf.data pipeline alone (shuffle, shard, read, batch; for
  the in-memory artifact this includes reading it into memory, the .npz is loaded before);
- ``train img/s``: ``mstool train`` (small CNN, graph mode) in this process, the loop's own
  figure (global batch / median step time);
- ``loop img/s``: the same run timed from the end of its first step to the end of its last
  (wall clock, so waits for data count; model build and tracing do not).

Rows: ``.npz``; the artifact read whole into memory (the default within
``data.memory_budget_mb``); the artifact streamed through the block cache (a budget of
half the data, shuffle buffer 1024: the window fits);
and the previous reader (h5py fancy indexing per batch), for comparison.

    .venv/bin/python benchmarks/train/hdf5_input.py --count 4096 --steps 48 --repeats 3

With ``--workers N`` (N > 1) it instead launches ``mstool train`` on N local workers for
each input, interleaved, and reports the run's own images/s (global batch / median step
time) and the launch's wall time: ``.npz``; the artifact with ``data.shards: N`` (each
worker reads only its own chunk ranges); the artifact without shards (every worker reads
the whole file into memory).

    .venv/bin/python benchmarks/train/hdf5_input.py --workers 2 --count 4096 --steps 48 --repeats 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass
class FancyIndexSource:
    """The reader before the block cache: h5py fancy indexing on the sorted unique indices."""

    base: object

    def __getattr__(self, name):
        return getattr(self.base, name)

    def read(self, indices: np.ndarray):
        import h5py

        if getattr(self, "_h5", None) is None:
            self._h5 = h5py.File(self.base.path, "r")
        order = np.argsort(indices)
        unique, inverse = np.unique(indices[order], return_inverse=True)
        block = self._h5["images"][unique][inverse]
        images = np.empty_like(block)
        images[order] = block
        images = images.astype(np.float32) * np.float32(self.base.scale)
        return np.ascontiguousarray(images), self.base.labels[indices]


def write_data(folder: Path, count: int, size: int) -> tuple[Path, Path]:
    from mstool.schemas.images import ImagesMeta
    from mstool.toolkit.io import write_artifact

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (count, size, size, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, count)
    npz = folder / "data.npz"
    np.savez(npz, x=images, y=labels)
    artifact = folder / "data.h5"
    meta = ImagesMeta(count=count, height=size, width=size, channels=3, layout="HWC", dtype="uint8",
                      value_range=(0.0, 1.0))
    with write_artifact(artifact, meta) as art:
        art.h5.create_dataset("images", data=images, chunks=(1, size, size, 3))
        art.h5.create_dataset("labels", data=labels.astype(np.int64))
    return npz, artifact


def open_input(kind: str, npz: Path, artifact: Path):
    from mstool.toolkit.train.sources import open_source

    if kind == ".npz":
        return open_source(npz)
    if kind == "HDF5, in memory":
        return open_source(artifact)
    if kind.startswith("HDF5, streamed"):
        return open_source(artifact, budget_bytes=artifact.stat().st_size // 2)
    return FancyIndexSource(open_source(artifact))


def read_rate(source, batch: int, shuffle_buffer: int) -> float:
    from mstool.toolkit.train.pipeline import steps_per_epoch, train_dataset

    steps = steps_per_epoch(source.count, batch)
    started = time.perf_counter()
    for _ in train_dataset(source, epoch=0, seed=0, per_worker_batch=batch, steps=steps,
                           shuffle_buffer=shuffle_buffer):
        pass
    return steps * batch / (time.perf_counter() - started)


def train_rates(source, args, out: Path) -> tuple[float, float]:
    from mstool.schemas.train import TrainRecipe
    from mstool.toolkit.train import loop

    class StepClock(loop.Events):
        def __init__(self) -> None:
            self.times: list[float] = []

        def step(self, record: dict) -> None:
            self.times.append(time.perf_counter())

    recipe = TrainRecipe(
        data={"train": "unused.npz", "val_split": 0.0, "shuffle_buffer": args.shuffle_buffer},
        model={"name": "small_cnn", "width": args.width},
        optimizer={"name": "sgd", "lr": 0.01, "schedule": "constant"},
        run={"batch_size": args.batch, "max_steps": args.steps, "mode": "graph", "seed": 0})
    original, clock = loop.open_source, StepClock()
    loop.open_source = lambda path, budget=None: source
    try:
        summary = loop.train(recipe, out, events=clock, export=False)
    finally:
        loop.open_source = original
    loop_rate = (len(clock.times) - 1) * args.batch / (clock.times[-1] - clock.times[0])
    return summary.images_per_second, loop_rate


WORKER_KINDS = (".npz", "HDF5, data.shards = workers", "HDF5, no shards (whole file each)")


def worker_rate(kind: str, npz: Path, artifact: Path, args, out: Path) -> tuple[float, float]:
    """``(images/s, wall seconds)`` of one ``--workers`` launch on this input."""
    from mstool.schemas.train import TrainRecipe
    from mstool.toolkit.train.launcher import launch_local

    data = {"train": str(npz if kind == ".npz" else artifact), "val_split": 0.0,
            "shuffle_buffer": args.shuffle_buffer}
    if "shards" in kind and "no shards" not in kind:
        data["shards"] = args.workers
    recipe = TrainRecipe(
        data=data, model={"name": "small_cnn", "width": args.width},
        optimizer={"name": "sgd", "lr": 0.01, "schedule": "constant"},
        run={"batch_size": args.batch, "max_steps": args.steps, "mode": "graph", "seed": 0})
    started = time.perf_counter()
    summary = launch_local(recipe, out, args.workers, export=False)
    return summary.images_per_second, time.perf_counter() - started


def main_workers(args, npz: Path, artifact: Path, tmp: Path) -> None:
    rows = {kind: ([], []) for kind in WORKER_KINDS}
    for repeat in range(args.repeats):  # interleaved, so load changes hit every input alike
        for number, kind in enumerate(WORKER_KINDS):
            rate, wall = worker_rate(kind, npz, artifact, args, tmp / f"workers-{repeat}-{number}")
            rows[kind][0].append(rate)
            rows[kind][1].append(wall)
    print(f"\n{args.count} images {args.size}x{args.size}x3 uint8, small CNN width {args.width}, "
          f"{args.workers} workers, global batch {args.batch}, {args.steps} steps, median of {args.repeats}; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} (shared machine)")
    base = statistics.median(rows[".npz"][0])
    print(f"{'input':36s} {'train img/s':>12s} {'wall s':>7s} {'vs .npz':>8s}")
    for kind in WORKER_KINDS:
        rate, wall = (statistics.median(values) for values in rows[kind])
        print(f"{kind:36s} {rate:12.0f} {wall:7.1f} {rate / base:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4096)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=48)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--width", type=int, default=32, help="small CNN width (32: the default model)")
    parser.add_argument("--shuffle-buffer", type=int, default=1024)
    parser.add_argument("--skip-streamed", action="store_true",
                        help="leave out the streamed row (when the shuffle window exceeds its cache)")
    parser.add_argument("--workers", type=int, default=1, help="> 1: launch this many local workers per run")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="train-hdf5-bench-"))
    npz, artifact = write_data(tmp, args.count, args.size)
    if args.workers > 1:
        main_workers(args, npz, artifact, tmp)
        return
    kinds = [".npz", "HDF5, in memory", "HDF5, streamed (half in cache)", "HDF5, previous reader"]
    if args.skip_streamed:
        kinds.remove("HDF5, streamed (half in cache)")
    rows = {kind: ([], [], []) for kind in kinds}
    # warm-up: TensorFlow start, tracing
    read_rate(open_input(".npz", npz, artifact), args.batch, args.shuffle_buffer)
    train_rates(open_input(".npz", npz, artifact), args, tmp / "warm-up")
    for repeat in range(args.repeats):  # interleaved, so load changes hit every input alike
        for kind in kinds:
            reads, trains, ends = rows[kind]
            reads.append(read_rate(open_input(kind, npz, artifact), args.batch, args.shuffle_buffer))
            step_rate, end_rate = train_rates(open_input(kind, npz, artifact), args,
                                              tmp / f"run-{repeat}-{kinds.index(kind)}")
            trains.append(step_rate)
            ends.append(end_rate)
    print(f"\n{args.count} images {args.size}x{args.size}x3 uint8, small CNN width {args.width}, "
          f"batch {args.batch}, "
          f"{args.steps} steps, shuffle buffer {args.shuffle_buffer}, median of {args.repeats}; "
          f"{os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f} (shared machine)")
    base = [statistics.median(values) for values in rows[".npz"]]
    print(f"{'input':30s} {'read img/s':>11s} {'train img/s':>12s} {'loop img/s':>11s} "
          f"{'vs .npz (loop)':>15s}")
    for kind in kinds:
        read, train, end = (statistics.median(values) for values in rows[kind])
        print(f"{kind:30s} {read:11.0f} {train:12.0f} {end:11.0f} {end / base[2]:15.2f}")


if __name__ == "__main__":
    main()
