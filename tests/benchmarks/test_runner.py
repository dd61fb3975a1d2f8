"""benchmarks/runner.py: engines in warm worker processes, interleaved repeats, medians, JSON record."""

from __future__ import annotations

import json
import statistics
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import runner  # noqa: E402

ENGINES = textwrap.dedent(
    """
    import os, time

    def counting_engine(log, n, offset=0.0, skip_labels=()):
        if str(n) in skip_labels:
            raise RuntimeError("unused")
        def run():
            with open(log, "a") as fh:
                fh.write(f"{os.getpid()} {os.environ.get('OMP_NUM_THREADS')}\\n")
            return lambda: {"sum": float(sum(range(n))) + offset, "label": "same"}
        def before():
            with open(log + ".before", "a") as fh:
                fh.write("x")
        return {"run": run, "threads": 1, "settings": {"offset": offset}, "before": before,
                "metrics": lambda: {"rate": float(n), "pid": str(os.getpid())}}

    def child_engine(log, n, **_):
        import subprocess, sys
        def run():
            subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], check=True)
            return n
        return run

    def skipping_engine(log, n, **_):
        class EngineSkip(Exception):
            pass
        raise EngineSkip("too large")
    """
)


@pytest.fixture
def engine_file(tmp_path):
    path = tmp_path / "engines.py"
    path.write_text(ENGINES)
    return path


def two_engines(engine_file, offset_b=0.0):
    return [
        runner.Engine("alpha", f"{engine_file}:counting_engine", threads=1),
        runner.Engine(
            "beta",
            f"{engine_file}:counting_engine",
            python=sys.executable,
            env={"OMP_NUM_THREADS": "3"},
            kwargs={"offset": offset_b},
            packages=("pytest",),
        ),
    ]


def test_interleaved_order_medians_and_json(engine_file, tmp_path):
    log = tmp_path / "calls.log"
    record = runner.run(
        "demo",
        "trivial",
        two_engines(engine_file),
        [runner.Case("n100", {"log": str(log), "n": 100})],
        repeats=3,
        out_dir=tmp_path / "results",
    )
    case = record["cases"][0]
    # The worker processes themselves log each call: warm-up A, warm-up B, then A B A B A B.
    pids = [line.split()[0] for line in log.read_text().splitlines()]
    alpha_pid = str(case["engines"]["alpha"]["info"]["pid"])
    beta_pid = str(case["engines"]["beta"]["info"]["pid"])
    assert alpha_pid != beta_pid
    assert pids == [alpha_pid, beta_pid] * 4
    assert case["order"] == [[r, name] for r in range(3) for name in ("alpha", "beta")]
    assert Path(f"{log}.before").read_text() == "x" * 8  # before every call, warm-up included
    for name in ("alpha", "beta"):
        entry = case["engines"][name]
        assert len(entry["wall"]) == 3
        assert entry["wall_stats"]["median"] == statistics.median(entry["wall"])
        assert entry["wall_stats"]["min"] <= entry["wall_stats"]["median"] <= entry["wall_stats"]["max"]
        assert entry["cpu_stats"]["median"] == statistics.median(entry["cpu"])
        assert entry["info"]["declared"] == {"threads": 1, "settings": {"offset": 0.0}}
    # Thread settings reach each worker: threads=1 sets every variable, env overrides one.
    assert case["engines"]["alpha"]["info"]["thread_env"]["NUMBA_NUM_THREADS"] == "1"
    assert case["engines"]["beta"]["info"]["thread_env"]["OMP_NUM_THREADS"] == "3"
    assert case["engines"]["beta"]["info"]["versions"]["pytest"] == pytest.__version__
    assert case["all_outputs_equal"] is True
    assert case["ratios"]["alpha"]["wall"] == 1.0
    rate = {"median": 100.0, "min": 100.0, "max": 100.0}
    assert case["engines"]["alpha"]["metrics_stats"] == {"rate": rate}
    assert len(case["engines"]["alpha"]["metrics"]) == 3

    files = list((tmp_path / "results").glob("trivial-*.json"))
    assert len(files) == 1 and files[0].name.endswith("Z.json")
    saved = json.loads(files[0].read_text())
    for field in (
        "git",
        "python",
        "cpu_count",
        "load_before",
        "load_after",
        "thread_env",
        "engines",
        "cases",
        "quiet",
    ):
        assert field in saved, field
    assert saved["cases"][0]["engines"]["beta"]["wall"] == case["engines"]["beta"]["wall"]
    assert saved["cases"][0]["kwargs"] == {"log": str(log), "n": 100}
    assert len(saved["git"]["commit"]) == 40


