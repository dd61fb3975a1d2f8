"""Training throughput: mstool train (eager, graph, XLA; 1 and 2 workers) against PyTorch and Keras fit.

Every configuration trains the same network on the same synthetic data with the same global
batch and thread budget. Each engine is a benchmarks/runner.py worker (PyTorch's from its
bench venv) whose timed call is one whole training run in a fresh child process (start-up,
tracing and XLA compilation included in wall and CPU seconds, children counted), interleaved
with repeats. The run's own images/s (global batch / median step time, the first step left
out) is recorded per call as a metric, and is what the ratios below compare. The outputs
check compares the work done (steps, global batch, image size, model).

The anchors: PyTorch eager in one process and DistributedDataParallel over gloo (the same
ResNet in torch_resnet.py, ``torch.set_num_threads(threads / workers)``) for the eager
rows, and Keras ``model.fit`` under MultiWorkerMirroredStrategy (keras_fit.py, tuned
``steps_per_execution``: 1 and 4 both run, the faster is the anchor) for the graph rows.

    .venv/bin/python benchmarks/train/bench.py --model resnet18 --size 32 --batch 32 --steps 12 \
        --torch-python /work/bench-train/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CONFIGS = {  # name -> (framework, mode, xla, workers)
    "mstool op-by-op": ("mstool", "op-by-op", False, 1),
    "mstool eager": ("mstool", "eager", False, 1),
    "mstool graph": ("mstool", "graph", False, 1),
    "mstool graph+XLA": ("mstool", "graph", True, 1),
    "mstool eager, 2 workers": ("mstool", "eager", False, 2),
    "mstool graph, 2 workers": ("mstool", "graph", False, 2),
    "PyTorch eager, 1 process": ("torch", "eager", False, 1),
    "PyTorch DDP gloo, 2 processes": ("torch", "eager", False, 2),
    "Keras model.fit, 2 workers, steps_per_execution 1": ("keras", "graph", False, 2),
    "Keras model.fit, 2 workers, steps_per_execution 4": ("keras", "graph", False, 2),
}
DEFAULT_CONFIGS = [name for name in CONFIGS if name not in ("mstool op-by-op", "mstool graph+XLA")]
CONFIG_SETS = {  # a name on --configs that stands for several rows
    # issue 18's rows: eager against PyTorch DDP, graph against Keras model.fit, 2 processes each
    "two-workers": ["PyTorch DDP gloo, 2 processes", "mstool eager, 2 workers", "mstool graph, 2 workers",
                    "Keras model.fit, 2 workers, steps_per_execution 1"],
}
ANCHORS = ("PyTorch eager, 1 process", "PyTorch DDP gloo, 2 processes",
           "Keras model.fit, 2 workers, steps_per_execution 1",
           "Keras model.fit, 2 workers, steps_per_execution 4")


def mstool_command(
    data: str, out: str, model: str, batch: int, steps: int, mode: str, xla: bool, workers: int
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "mstool.cli.app",
        "--json",
        "train",
        "--data",
        data,
        "--model",
        model,
        "--batch-size",
        str(batch),
        "--mode",
        mode,
        "--set",
        f"run.max_steps={steps}",
        "--set",
        "data.val_split=0",
        "--set",
        "optimizer.schedule=constant",
        "--set",
        "optimizer.name=sgd",
        "--set",
        "optimizer.lr=0.1",  # as torch_ddp.py
        "--no-onnx",
        "--overwrite",
        "-o",
        out,
    ]
    if xla:
        command.append("--xla")
    if workers > 1:
        command += ["--workers", str(workers)]
    return command


def torch_command(model: str, size: int, batch: int, steps: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        str(HERE / "torch_ddp.py"),
        "--model",
        model,
        "--size",
        str(size),
        "--batch",
        str(batch),
        "--steps",
        str(steps),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]


def keras_command(model: str, size: int, batch: int, steps: int, workers: int, threads: int,
                  steps_per_execution: int) -> list[str]:
    return [sys.executable, str(HERE / "keras_fit.py"), "--model", model, "--size", str(size), "--batch",
            str(batch), "--steps", str(steps), "--workers", str(workers), "--threads", str(threads),
            "--steps-per-execution", str(steps_per_execution)]


def training_engine(
    config: str, data: str, work_dir: str, model: str, size: int, batch: int, steps: int, threads: int
):
    """Runner factory: one training run of ``config`` per call, in a child process."""
    framework, mode, xla, workers = CONFIGS[config]
    if framework == "mstool":
        out = str(Path(work_dir) / config.replace(" ", "_").replace(",", ""))
        command = mstool_command(data, out, model, batch, steps, mode, xla, workers)
        env = dict(
            os.environ,
            TF_CPP_MIN_LOG_LEVEL="2",
            TF_NUM_INTRAOP_THREADS=str(max(1, threads // workers)),
            TF_NUM_INTEROP_THREADS="1",
        )
    elif framework == "keras":
        steps_per_execution = int(config.rpartition(" ")[2])  # both values run: the anchor is the faster
        command = keras_command(model, size, batch, steps, workers, threads, steps_per_execution)
        env = dict(os.environ)
    else:
        command = torch_command(model, size, batch, steps, workers, threads)
        env = dict(os.environ)
    last = {}

    def run():
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=HERE)
        if done.returncode != 0:
            raise RuntimeError(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
        last.update(json.loads([x for x in done.stdout.splitlines() if x.startswith("{")][-1]))
        return {"model": model, "size": size, "global_batch": batch, "steps": steps}

    def metrics():
        ips = last["images_per_second"]
        cpu = last.get("cpu_seconds_per_step", last.get("cpu_per_step_s"))
        return {"images_per_second": ips, "median_step_s": batch / ips,
                **({"cpu_per_step_s": cpu} if cpu is not None else {})}

    return {
        "run": run,
        "metrics": metrics,
        "threads": threads,
        "settings": {
            "workers": workers,
            "mode": mode,
            "xla": xla,
            "intra_op_threads": max(1, threads // workers),
        },
    }


def _torch_env() -> dict[str, str]:
    """The bench venv holds torch alone; numpy and the runner's other imports come from this venv
    (what its ``mstool_base.pth`` would add, benchmarks/README.md), after the venv's own packages."""
    import sysconfig

    return {"PYTHONPATH": sysconfig.get_paths()["purelib"]}


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18", choices=["resnet18", "resnet50"])
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--torch-python", default="/work/bench-train/bin/python")
    parser.add_argument("--configs", nargs="+", default=DEFAULT_CONFIGS,
                        choices=list(CONFIGS) + list(CONFIG_SETS),
                        help="rows to run, or a set: "
                        + ", ".join(f"{k} ({len(v)} rows)" for k, v in CONFIG_SETS.items()))
    args = runner.parse_args(parser=parser)
    steps, batch = (3, 8) if args.quick else (args.steps, args.batch)
    configs = list(dict.fromkeys(row for name in args.configs for row in CONFIG_SETS.get(name, [name])))
    configs = ["mstool graph", "PyTorch eager, 1 process"] if args.quick else configs
    work_dir = Path(tempfile.mkdtemp(prefix="train-bench-"))
    rng = np.random.default_rng(0)
    count = batch * (steps + 1)
    data = work_dir / "synthetic.npz"
    np.savez(
        data, x=rng.random((count, args.size, args.size, 3), dtype=np.float32), y=rng.integers(0, 10, count)
    )
    engines = [
        runner.Engine(
            name,
            f"{HERE / 'bench.py'}:training_engine",
            threads=args.threads,
            python=args.torch_python if CONFIGS[name][0] == "torch" else sys.executable,
            env=_torch_env() if CONFIGS[name][0] == "torch" else {},
            kwargs={"config": name},
            packages=("mstool", "tensorflow-cpu", "keras", "torch"),
        )
        for name in configs
    ]
    case = runner.Case(
        f"{args.model} {args.size}x{args.size} batch {batch}",
        {
            "data": str(data),
            "work_dir": str(work_dir),
            "model": args.model,
            "size": args.size,
            "batch": batch,
            "steps": steps,
            "threads": args.threads,
        },
        units=steps,
        unit_name="steps",
    )
    record = runner.run(
        "train",
        "bench",
        engines,
        [case],
        args=args,
        rtol=0.0,
        atol=0.0,
        reference=configs[0],
        params={
            "model": args.model,
            "size": args.size,
            "batch": batch,
            "steps": steps,
            "threads": args.threads,
        },
    )
    entries = record["cases"][0]["engines"]
    rates = {
        n: e["metrics_stats"]["images_per_second"]["median"]
        for n, e in entries.items()
        if "metrics_stats" in e
    }
    cpu = {n: e["metrics_stats"].get("cpu_per_step_s", {}).get("median") for n, e in entries.items()
           if "metrics_stats" in e}
    anchors = [n for n in ANCHORS if n in rates]
    short = {n: "/ " + n.split(",")[0] + (f" spe {n[-1]}" if n.startswith("Keras") else "") for n in anchors}
    print(f"\n{'run':52s}{'img/s':>8s}{'CPU s/step':>11s}" + "".join(f"{short[n]:>24s}" for n in anchors))
    for name, ips in rates.items():
        cpu_text = f"{cpu[name]:11.3f}" if cpu.get(name) is not None else f"{'':11s}"
        print(f"{name:52s}{ips:8.1f}{cpu_text}" + "".join(f"{ips / rates[n]:24.2f}" for n in anchors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
