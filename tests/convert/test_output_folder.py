"""convert's output folder: --overwrite replaces only mstool's files; kills leave old or new, whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mstool.toolkit.convert import output_folder
from mstool.toolkit.convert.output_folder import remove_stale_temp_folders, staged_output
from mstool.toolkit.errors import InputError
from tests.conftest import run_cli
from tests.convert.test_cli import small_model


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def temp_folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def write_output(tmp: Path, tag: str) -> None:
    for name in ("model.py", "model.weights.h5", "report.md"):
        (tmp / name).write_text(tag)
    files = ["model.py", "model.weights.h5", "report.md", "report.json"]
    (tmp / "report.json").write_text(json.dumps({"files": files, "tag": tag}))


@pytest.fixture
def converted(tmp_path):
    source = small_model(tmp_path / "net.onnx")
    out = tmp_path / "out"
    result = run_cli("convert", source, "-o", out, "--no-verify")
    assert result.exit_code == 0, result.stderr
    return source, out


def test_overwrite_replaces_a_previous_output(converted):
    source, out = converted
    (out / "__pycache__").mkdir()  # what importing model.py leaves
    (out / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"x")
    result = run_cli("convert", source, "-o", out, "--overwrite")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["model.py", "model.weights.h5", "report.json", "report.md"]
    assert json.loads((out / "report.json").read_text())["verification"]["passed"]
    assert temp_folders(out) == []


@pytest.mark.parametrize("extra", ["thesis.txt", "notes/", "__pycache__/other.pyc"])
def test_overwrite_refuses_a_folder_holding_anything_else(converted, extra):
    source, out = converted
    target = out / extra.rstrip("/")
    target.parent.mkdir(exist_ok=True)
    target.mkdir() if extra.endswith("/") else target.write_text("mine")
    before = snapshot(out)
    result = run_cli("convert", source, "-o", out, "--overwrite")
    assert result.exit_code == 2
    assert "did not write" in result.stderr and result.stderr.count("\n") == 1
    assert snapshot(out) == before and target.exists() and temp_folders(out) == []


def test_overwrite_refuses_a_folder_without_report(tmp_path):
    source = small_model(tmp_path / "net.onnx")
    out = tmp_path / "data"
    out.mkdir()
    (out / "model.py").write_text("my own model")
    result = run_cli("convert", source, "-o", out, "--overwrite")
    assert result.exit_code == 2 and (out / "model.py").read_text() == "my own model"


def test_overwrite_refuses_root_home_cwd_and_its_parents(tmp_path, monkeypatch):
    source = small_model(tmp_path / "net.onnx")
    work = tmp_path / "home" / "work"
    work.mkdir(parents=True)
    (work / "thesis.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(work)
    for target, reason in [(".", "current folder"), (str(work), "current folder"), ("..", "home folder"),
                           ("~", "home folder"), ("/", "root folder"), (str(tmp_path), "current folder")]:
        result = run_cli("convert", source, "-o", os.path.expanduser(target), "--overwrite", "--no-verify")
        assert result.exit_code == 2 and reason in result.stderr, (target, result.stderr)
    assert sorted(p.name for p in work.iterdir()) == ["thesis.txt"]


def test_overwrite_refuses_a_link_and_a_file(converted, tmp_path):
    source, out = converted
    link = tmp_path / "link"
    link.symlink_to(out)
    plain = tmp_path / "plain"
    plain.write_text("mine")
    for target in (link, plain):
        result = run_cli("convert", source, "-o", target, "--overwrite", "--no-verify")
        assert result.exit_code == 2 and "not a folder" in result.stderr
    assert link.is_symlink() and plain.read_text() == "mine"


def test_failure_inside_keeps_the_previous_output_and_no_temp_folder(tmp_path):
    out = tmp_path / "out"
    with staged_output(out, overwrite=False) as tmp:
        write_output(tmp, "old")
    before = snapshot(out)
    with pytest.raises(RuntimeError), staged_output(out, overwrite=True) as tmp:
        write_output(tmp, "new")
        raise RuntimeError("conversion failed")
    assert snapshot(out) == before and temp_folders(out) == []


def test_swap_without_atomic_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(output_folder, "_exchange", lambda first, second: False)
    out = tmp_path / "out"
    for tag in ("old", "new"):
        with staged_output(out, overwrite=True) as tmp:
            write_output(tmp, tag)
    assert json.loads((out / "report.json").read_text())["tag"] == "new" and temp_folders(out) == []


def test_stale_temp_folders_of_dead_processes_are_removed(tmp_path):
    out = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = [tmp_path / f".out.abcdefgh.pid{dead_pid}", tmp_path / f".out.tmp-{dead_pid}"]
    alive = tmp_path / f".out.abcdefgh.pid{os.getppid()}"
    other = tmp_path / f".other.abcdefgh.pid{dead_pid}"
    for folder in (*stale, alive, other):
        folder.mkdir()
        (folder / "model.py").write_text("x")
    assert sorted(remove_stale_temp_folders(out)) == sorted(stale)
    assert alive.exists() and other.exists()


def test_moved_aside_previous_output_is_restored_when_the_output_is_missing(tmp_path):
    out = tmp_path / "out"
    aside = tmp_path / ".out.abcdefgh.old.pid999999999"
    aside.mkdir()
    (aside / "report.json").write_text("{}")
    remove_stale_temp_folders(out)
    assert (out / "report.json").exists() and not aside.exists()


def test_invalid_output_folder_message_is_one_line(tmp_path):
    with pytest.raises(InputError, match="root folder"):
        output_folder.check_replaceable(Path("/"), overwrite=True)


KILL_SCRIPT = """
import json, sys, time
from pathlib import Path
from mstool.toolkit.convert.output_folder import staged_output
out, tag = Path(sys.argv[1]), sys.argv[2]
print("ready", flush=True)
with staged_output(out, overwrite=True) as tmp:
    for name in ("model.py", "model.weights.h5", "report.md"):
        (tmp / name).write_text(tag * 5000)
        time.sleep(0.01)
    files = ["model.py", "model.weights.h5", "report.md", "report.json"]
    (tmp / "report.json").write_text(json.dumps({"files": files, "tag": tag}))
