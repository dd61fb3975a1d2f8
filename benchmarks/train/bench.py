"""Training throughput: mstool train (eager, graph, graph+XLA, 1 vs 2 local workers) against PyTorch.

Every configuration runs in a fresh process on the same synthetic data, model,
global batch and thread budget; images/s is the median over steps after the first.
Prints a table with ratios to PyTorch eager (one process) and PyTorch DDP over gloo
(two processes), plus wall and CPU seconds of each run.

    .venv-bench-train/bin/python benchmarks/train/bench.py --model resnet18 --size 32 --batch 32 --steps 12
    .venv-bench-train/bin/python benchmarks/train/bench.py --model resnet50 --size 64 --batch 8 --steps 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], env: dict) -> tuple[dict, float, float]:
    cpu, wall = _child_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=HERE)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    line = [x for x in done.stdout.splitlines() if x.startswith("{")][-1]
    return json.loads(line), time.perf_counter() - wall, _child_cpu() - cpu


def _mstool(args, data: Path, out: Path, mode: str, xla: bool, workers: int) -> list[str]:
    command = [args.tf_python, "-m", "mstool.cli.app", "--json", "train", "--data", str(data),
               "--model", args.model, "--batch-size", str(args.batch), "--mode", mode,
               "--set", f"run.max_steps={args.steps}", "--set", "data.val_split=0",
               "--set", "optimizer.schedule=constant", "--set", "optimizer.name=sgd",  # as torch_ddp.py
               "--set", "optimizer.lr=0.1", "--no-onnx", "--overwrite", "-o", str(out)]
    if xla:
        command.append("--xla")
    if workers > 1:
        command += ["--workers", str(workers)]
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18", choices=["resnet18", "resnet50"])
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--tf-python", default=sys.executable)
    parser.add_argument("--skip", default="", help="comma list of rows to skip: eager, graph, xla, workers")
    args = parser.parse_args()
    args.tf_python = os.path.abspath(args.tf_python)  # the runs start in this folder
    tmp = Path(tempfile.mkdtemp(prefix="train-bench-"))
    rng = np.random.default_rng(0)
    count = args.batch * (args.steps + 1)
    data = tmp / "synthetic.npz"
    np.savez(data, x=rng.random((count, args.size, args.size, 3), dtype=np.float32),
             y=rng.integers(0, 10, count))
    rows = []
    configs = [("mstool eager", "eager", False, 1), ("mstool graph", "graph", False, 1),
               ("mstool graph+XLA", "graph", True, 1), ("mstool graph, 2 workers", "graph", False, 2)]
    skip = set(filter(None, args.skip.split(",")))
    for name, mode, xla, workers in configs:
        tags = {"xla"} if xla else {mode}
        if workers > 1:
            tags.add("workers")
        if tags & skip:
            continue
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
                   TF_NUM_INTRAOP_THREADS=str(max(1, args.threads // workers)), TF_NUM_INTEROP_THREADS="1")
        result, wall, cpu = _run(_mstool(args, data, tmp / name.replace(" ", "_"), mode, xla, workers), env)
        rows.append((name, result["images_per_second"], args.batch / result["images_per_second"], wall, cpu))
    for workers in (1, 2):
        command = [sys.executable, str(HERE / "torch_ddp.py"), "--model", args.model,
                   "--size", str(args.size), "--batch", str(args.batch), "--steps", str(args.steps),
                   "--workers", str(workers), "--threads", str(args.threads)]
        result, wall, cpu = _run(command, dict(os.environ))
        label = "PyTorch eager" if workers == 1 else "PyTorch DDP gloo, 2 procs"
        rows.append((label, result["images_per_second"], result["median_step_s"], wall, cpu))
    torch_one = rows[-2][1]
    torch_ddp = rows[-1][1]
    print(f"\n{args.model} {args.size}x{args.size}, global batch {args.batch}, {args.steps} steps, "
          f"{args.threads} threads, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'run':28s} {'img/s':>8s} {'step s':>8s} {'wall s':>7s} {'CPU s':>7s} "
          f"{'/torch':>7s} {'/DDP':>7s}")
    for name, ips, step, wall, cpu in rows:
        print(f"{name:28s} {ips:8.1f} {step:8.3f} {wall:7.1f} {cpu:7.1f} {ips / torch_one:7.2f} "
              f"{ips / torch_ddp:7.2f}")
    steps = {name: step for name, _, step, _, _ in rows}
    if "mstool eager" in steps and "mstool graph" in steps:
        print(f"eager overhead per step: {steps['mstool eager'] - steps['mstool graph']:+.3f} s")


if __name__ == "__main__":
    main()
