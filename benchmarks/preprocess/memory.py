"""Peak memory of ``mstool preprocess`` against the number of images (it should stay flat).

    .venv/bin/python benchmarks/preprocess/memory.py --counts 1000 10000
    .venv/bin/python benchmarks/preprocess/memory.py --counts 1000 --dtype float32

Builds a folder of symlinks repeating the COCO photos, runs the CLI in a subprocess for
each count and prints the child's peak RSS (ru_maxrss). The YOLOv3 letterbox is used with
uint8 output (no normalize) by default so 10,000 images fit on disk (5 GB; its 519,168-byte
chunks are written through the page cache); ``--dtype float32`` runs the recipe as shipped
(2 MB chunks, written with ``O_DIRECT``).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COCO = REPO.parent / "shared" / "data" / "images" / "coco"


def peak_rss_mib(count: int, workers: int, scratch: Path, dtype: str) -> tuple[float, float]:
    photos = sorted(COCO.glob("*.jpg"))
    folder = scratch / f"set{count}"
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:06d}.jpg").symlink_to(photos[i % len(photos)])
    out = scratch / f"out{count}.h5"
    mstool = Path(sys.executable).with_name("mstool")
    command = [str(mstool), "--quiet", "preprocess", str(folder), "-o", str(out),
               "--recipe", str(REPO / "recipes" / "yolov3_416.yaml"), "--workers", str(workers)]
    if dtype == "uint8":
        command += ["--set", "output.dtype=uint8", "--set", "ops=[{op: letterbox, size: 416}]"]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.unlink()
    if peak < before:
        raise RuntimeError("peak RSS went down; run one count per process")
    return peak / 1024, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dtype", choices=["uint8", "float32"], default="uint8")
    args = parser.parse_args()
    print("| images | peak RSS (MiB) | seconds |\n|---:|---:|---:|")
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as scratch:
        for count in sorted(args.counts):  # ru_maxrss of children is a running maximum
            rss, seconds = peak_rss_mib(count, args.workers, Path(scratch), args.dtype)
            print(f"| {count} | {rss:.0f} | {seconds:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
