"""What writing the ``images`` artifact costs: raw chunk writes against HDF5 chunk writes.

    .venv/bin/python benchmarks/preprocess/write_path.py --images 256 --repeats 3

Runs ``preprocess_images`` on the COCO photos (yolov3_416: 2 MB float32 per image) with
the two write paths interleaved, and prints wall and CPU time per image, how long the
atomic writer's final ``fsync`` took, and how many chunks went out with ``O_DIRECT``.
Set BENCH_TMP to put the files on another disk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.io import atomic, load_recipe
from mstool.toolkit.preprocess import chunkio
from mstool.toolkit.preprocess.pipeline import PreprocessOptions, preprocess_images

REPO = Path(__file__).resolve().parents[2]
COCO = REPO.parent / "shared" / "data" / "images" / "coco"
PROBE = {"fsync": 0.0, "direct": 0}


def probe() -> None:
    """Time the atomic writer's fsync and count direct chunk writes."""
    fsync, close = atomic.fsync_path, chunkio.RawChunkWriter.close

    def timed_fsync(path):
        start = time.perf_counter()
        fsync(path)
        PROBE["fsync"] += time.perf_counter() - start

    def counted_close(self):
        PROBE["direct"] += self.direct_writes
        self.direct_writes = 0
        close(self)

    atomic.fsync_path = timed_fsync
    chunkio.RawChunkWriter.close = counted_close


def run(files: list[Path], recipe: PreprocessRecipe, out: Path, raw: bool, workers: int) -> dict:
    out.unlink(missing_ok=True)
    os.sync()  # the previous run's dirty pages are not this run's cost
    PROBE.update(fsync=0.0, direct=0)
    start, cpu = time.perf_counter(), time.process_time()
    preprocess_images(files, out, recipe, PreprocessOptions(workers=workers, raw_writes=raw))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    n = len(files)
    return {"wall_ms": 1e3 * wall / n, "cpu_ms": 1e3 * cpu / n, "fsync_ms": 1e3 * PROBE["fsync"] / n,
            "direct": PROBE["direct"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--recipe", default="yolov3_416")
    args = parser.parse_args()
    photos = sorted(COCO.glob("*.jpg"))
    if not photos:
        print(f"no COCO images at {COCO}")
        return 2
    files = [photos[i % len(photos)] for i in range(args.images)]
    recipe = load_recipe(REPO / "recipes" / f"{args.recipe}.yaml", PreprocessRecipe)
    probe()
    print(f"load average before: {os.getloadavg()}")
    results: dict[str, list[dict]] = {"raw pwrite (O_DIRECT when aligned)": [], "HDF5 write_direct_chunk": []}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        run(files[:8], recipe, Path(tmp) / "warm.h5", True, args.workers)
        for _ in range(args.repeats):
            for name, raw in zip(results, (True, False), strict=True):
                results[name].append(run(files, recipe, Path(tmp) / "out.h5", raw, args.workers))
    print(f"\n{args.recipe}, {args.images} images, {args.workers} workers, median of {args.repeats}\n")
    print("| write path | wall ms/image | CPU ms/image | final fsync (wall ms/image) | O_DIRECT chunks |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"| {name} | {med['wall_ms']:.2f} | {med['cpu_ms']:.2f} | {med['fsync_ms']:.2f} "
              f"| {int(med['direct'])} |")
    print(f"\nload average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
