"""One benchmark runner for every benchmarks/<domain>/ script: warm engines, interleaved repeats, JSON.

Each engine runs in its own worker process (any python, e.g. an anchor's bench venv), is set up
and warmed once per case, then all engines are timed in turn (A, B, C, A, B, C, ...) for R
repeats. Medians, spread, wall and CPU seconds, load average, thread settings, an
outputs-equal check and the versions are written to benchmarks/results/<domain>/.

An engine is a factory ``path/to/file.py:function`` called in the worker with the case's
keyword arguments; it returns the callable to time (or a dict ``{"run": callable, "threads":
n, "settings": {...}, "before": callable, "metrics": callable}``; ``before`` runs untimed
before every call, e.g. to delete the previous call's output file; ``metrics`` returns the
engine's own measurements of the last call, e.g. the images/s a training run reports).
CPU seconds include child processes the call started and waited for. The callable returns a
small digest (number, list, dict, numpy array), or a zero-argument function that computes it
after the clock stops; the runner compares digests between engines. A factory may raise ``EngineSkip`` (or any
exception named EngineSkip) to say it does not support a case.

Used from a domain script::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import runner

    engines = [runner.Engine("mstool", f"{HERE}/engines.py:mstool_engine", threads=2),
               runner.Engine("openmm", f"{HERE}/engines.py:openmm_engine",
                             python="/work/bench-md/bin/python", threads=2)]
    cases = [runner.Case("ala2", {"steps": 200})]
    args = runner.parse_args(description="...")
    runner.run("md", "bench_md", engines, cases, args=args, rtol=1e-3)

This file uses only the standard library at import time, so any venv's python can run it as
a worker (``python runner.py --worker``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.metadata
import importlib.util
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "TORCH_NUM_THREADS",
)
QUICK_REPEATS = 2
DEFAULT_REPEATS = 5
QUIET_LOAD_PER_CORE = 0.3


class EngineSkip(Exception):
    """Raised by an engine factory that does not support a case (recorded, not an error)."""


@dataclasses.dataclass
class Engine:
    """One engine: a factory target, the python that runs it, its environment and thread count."""

    name: str
    target: str  # "path/to/file.py:factory" (or "module:factory" importable by that python)
    python: str = sys.executable
    threads: int | None = None  # declared thread count; sets the THREAD_ENV variables too
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    packages: tuple[str, ...] = ()  # distributions whose versions are recorded
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)  # passed to every case


@dataclasses.dataclass
class Case:
    """One measured configuration: a label and the keyword arguments every factory receives."""

    label: str
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    units: float | None = None  # work units per call (steps, images, ...) for a rate column
    unit_name: str = ""


# ---------------------------------------------------------------- worker side


def _json_safe(value: Any) -> Any:
    """Convert a digest (numpy arrays and scalars included) into plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "tolist"):
        return _json_safe(value.tolist())
    if isinstance(value, complex):
        return {"re": value.real, "im": value.imag}
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _load_factory(target: str):
    location, _, func = target.rpartition(":")
    if location.endswith(".py"):
        path = Path(location)
        sys.path.insert(0, str(path.parent))
        spec = importlib.util.spec_from_file_location(f"bench_engine_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(location)
    return getattr(module, func)


def _versions(packages) -> dict[str, str | None]:
    found = {}
    for name in packages:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def _os_threads() -> int | None:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def _cpu_seconds() -> float:
    """CPU seconds of this process (all threads) and of its finished, waited-for children."""
    try:
        import resource
    except ImportError:  # not on Unix: this process only
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Worker:
    """The process side of one engine: answers setup / run / info requests, one JSON line each."""

    def __init__(self) -> None:
        self.call = None
        self.before = None
        self.metrics = None
        self.declared = {}

    def setup(self, request: dict) -> dict:
        factory = _load_factory(request["target"])
        try:
            made = factory(**request["kwargs"])
        except Exception as exc:  # noqa: BLE001 - a factory's own skip class counts too
            if type(exc).__name__ == "EngineSkip":
                self.call = None
                return {"skipped": str(exc) or "not supported"}
            raise
        self.before = self.metrics = None
        if isinstance(made, dict):
            self.call, self.before, self.metrics = made["run"], made.get("before"), made.get("metrics")
            self.declared = {"threads": made.get("threads"), "settings": _json_safe(made.get("settings", {}))}
        else:
            self.call = made
            self.declared = {}
        return {"ok": True}

    def run(self, request: dict) -> dict:
        if self.before is not None:
            self.before()
        cpu0, wall0 = _cpu_seconds(), time.perf_counter()
        output = self.call()
        wall, cpu = time.perf_counter() - wall0, _cpu_seconds() - cpu0
        reply = {"wall": wall, "cpu": cpu}
        if self.metrics is not None:
            reply["metrics"] = _json_safe(self.metrics())
        if request.get("want_output"):
            reply["output"] = _json_safe(output() if callable(output) else output)
        return reply

    def info(self, request: dict) -> dict:
        return {
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "pid": os.getpid(),
            "os_threads": _os_threads(),
            "thread_env": {k: os.environ.get(k) for k in THREAD_ENV},
            "declared": self.declared,
            "versions": _versions(request.get("packages", ())),
        }


def worker_main() -> None:
    """Serve requests on stdin; engines' own prints go to stderr so the protocol stays clean."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", buffering=0), write_through=True)
    worker = _Worker()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = getattr(worker, request["cmd"])(request)
        except SystemExit as exc:  # e.g. a script's argparse running at import
            reply = {"error": f"SystemExit({exc.code}) while loading or running the engine: a benchmark "
                     "script must keep its main code under `if __name__ == '__main__':`"}
        except Exception:  # noqa: BLE001 - the parent records the traceback and goes on
            reply = {"error": traceback.format_exc()}
        protocol.write(json.dumps(reply) + "\n")


# ---------------------------------------------------------------- parent side


class EngineProcess:
    """A warm worker process for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        env = dict(os.environ)
        if engine.threads is not None:
            env.update({k: str(engine.threads) for k in THREAD_ENV})
        env.update(engine.env)
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [engine.python, str(Path(__file__).resolve()), "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(REPO_ROOT),
        )

    def request(self, cmd: str, **fields) -> dict:
        self.proc.stdin.write(json.dumps({"cmd": cmd, **fields}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"engine {self.engine.name}: worker exited (code {self.proc.wait()})")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out = {}
        for key in sorted(value):
            out.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _as_numbers(value: Any) -> list[float] | None:
    """Flatten nested lists of numbers; None if anything is not a number."""
    if isinstance(value, bool):
        return [float(value)]
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, list):
        flat = []
        for item in value:
            part = _as_numbers(item)
            if part is None:
                return None
            flat.extend(part)
        return flat
    return None


def compare_outputs(reference: Any, other: Any, rtol: float, atol: float) -> tuple[bool, float | None, str]:
    """Compare two digests field by field: numbers within ``atol + rtol * |reference|``.

    >>> compare_outputs({"e": [1.0, 2.0]}, {"e": [1.0, 2.0000001]}, rtol=1e-6, atol=0.0)[0]
    True
    >>> compare_outputs([1.0, 2.0], [1.0, 2.1], rtol=1e-3, atol=0.0)[0]
    False
    """
    ref_fields, other_fields = _flatten(reference), _flatten(other)
    if set(ref_fields) != set(other_fields):
        return False, None, f"fields differ: {sorted(set(ref_fields) ^ set(other_fields))}"
    worst, first_failure = 0.0, ""
    for key, ref_value in ref_fields.items():
        a, b = _as_numbers(ref_value), _as_numbers(other_fields[key])
        if a is None or b is None:
            if ref_value != other_fields[key]:
                return False, None, f"{key or 'output'}: {ref_value!r} != {other_fields[key]!r}"
            continue
        if len(a) != len(b):
            return False, None, f"{key or 'output'}: length {len(a)} != {len(b)}"
        for x, y in zip(a, b, strict=True):
            diff = abs(x - y)
            worst = max(worst, diff)  # the largest difference over every field, not only the first miss
            if not diff <= atol + rtol * abs(x) and not first_failure:
                first_failure = f"{key or 'output'}: {x!r} vs {y!r}"
    return not first_failure, worst, first_failure


def _short(value: Any, keep: int = 3) -> Any:
    """A long list (e.g. 512 file names) recorded as its length and first items."""
    if isinstance(value, list) and len(value) > 16:
        return {"count": len(value), "first": value[:keep]}
    return value


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _git_commit() -> dict[str, Any]:
    def git(*args):
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def _load() -> list[float] | None:
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def _measure_case(
    case: Case, procs: list[EngineProcess], repeats: int, rtol: float, atol: float, reference: str
) -> dict:
    """Set up and warm every engine for one case, then time them interleaved."""
    result = {
        "label": case.label,
        "kwargs": {k: _short(v) for k, v in _json_safe(case.kwargs).items()},
        "units": case.units,
        "unit_name": case.unit_name,
        "engines": {},
        "order": [],
    }
    active = []
    for proc in procs:
        entry = result["engines"][proc.engine.name] = {}
        reply = proc.request("setup", target=proc.engine.target, kwargs={**proc.engine.kwargs, **case.kwargs})
        if "error" in reply or "skipped" in reply:
            entry.update(reply)
            continue
        warm = proc.request("run", want_output=True)
        if "error" in warm:
            entry.update(warm)
            continue
        entry.update({"warmup_wall": warm["wall"], "output": warm["output"], "wall": [], "cpu": []})
        active.append(proc)
    for repeat in range(repeats):
        for proc in list(active):
            reply = proc.request("run")
            entry = result["engines"][proc.engine.name]
            if "error" in reply:
                entry["error"] = reply["error"]
                active.remove(proc)
                continue
            entry["wall"].append(reply["wall"])
            entry["cpu"].append(reply["cpu"])
            if "metrics" in reply:
                entry.setdefault("metrics", []).append(reply["metrics"])
            result["order"].append([repeat, proc.engine.name])
    for proc in procs:
        entry = result["engines"][proc.engine.name]
        entry["info"] = proc.request("info", packages=list(proc.engine.packages))
        if entry.get("wall"):
            entry["wall_stats"], entry["cpu_stats"] = _stats(entry["wall"]), _stats(entry["cpu"])
        if entry.get("metrics"):
            names = [k for k, v in entry["metrics"][0].items() if isinstance(v, int | float)]
            entry["metrics_stats"] = {k: _stats([m[k] for m in entry["metrics"]]) for k in names}
    _compare_case(result, reference, rtol, atol)
    return result


def _compare_case(result: dict, reference: str, rtol: float, atol: float) -> None:
    engines = result["engines"]
    timed = [name for name, e in engines.items() if "wall_stats" in e]
    ref = reference if reference in timed else (timed[0] if timed else None)
    result["reference"] = ref
    result["outputs_equal"] = {}
    result["ratios"] = {}
    if ref is None:
        return
    ref_entry = engines[ref]
    for name in timed:
        entry = engines[name]
        equal, worst, why = compare_outputs(ref_entry["output"], entry["output"], rtol, atol)
        result["outputs_equal"][name] = {"equal": equal, "max_abs_diff": worst, "detail": why}
        # ratio > 1: the engine takes longer than the reference (reference is that many times faster)
        result["ratios"][name] = {
            "wall": entry["wall_stats"]["median"] / ref_entry["wall_stats"]["median"],
            "cpu": (
                entry["cpu_stats"]["median"] / ref_entry["cpu_stats"]["median"]
                if ref_entry["cpu_stats"]["median"] > 0
                else None
            ),
        }
    result["all_outputs_equal"] = all(v["equal"] for v in result["outputs_equal"].values())


def parse_args(
    argv: list[str] | None = None, description: str = "", parser: argparse.ArgumentParser | None = None
):
    """The runner's common options, added to a domain script's parser.

    >>> parse_args(["--quick"]).repeats
    2
    """
    parser = parser or argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--repeats", type=int, default=None, help=f"timed runs per engine (default {DEFAULT_REPEATS})"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, 2 repeats; not a claim")
    parser.add_argument(
        "--out-dir", type=Path, default=None, help="results folder (default benchmarks/results/<domain>)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; write no JSON")
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = QUICK_REPEATS if args.quick else DEFAULT_REPEATS
    return args