def test_outputs_that_differ_beyond_tolerance_are_flagged(engine_file, tmp_path):
    log = str(tmp_path / "calls.log")
    cases = [runner.Case("n10", {"log": log, "n": 10})]
    loose = runner.run(
        "demo", "t", two_engines(engine_file, offset_b=1e-3), cases, repeats=1, rtol=1e-2, write=False
    )
    tight = runner.run(
        "demo", "t", two_engines(engine_file, offset_b=1e-3), cases, repeats=1, rtol=1e-6, write=False
    )
    assert loose["cases"][0]["outputs_equal"]["beta"]["equal"] is True
    assert tight["cases"][0]["outputs_equal"]["beta"]["equal"] is False
    assert tight["cases"][0]["outputs_equal"]["beta"]["max_abs_diff"] == pytest.approx(1e-3)


def test_skipped_and_failing_engines_are_recorded_not_fatal(engine_file, tmp_path):
    log = str(tmp_path / "calls.log")
    engines = [
        runner.Engine("alpha", f"{engine_file}:counting_engine", kwargs={"skip_labels": ["7"]}),
        runner.Engine("beta", f"{engine_file}:skipping_engine"),
        runner.Engine("gamma", f"{engine_file}:counting_engine"),
    ]
    record = runner.run(
        "demo", "t", engines, [runner.Case("n7", {"log": log, "n": 7})], repeats=2, write=False
    )
    entries = record["cases"][0]["engines"]
    assert "RuntimeError: unused" in entries["alpha"]["error"]
    assert entries["beta"]["skipped"] == "too large"
    assert len(entries["gamma"]["wall"]) == 2
    assert record["cases"][0]["reference"] == "gamma"


def test_quick_mode_uses_two_repeats():
    assert runner.parse_args(["--quick"]).repeats == runner.QUICK_REPEATS
    assert runner.parse_args([]).repeats == runner.DEFAULT_REPEATS
    assert runner.parse_args(["--repeats", "9", "--quick"]).repeats == 9


def test_cpu_seconds_include_the_child_processes_a_call_waits_for(engine_file, tmp_path):
    engines = [runner.Engine("parent", f"{engine_file}:child_engine")]
    record = runner.run("demo", "t", engines, [runner.Case("c", {"log": "", "n": 1})], repeats=1, write=False)
    entry = record["cases"][0]["engines"]["parent"]
    # the parent only waits; the child's ~0.1 s or more of arithmetic must be counted
    assert entry["cpu"][0] > 0.05


def test_a_script_that_runs_at_import_is_an_engine_error_not_a_crash(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text("import sys\n\ndef engine():\n    return lambda: 1\n\nsys.exit(2)\n")
    engines = [runner.Engine("unguarded", f"{script}:engine")]
    record = runner.run("demo", "t", engines, [runner.Case("c")], repeats=1, write=False)
    assert "if __name__ == '__main__'" in record["cases"][0]["engines"]["unguarded"]["error"]


def test_long_case_arguments_are_recorded_short(engine_file, tmp_path):
    engines = [runner.Engine("alpha", f"{engine_file}:counting_engine")]
    case = runner.Case(
        "c", {"log": str(tmp_path / "calls.log"), "n": 3, "skip_labels": [str(i) for i in range(20, 60)]}
    )
    record = runner.run("demo", "t", engines, [case], repeats=1, write=False)
    assert record["cases"][0]["kwargs"]["skip_labels"] == {"count": 40, "first": ["20", "21", "22"]}
