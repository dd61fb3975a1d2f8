"""Zoo benchmark: mstool convert vs onnx2tf on the same ONNX models, side by side.

mstool runs from .venv (`mstool convert --json`), onnx2tf from .venv-bench-convert (its own
TensorFlow); both are timed as whole processes (wall and CPU), errors are the max abs
difference to stored onnxruntime outputs. Build the Keras-applications models first with
build_zoo.py. Run: .venv/bin/python benchmarks/convert/zoo.py [NAME ...]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = [ROOT.parent / "shared" / "data" / "convert", ROOT.parent / "shared" / "data" / "convert_zoo"]
BENCH_PYTHON = ROOT / ".venv-bench-convert" / "bin" / "python"


def models() -> list[tuple[str, Path, Path]]:
    found = []
    for folder in (*SHARED, HERE / "zoo"):
        for onnx_path in sorted(folder.glob("*.onnx")):
            io = onnx_path.with_suffix(".io.npz")
            if io.exists():
                found.append((onnx_path.stem, onnx_path, io))
    return found


def timed(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, time.perf_counter() - started, cpu


def peak_rss_mb() -> float:
    """Largest resident set of any finished child so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_mstool(name: str, path: Path, io: Path, out: Path) -> dict:
    cmd = [str(ROOT / ".venv" / "bin" / "mstool"), "convert", str(path), "-o", str(out), "--inputs", str(io),
           "--json", "--overwrite"]
    result, wall, cpu = timed(cmd)
    if not result.stdout.strip():
        return {"ok": False, "error": result.stderr.strip().splitlines()[-1:]}
    report = json.loads(result.stdout)
    return {"ok": report["status"] == "ok", "wall": wall, "cpu": cpu, "peak_rss_mb": peak_rss_mb(),
            "convert_s": report["conversion_seconds"], "max_abs_error": max(report["max_abs_error"].values()),
            "lines": report.get("model_py_lines")}


def run_onnx2tf(path: Path, io: Path, out: Path) -> dict:
    if not BENCH_PYTHON.exists():
        return {"ok": False, "error": "no .venv-bench-convert"}
    runner = str(HERE / "onnx2tf_runner.py")
    result, wall, cpu = timed([str(BENCH_PYTHON), runner, str(path), str(io), str(out)])
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"ok": False, "error": (result.stderr.strip().splitlines() or ["?"])[-1][:120]}
    return {**json.loads(lines[-1]), "wall": wall, "cpu": cpu}


def main() -> int:
    wanted = set(sys.argv[1:])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, io in models():
            if wanted and name not in wanted:
                continue
            ours = run_mstool(name, path, io, Path(tmp) / f"{name}-mstool")
            theirs = run_onnx2tf(path, io, Path(tmp) / f"{name}-onnx2tf")
            rows.append((name, ours, theirs))
            print(f"{name}: mstool {ours}\n{' ' * len(name)}  onnx2tf {theirs}", file=sys.stderr)
    print("| model | mstool wall / CPU s | mstool max abs err (both shapes) | model.py lines | peak RSS MB "
          "(largest so far) | onnx2tf wall / CPU s | onnx2tf max abs err | wall ratio mstool/onnx2tf |")
    print("|---|---|---|---|---|---|---|---|")
    for name, ours, theirs in rows:
        def cell(r, key):
            if r.get("ok") and r.get(key) is not None:
                return f"{r[key]:.3g}"
            return "failed: " + str(r.get("error", "?")).splitlines()[0][:60]
        ratio = f"{ours['wall'] / theirs['wall']:.2f}" if ours.get("ok") and theirs.get("ok") else "n/a"
        print(f"| {name} | {cell(ours, 'wall')} / {cell(ours, 'cpu')} | {cell(ours, 'max_abs_error')} | "
              f"{ours.get('lines', '-')} | {ours.get('peak_rss_mb', 0):.0f} | "
              f"{cell(theirs, 'wall')} / {cell(theirs, 'cpu')} | "
              f"{cell(theirs, 'max_abs_error')} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