"""


def assert_whole(out: Path, allowed: set[str]) -> str:
    """``out`` is one complete output (every listed file, all of one run); returns that run's tag."""
    report = json.loads((out / "report.json").read_text())
    tag = report["tag"]
    assert tag in allowed
    assert sorted(report["files"]) == sorted(p.name for p in out.iterdir())
    for name in report["files"]:
        if name != "report.json":
            assert (out / name).read_text() == tag * 5000
    return tag


def run_and_kill(command: list[str], delay: float, cwd: Path) -> None:
    """Start ``command``, wait for its "ready" line, then SIGKILL it ``delay`` seconds later."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout.readline().startswith(b"ready")
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()


def test_kill_9_leaves_the_previous_or_a_whole_new_folder(tmp_path):
    out = tmp_path / "out"
    with staged_output(out, overwrite=False) as tmp:
        write_output(tmp, "0")
    (out / "model.py").write_text("0" * 5000)
    (out / "model.weights.h5").write_text("0" * 5000)
    (out / "report.md").write_text("0" * 5000)
    delays = np.random.default_rng(22).uniform(0.0, 0.08, size=10)
    seen = {"0"}
    for run, delay in enumerate(delays, start=1):
        run_and_kill([sys.executable, "-c", KILL_SCRIPT, str(out), str(run)], float(delay), tmp_path)
        seen.add(assert_whole(out, seen | {str(run)}))
    command = [sys.executable, "-c", KILL_SCRIPT, str(out), "z"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True)
    assert done.returncode == 0 and assert_whole(out, {"z"}) == "z"
    assert temp_folders(out) == []
    assert len(seen) >= 2  # some kills came late enough for a new folder


def start_conversion(source: Path, out: Path, cwd: Path) -> subprocess.Popen:
    """``mstool convert SOURCE -o OUT --overwrite`` in a subprocess, returned once its temp folder exists."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [str(Path(sys.executable).parent / "mstool"), "convert", str(source), "-o", str(out),
               "--overwrite", "--no-verify"]
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    own, started = f".pid{process.pid}", time.monotonic()
    while process.poll() is None and time.monotonic() - started < 120 \
            and not any(name.endswith(own) for name in temp_folders(out)):
        time.sleep(0.005)  # the conversion proper begins when this run's temp folder appears
    return process


@pytest.mark.slow
def test_kill_9_during_mstool_convert(tmp_path):
    """The real command: 5 kills at random times of the conversion, then a complete run."""
    sources = [small_model(tmp_path / "a.onnx", width=8), small_model(tmp_path / "b.onnx", width=6)]
    out = tmp_path / "out"
    assert run_cli("convert", sources[0], "-o", out, "--no-verify").exit_code == 0
    process = start_conversion(sources[1], out, tmp_path)
    began = time.monotonic()
    assert process.wait(timeout=300) == 0
    phase = time.monotonic() - began  # how long the conversion proper takes here
    outcomes, codes = [], []
    for run, fraction in enumerate(np.random.default_rng(5).uniform(0.0, 1.2, size=5)):
        process = start_conversion(sources[run % 2], out, tmp_path)
        time.sleep(fraction * phase)
        process.kill()
        codes.append(process.wait(timeout=60))
        report = json.loads((out / "report.json").read_text())
        assert sorted(report["files"]) == sorted(p.name for p in out.iterdir())
        assert (out / "model.py").stat().st_size > 0 and (out / "model.weights.h5").stat().st_size > 0
        outcomes.append(Path(report["source"]).name)
    assert codes.count(-signal.SIGKILL) >= 1, codes  # timing varies with load
    final = run_cli("convert", sources[0], "-o", out, "--overwrite", "--no-verify")
    assert final.exit_code == 0 and temp_folders(out) == []
    print("kill outcomes", codes, outcomes)


HOLD_LOCK = """
import sys, time
from mstool.toolkit.io import output_lock
with output_lock(sys.argv[1]):
    print("ready", flush=True)
    time.sleep(60)
"""


def test_second_run_on_the_same_output_exits_2_at_once(tmp_path):
    source = small_model(tmp_path / "net.onnx")
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().startswith(b"ready")
        result = run_cli("convert", source, "-o", out, "--no-verify")
        assert result.exit_code == 2 and f"pid {holder.pid}" in result.stderr
        assert not out.exists() and temp_folders(out) == []
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert run_cli("convert", source, "-o", out, "--no-verify").exit_code == 0


def test_sigterm_removes_the_temp_folder_at_once(tmp_path):
    out = tmp_path / "out"
    with staged_output(out, overwrite=False) as tmp:
        write_output(tmp, "old")
    before = snapshot(out)
    slow = KILL_SCRIPT.replace("time.sleep(0.01)", "time.sleep(5)")
    process = subprocess.Popen([sys.executable, "-c", slow, str(out), "new"], stdout=subprocess.PIPE)
    assert process.stdout.readline().startswith(b"ready")
    time.sleep(0.5)
    process.terminate()
    assert process.wait(timeout=30) == 143
    process.stdout.close()
    assert snapshot(out) == before and temp_folders(out) == []