def run(
    domain: str,
    name: str,
    engines: list[Engine],
    cases: list[Case],
    *,
    args=None,
    repeats: int | None = None,
    quick: bool = False,
    rtol: float = 1e-6,
    atol: float = 0.0,
    reference: str | None = None,
    out_dir: Path | None = None,
    write: bool = True,
    notes: str = "",
    params: dict | None = None,
) -> dict:
    """Measure every case on every engine, print a table, and write the JSON; returns the record."""
    if args is not None:
        repeats, quick = args.repeats, args.quick
        out_dir, write = args.out_dir or out_dir, not args.no_write
    repeats = repeats or (QUICK_REPEATS if quick else DEFAULT_REPEATS)
    reference = reference or engines[0].name
    started = dt.datetime.now(dt.UTC)
    record = {
        "domain": domain,
        "name": name,
        "quick": quick,
        "smoke_run": quick,
        "repeats": repeats,
        "rtol": rtol,
        "atol": atol,
        "notes": notes,
        "params": _json_safe(params or {}),
        "started_utc": started.isoformat(timespec="seconds"),
        "git": _git_commit(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_before": _load(),
        "thread_env": {k: os.environ.get(k) for k in THREAD_ENV},
        "engines": [
            {
                "name": e.name,
                "target": e.target,
                "python": e.python,
                "threads": e.threads,
                "env": e.env,
                "packages": list(e.packages),
            }
            for e in engines
        ],
        "cases": [],
    }
    quiet_limit = QUIET_LOAD_PER_CORE * (os.cpu_count() or 1)
    record["quiet"] = bool(record["load_before"] and record["load_before"][0] < quiet_limit)
    procs = [EngineProcess(e) for e in engines]
    try:
        for case in cases:
            record["cases"].append(_measure_case(case, procs, repeats, rtol, atol, reference))
    finally:
        for proc in procs:
            proc.close()
    record["load_after"] = _load()
    record["finished_utc"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print_summary(record)
    if write:
        folder = Path(out_dir) if out_dir else RESULTS_DIR / domain
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(record, indent=1) + "\n")
        os.replace(tmp, path)
        record["path"] = str(path)
        print(f"wrote {path}")
    return record


def print_summary(record: dict) -> None:
    """Print one table per case: medians, spread, CPU seconds, ratio to the reference, outputs check."""
    print(
        f"{record['domain']}/{record['name']}: {record['repeats']} interleaved repeats"
        f"{' (QUICK smoke run, not a claim)' if record['quick'] else ''}; cpu_count {record['cpu_count']}; "
        f"load before {record['load_before']} ({'quiet' if record['quiet'] else 'NOT quiet'})"
    )
    for case in record["cases"]:
        print(f"\n[{case['label']}] reference: {case.get('reference')}")
        print(
            f"{'engine':<34}{'median s':>10}{'min':>9}{'max':>9}{'CPU s':>9}{'x ref':>8}{'x ref CPU':>10}"
            "  outputs"
        )
        for name, entry in case["engines"].items():
            if "wall_stats" not in entry:
                status = "skipped: " + entry["skipped"] if "skipped" in entry else "ERROR"
                print(f"{name:<34}{status}")
                if "error" in entry:
                    print(entry["error"], file=sys.stderr)
                continue
            w, c, r = entry["wall_stats"], entry["cpu_stats"], case["ratios"][name]
            eq = case["outputs_equal"][name]
            cpu_ratio = f"{r['cpu']:>10.3f}" if r["cpu"] is not None else f"{'-':>10}"
            check = "equal" if eq["equal"] else f"DIFFER ({eq['detail']})"
            print(
                f"{name:<34}{w['median']:>10.4f}{w['min']:>9.4f}{w['max']:>9.4f}{c['median']:>9.3f}"
                f"{r['wall']:>8.3f}{cpu_ratio}  {check}"
            )
    print(f"load after {record['load_after']}")


if __name__ == "__main__" and "--worker" in sys.argv:
    worker_main()
