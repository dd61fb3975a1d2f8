"""Images/s of mstool preprocess (YOLOv3 416 recipe) in-process and on Dask, interleaved, via runner.py.

    .venv/bin/python benchmarks/preprocess/dask_scaling.py --images 1024 4096 --repeats 3
    .venv/bin/python benchmarks/preprocess/dask_scaling.py --images 4096 --processes 1 2 4 8 16  # 16 cores

The COCO photos in ../shared/data/images/coco are linked under new names up to each
``--images`` count. Two kinds of engine, each timed by benchmarks/runner.py in its own
process, interleaved (A, B, C, A, B, C, ...), every run writing the same artifact:

- **command** (what a user waits for): ``mstool preprocess PHOTOS -o OUT -r yolov3_416.yaml``
  run as a fresh process, wall from the command's start to its exit: Python start, imports,
  Numba's cache load, the local cluster's start and stop, the shard tasks and the merge.
  ``in-process -w1``, ``dask 1 -w1``, ``dask 2 -w1`` give every process one decode thread
  (``--workers 1``), so the 2/1 ratio measures the engine on equal work per process;
  ``in-process`` and ``dask 1`` without ``-w1`` are the defaults (one process, all cores).
- **steady** (a long-lived cluster): ``preprocess_on_engine`` from a warm process on an
  already running local cluster (``--scheduler``), workers' kernels loaded; no start-up.

Printed by the runner: median wall, CPU (a command row's includes its forkserver and
workers: this process adopts and waits for them), ratios to ``in-process -w1``; then CPU
seconds by process (command; forkserver + workers), images/s, the
Dask 1-process overhead against in-process (target <= 5 %) and the 2-process speed-up
against 1 process (target >= 1.7x) per kind. The 2-process figure needs 2 idle cores:
the load average is recorded, and a run under load is not a claim.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COCO = REPO.parent / "shared" / "data" / "images" / "coco"
RECIPE = REPO / "recipes" / "yolov3_416.yaml"
MSTOOL = Path(sys.executable).with_name("mstool")
MAX_PROCESSES = 64
COMMANDS = {  # engine name -> extra command-line options
    "in-process -w1": ["--workers", "1"],
    **{f"dask {n} -w1": ["--workers", "1", "--processes", str(n)] for n in range(1, MAX_PROCESSES + 1)},
    "in-process": [],
    "dask 1": ["--processes", "1"],
}
STEADY = {f"steady dask {n} -w1": n for n in range(1, MAX_PROCESSES + 1)}
DEFAULT_ENGINES = ["in-process -w1", "dask 1 -w1", "dask 2 -w1", "in-process", "dask 1",
                   "steady dask 1 -w1", "steady dask 2 -w1"]


def image_set(folder: Path, count: int) -> Path:
    """``count`` photos under ``folder``: the COCO set repeated, hard links where possible."""
    photos = sorted(COCO.glob("*.jpg"))
    if not photos:
        sys.exit(f"no photos in {COCO}")
    folder.mkdir(parents=True)
    for k in range(count):
        source = photos[k % len(photos)]
        target = folder / f"{k:06d}-{source.name}"
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    return folder


def _clear(out: Path) -> None:
    for path in out.parent.glob(f"{out.name}*"):
        path.unlink()


def _digest(out: Path):
    """After the clock stops: count, every 16th image's bytes and the sources, hashed; then the
    output and its shards are removed (8.5 GB per engine at 4,096 images)."""
    def compute() -> dict:
        import h5py

        with h5py.File(out) as h5:
            images = h5["images"]
            sample = hashlib.sha256()
            for index in range(0, images.shape[0], 16):
                sample.update(images[index].tobytes())
            sources = hashlib.sha256("\n".join(s.decode() for s in h5["source"][()]).encode())
            digest = {"count": int(images.shape[0]), "pixels": sample.hexdigest()[:16],
                      "sources": sources.hexdigest()[:16]}
        _clear(out)
        return digest
    return compute


def _become_subreaper() -> None:
    """Adopt this process's orphaned descendants (Linux), so their CPU time is counted here.

    A local cluster's workers are forked by a forkserver that outlives the command by a
    moment; as a subreaper this process waits for it, and the runner's CPU column (this
    process and its waited-for children) then holds the workers' time too.
    """
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _adopted_cpu() -> dict:
    """Wait for the orphans the command left (its forkserver, Python's resource tracker), which
    exit as it does; their CPU seconds (a forkserver's include its workers') by kind."""
    cpu = {"forkserver + workers": 0.0, "other": 0.0}
    for proc in Path("/proc").iterdir():
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (proc / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid != os.getpid():
            continue
        with contextlib.suppress(ChildProcessError):
            _, _, usage = os.wait4(int(proc.name), 0)
            cpu["forkserver + workers" if b"forkserver" in command else "other"] += (
                usage.ru_utime + usage.ru_stime)
    return cpu


def command_engine(photos: str, out_dir: str, engine: str) -> dict:
    """The whole command in a fresh process, as a user runs it; CPU includes its workers."""
    out = Path(out_dir) / f"{engine.replace(' ', '_')}.h5"
    argv = [str(MSTOOL), "preprocess", photos, "-o", str(out), "-r", str(RECIPE), "--json",
            *COMMANDS[engine]]
    _become_subreaper()
    last: dict = {}

    def run():
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, argv)
        last.clear()
        last.update(command=usage.ru_utime + usage.ru_stime, **_adopted_cpu())
        return _digest(out)

    return {"run": run, "before": lambda: _clear(out), "settings": {"argv": argv[1:]},
            "metrics": lambda: {"cpu_by_process": dict(last)}}


def steady_engine(photos: str, out_dir: str, engine: str) -> dict:
    """Tasks on a local cluster that keeps running between calls (kernels already loaded)."""
    import dask.config
    from distributed import LocalCluster

    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.io import load_recipe
    from mstool.toolkit.preprocess.pipeline import PreprocessOptions
    from mstool.toolkit.preprocess.tasks import preprocess_on_engine
    from mstool.toolkit.workers import CORES_ENV, LOCAL_WORKER_CONFIG, EngineSpec

    processes = STEADY[engine]
    cores = str(max(1, (os.cpu_count() or 1) // processes))
    with dask.config.set(LOCAL_WORKER_CONFIG):  # as the command's own cluster: no profiler
        cluster = LocalCluster(n_workers=processes, threads_per_worker=1, dashboard_address=None,
                               silence_logs=logging.ERROR,
                               env={"NUMBA_NUM_THREADS": cores, CORES_ENV: cores})
    recipe = load_recipe(RECIPE, PreprocessRecipe, [])
    options = PreprocessOptions(workers=1, overwrite=True)
    spec = EngineSpec(scheduler=cluster.scheduler_address)
    out = Path(out_dir) / f"{engine.replace(' ', '_')}.h5"

    def run():
        preprocess_on_engine([Path(photos)], out, recipe, options, spec)
        return _digest(out)

    return {"run": run, "before": lambda: _clear(out), "settings": {"processes": processes}}


def ratios(record: dict) -> None:
    """images/s per engine, and the two targets of issue #21 per kind."""
    for case in record["cases"]:
        count = case["units"]
        rate = {name: count / entry["wall_stats"]["median"]
                for name, entry in case["engines"].items() if "wall_stats" in entry}
        print(f"\n[{case['label']}] images/s (median): "
              + ", ".join(f"{name} {value:.1f}" for name, value in rate.items()))
        pairs = [("command", "in-process -w1", "dask 1 -w1", "dask 2 -w1"),
                 ("command, all cores", "in-process", "dask 1", None),
                 ("steady", None, "steady dask 1 -w1", "steady dask 2 -w1")]
        for kind, base, one, two in pairs:
            if base in rate and one in rate:
                overhead = 100 * (rate[base] / rate[one] - 1)
                print(f"  {kind}: dask 1 process overhead vs in-process {overhead:+.1f} % (target <= 5 %)")
            if one in rate and two in rate:
                print(f"  {kind}: dask 2 processes / 1 process {rate[two] / rate[one]:.2f}x (target >= 1.7x)")
        for name, entry in case["engines"].items():
            runs = [m["cpu_by_process"] for m in entry.get("metrics", []) if "cpu_by_process" in m]
            if runs:
                parts = {part: sorted(run[part] for run in runs)[len(runs) // 2] for part in runs[0]}
                print(f"  CPU s by process, {name} (median): "
                      + ", ".join(f"{part} {value:.2f}" for part, value in parts.items()))
        for prefix, kind in (("dask", "command"), ("steady dask", "steady")):
            curve = {int(name.split()[-2]): value for name, value in rate.items()
                     if name.startswith(prefix + " ") and name.endswith("-w1")}
            if len(curve) > 2 and 1 in curve:
                print(f"  {kind} curve, N processes / 1 process: "
                      + ", ".join(f"{n}: {curve[n] / curve[1]:.2f}x" for n in sorted(curve)))


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, nargs="+", default=[1024, 4096])
    parser.add_argument("--engines", nargs="+", default=DEFAULT_ENGINES, metavar="ENGINE",
                        help="rows to time: 'in-process[ -w1]', 'dask N -w1', 'dask 1', "
                        "'steady dask N -w1' (N up to 64); default: " + ", ".join(DEFAULT_ENGINES))
    parser.add_argument("--processes", type=int, nargs="+", default=None, metavar="N",
                        help="a scaling curve instead: in-process -w1, then command and steady "
                        "rows for each N (e.g. 1 2 4 8 16 on a 16-core machine)")
    args = runner.parse_args(parser=parser)
    counts = [64] if args.quick else args.images
    if args.processes:
        args.engines = ["in-process -w1", *(f"dask {n} -w1" for n in args.processes),
                        *(f"steady dask {n} -w1" for n in args.processes)]
    unknown = [name for name in args.engines if name not in COMMANDS and name not in STEADY]
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}")
    this = str(Path(__file__).resolve())
    work = Path(tempfile.mkdtemp(prefix="dask-scaling-", dir=os.environ.get("BENCH_TMP")))
    try:
        engines = [runner.Engine(name, f"{this}:{'steady' if name in STEADY else 'command'}_engine",
                                 kwargs={"engine": name, "out_dir": str(work)},
                                 packages=("mstool", "dask", "distributed", "numba", "h5py"))
                   for name in args.engines]
        cases = [runner.Case(f"{count} images", {"photos": str(image_set(work / f"photos{count}", count))},
                             units=count, unit_name="images") for count in counts]
        start = time.perf_counter()
        record = runner.run("preprocess_dask", "dask_scaling", engines, cases, args=args, rtol=0.0,
                            reference=args.engines[0], params={"images": counts, "recipe": "yolov3_416"})
        ratios(record)
        print(f"({time.perf_counter() - start:.0f} s in all)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
