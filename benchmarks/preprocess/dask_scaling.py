"""Images/s of mstool preprocess (YOLOv3 416 recipe) in-process and on Dask, same run, interleaved.

    .venv/bin/python benchmarks/preprocess/dask_scaling.py --images 2048 --repeats 3 \\
        | tee benchmarks/results/preprocess_dask/$(date +%Y%m%d-%H%M).txt

The COCO photos in ../shared/data/images are linked (or copied) under new names up to
--images. Every engine runs the same per-process work (--workers 1: one decode thread
beside the writing thread), so the ratios measure the engine, not thread counts:

- in-process: ``preprocess_images`` (today's engine);
- dask N (cold): ``preprocess_on_engine`` with ``--processes N``, the local cluster's
  start and stop included (what one command line costs);
- dask N (warm): the same tasks on an already running cluster of N worker processes
  (``--scheduler``), as on a long-lived cluster.

Printed: median images/s per engine, the Dask 1-process overhead against in-process
(target <= 5 %) and the 2-process speedup against 1 process (target >= 1.7x), with the
load average, since a busy machine cannot show either.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.io import load_recipe
from mstool.toolkit.preprocess.pipeline import PreprocessOptions, preprocess_images
from mstool.toolkit.preprocess.tasks import preprocess_on_engine
from mstool.toolkit.workers import EngineSpec

REPO = Path(__file__).resolve().parents[2]
COCO = REPO.parent / "shared" / "data" / "images" / "coco"
RECIPE = REPO / "recipes" / "yolov3_416.yaml"


def image_set(folder: Path, count: int) -> Path:
    """``count`` photos under ``folder``: the COCO set repeated, hard links where possible."""
    photos = sorted(COCO.glob("*.jpg"))
    if not photos:
        sys.exit(f"no photos in {COCO}")
    folder.mkdir()
    for k in range(count):
        source, target = photos[k % len(photos)], folder / f"{k:06d}-{photos[k % len(photos)].name}"
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    return folder


def timed(run: Callable[[Path], int], out: Path) -> float:
    start = time.perf_counter()
    images = run(out)
    seconds = time.perf_counter() - start
    out.unlink()
    for shard in out.parent.glob(f"{out.name}.shard-*"):
        shard.unlink()
    return images / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    from distributed import LocalCluster

    recipe = load_recipe(RECIPE, PreprocessRecipe, [])
    options = PreprocessOptions(workers=1, overwrite=True)
    work = Path(tempfile.mkdtemp(prefix="dask-scaling-"))
    try:
        photos = image_set(work / "photos", args.images)
        out = work / "out.h5"

        def in_process(path: Path) -> int:
            return preprocess_images([photos], path, recipe, options).images

        def on(engine: EngineSpec) -> Callable[[Path], int]:
            return lambda path: preprocess_on_engine([photos], path, recipe, options, engine).images

        clusters = {n: LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None,
                                    silence_logs=logging.ERROR,
                                    env={"NUMBA_NUM_THREADS": "1", "MSTOOL_CORES_PER_TASK": "1"})
                    for n in args.processes}
        engines: dict[str, Callable[[Path], int]] = {"in-process": in_process}
        for n in args.processes:
            engines[f"dask {n} (cold)"] = on(EngineSpec(processes=n))
            engines[f"dask {n} (warm)"] = on(EngineSpec(scheduler=clusters[n].scheduler_address))
        for name, run in engines.items():  # compile kernels, start caches: not timed
            if "cold" not in name:
                timed(run, out)
        rates: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(args.repeats):  # interleaved, so load changes hit every engine alike
            for name, run in engines.items():
                rates[name].append(timed(run, out))
        for cluster in clusters.values():
            cluster.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    print(f"# preprocess YOLOv3 416: {args.images} COCO photos, --workers 1 per process, "
          f"median of {args.repeats} interleaved runs; {os.cpu_count()} cores, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("| engine | images/s (median) | runs |")
    print("|---|---|---|")
    median = {name: statistics.median(values) for name, values in rates.items()}
    for name, values in rates.items():
        print(f"| {name} | {median[name]:.1f} | {', '.join(f'{v:.1f}' for v in values)} |")
    base = median["in-process"]
    for kind in ("cold", "warm"):
        one, two = median.get(f"dask 1 ({kind})"), median.get(f"dask 2 ({kind})")
        if one:
            print(f"dask 1 process ({kind}) overhead vs in-process: {100 * (base / one - 1):+.1f} % "
                  f"(target <= 5 %)")
        if one and two:
            print(f"dask 2 processes / 1 process ({kind}): {two / one:.2f}x (target >= 1.7x)")


if __name__ == "__main__":
    main()
