"""kill -9 at random moments (fixed seed) and concurrent runs on one output.

After each kill the output is the previous one or a complete new one (for simulate, once
the next run has put back an unfinished ``--overwrite``'s backup: :func:`recover` is the
first thing it does); after the next run no temp, lock or backup file is left. A second
run on an output in use stops with exit 2 at once, and the first one completes.
Run with ``-s`` to see the outcome of every kill.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from mstool.toolkit.io import lock_holder, read_artifact
from mstool.toolkit.io.backup import recover
from tests.conftest import REPO_ROOT, run_cli
from tests.preprocess.images import encode, synthetic_rgb

KILLS = 5
MSTOOL = [sys.executable, "-m", "mstool.cli.app", "-q"]
MD = ["--set", "minimisation.enabled=false", "--set", "output.positions_every=10",
      "--set", "output.energies_every=10", "--set", "output.checkpoint_every=50"]
ENDLESS = ["--set", "steps=1000000", "--set", "output.checkpoint_every=200"]  # runs until killed
LEFTOVER_MARKS = (".tmp-", ".lock", ".mstool-backup", ".part")


def spawn(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([*MSTOOL, *map(str, args)], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def kill_at(proc: subprocess.Popen, ready, delay: float, timeout: float = 240.0) -> str:
    """SIGKILL ``proc`` ``delay`` seconds after ``ready()`` first holds; says how it went."""
    deadline = time.monotonic() + timeout
    while not ready() and proc.poll() is None:
        assert time.monotonic() < deadline, "the moment to kill never came"
        time.sleep(0.005)
    end = time.monotonic() + delay
    while time.monotonic() < end and proc.poll() is None:
        time.sleep(0.005)
    running = proc.poll() is None
    proc.kill()
    proc.wait()
    return "killed" if running else f"exited {proc.returncode} first {proc.stderr.read()[-300:]}"


def wait_for_lock(path: Path, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while lock_holder(path) != proc.pid:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the run never took its lock"
        time.sleep(0.02)


def frames(traj: Path) -> int:
    """Frames in a trajectory as a reader sees it now (-1: absent or caught mid-flush)."""
    try:
        with h5py.File(traj, "r", locking=False) as h5:
            return int(h5["particles/all/position/step"].shape[0])
    except (OSError, KeyError, RuntimeError):
        return -1


def md_moment(rng: random.Random, proc: subprocess.Popen, traj: Path, kinds: list[str],
              fresh_file_of: int | None = None, base_frames: int = 0):
    """A random moment of a simulate run: after it took its lock, after it set the previous
    trajectory aside (``--overwrite``), or once its trajectory holds N more frames than
    ``base_frames`` (frames come every 10 steps, checkpoints every 200); ``fresh_file_of``:
    count frames only once the file is no longer the one with this inode."""
    kind = rng.choice(kinds)
    if kind == "lock":
        delay = rng.uniform(0, 1.0)
        return f"lock + {delay:.2f} s", lambda: lock_holder(traj) == proc.pid, delay
    if kind == "backup":
        delay = rng.uniform(0, 0.2)
        return f"backup made + {delay:.2f} s", traj.with_name(traj.name + ".mstool-backup").exists, delay
    wanted = base_frames + rng.randint(2, 40)

    def ready() -> bool:
        try:
            fresh = fresh_file_of is None or os.stat(traj).st_ino != fresh_file_of
        except FileNotFoundError:
            return False
        return fresh and frames(traj) >= wanted

    return f"{wanted} frames written", ready, 0.0


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if any(mark in p.name for mark in LEFTOVER_MARKS))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report(table: str, rows: list[tuple]) -> None:
    print(f"\n{table}")
    for row in rows:
        print("  " + " | ".join(str(c) for c in row))


# ---------------------------------------------------------------- simulate


def md_workdir(tmp_path: Path) -> Path:
    shutil.copytree(REPO_ROOT / "recipes" / "data", tmp_path / "data")
    shutil.copy(REPO_ROOT / "recipes" / "sponge.yaml", tmp_path / "sponge.yaml")
    return tmp_path / "sponge.yaml"


def checkpoint_step(path: Path) -> int:
    with np.load(path) as data:
        return int(json.loads(str(data["extra"]))["step"])


def check_trajectory(traj: Path, ckpt: Path) -> int:
    """A trajectory that opens, with finite frames every 10 steps; its checkpoint lies within it.

    A run killed after publishing its (complete, empty) H5MD layout but before its first frame
    leaves a file with no frames and no checkpoint: -1."""
    with h5py.File(traj, "r") as h5:
        steps = h5["particles/all/position/step"][:]
        values = h5["particles/all/position/value"][:]
    if len(steps) == 0:
        assert not ckpt.exists(), "a checkpoint without the frames before it"
        return -1
    assert np.all(steps == np.arange(len(steps)) * 10)
    assert np.isfinite(values).all() and values.shape[0] == len(steps)
    if ckpt.exists():
        assert checkpoint_step(ckpt) <= steps[-1]
    return int(steps[-1])


def test_simulate_overwrite_killed_anywhere_keeps_the_previous_or_the_new_trajectory(tmp_path):
    rng = random.Random(2201)
    recipe = md_workdir(tmp_path)
    traj, ckpt = tmp_path / "ala2_traj.h5", tmp_path / "ala2_traj.chk.npz"
    first = subprocess.run([*MSTOOL, "simulate", recipe, "--set", "steps=60", *MD], cwd=tmp_path,
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    previous, rows = digest(traj), []
    for _ in range(KILLS):
        proc = spawn(["simulate", recipe, "--overwrite", *MD, *ENDLESS], tmp_path)
        moment, ready, delay = md_moment(rng, proc, traj, ["lock", "backup", "frames"],
                                         fresh_file_of=os.stat(traj).st_ino)
        run = kill_at(proc, ready, delay)
        assert run == "killed", run
        recover(traj, committed_by=ckpt)  # what the next run on this trajectory does first
        if digest(traj) == previous:
            outcome = "previous trajectory intact"
        else:
            last = check_trajectory(traj, ckpt)
            assert ckpt.exists(), "a new trajectory replaced the previous one before its first checkpoint"
            outcome = f"new trajectory, frames to step {last}, checkpoint at {checkpoint_step(ckpt)}"
            previous = digest(traj)
        rows.append((moment, outcome))
    report("simulate --overwrite: kill -9 at | output (after the next run's recovery)", rows)
    final = subprocess.run([*MSTOOL, "simulate", recipe, "--overwrite", "--set", "steps=20", *MD],
                           cwd=tmp_path, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    check_trajectory(traj, ckpt)
    assert leftovers(tmp_path) == []


def test_simulate_killed_anywhere_leaves_a_readable_resumable_trajectory(tmp_path):
    rng = random.Random(2202)
    recipe = md_workdir(tmp_path)
    traj, ckpt = tmp_path / "ala2_traj.h5", tmp_path / "ala2_traj.chk.npz"
    rows = []
    for _ in range(KILLS):
        mode = ["--resume"] if ckpt.exists() else ["--overwrite"] if traj.exists() else []
        proc = spawn(["simulate", recipe, *mode, *MD, *ENDLESS], tmp_path)
        if mode == ["--resume"]:  # frames past the checkpoint are dropped first, then come again
            moment, ready, delay = md_moment(rng, proc, traj, ["lock", "frames"],
                                             base_frames=checkpoint_step(ckpt) // 10 + 1)
        else:
            moment, ready, delay = md_moment(rng, proc, traj, ["lock", "frames"],
                                             fresh_file_of=os.stat(traj).st_ino if traj.exists() else None)
        run = kill_at(proc, ready, delay)
        assert run == "killed", run
        if traj.exists():
            outcome = f"readable, frames to step {check_trajectory(traj, ckpt)}"
            outcome += f", checkpoint at {checkpoint_step(ckpt)}" if ckpt.exists() else ", no checkpoint yet"
        else:
            outcome = "no trajectory yet"
        rows.append((" ".join(mode) or "(new)", moment, outcome))
    report("simulate: mode | kill -9 at | output", rows)
    if ckpt.exists():  # the interrupted run continues where its checkpoint left it
        end = checkpoint_step(ckpt) + 20
        final = subprocess.run([*MSTOOL, "simulate", recipe, "--resume", "--set", f"steps={end}", *MD],
                               cwd=tmp_path, capture_output=True, text=True)
        assert final.returncode == 0, final.stderr
        assert check_trajectory(traj, ckpt) == end
    else:
        final = subprocess.run([*MSTOOL, "simulate", recipe, "--overwrite", "--set", "steps=20", *MD],
                               cwd=tmp_path, capture_output=True, text=True)
        assert final.returncode == 0, final.stderr
    assert leftovers(tmp_path) == []


def test_a_second_simulate_stops_at_once_and_readers_do_not_stop_the_first(tmp_path, monkeypatch):
    recipe = md_workdir(tmp_path)
    monkeypatch.chdir(tmp_path)
    traj = tmp_path / "ala2_traj.h5"
    first = spawn(["simulate", recipe, "--set", "steps=600", *MD], tmp_path)
    wait_for_lock(traj, first)
    start = time.perf_counter()
    second = run_cli("simulate", recipe, "--overwrite", "--set", "steps=600", *MD)
    took = time.perf_counter() - start
    assert second.exit_code == 2 and f"(pid {first.pid})" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1 and took < 5
    deadline = time.monotonic() + 90
    while frames(traj) < 1:
        assert first.poll() is None and time.monotonic() < deadline, first.stderr.read()
        time.sleep(0.01)
    seen = run_cli("--json", "inspect", traj)  # a trajectory being written reads as it stands
    assert seen.exit_code == 0, seen.stderr
    assert seen.json()["kind"] == "trajectory" and seen.json()["being_written_by"] == first.pid
    with h5py.File(traj, "r") as h5:  # a plain h5py reader holding the file for a while
        time.sleep(1.5)
        assert h5["particles/all/position/step"].shape[0] >= 1
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert check_trajectory(traj, tmp_path / "ala2_traj.chk.npz") == 600
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- preprocess

IMAGES = 600
PREPROCESS_RECIPE = """recipe: preprocess
ops:
  - {op: resize, height: 64, width: 64}
output:
  dtype: uint8
"""


def image_folder(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "images"
    folder.mkdir()
    first = folder / "img0000.png"
    first.write_bytes(encode(synthetic_rgb(48, 48), "PNG"))
    for i in range(1, IMAGES):  # hard links: many inputs, no disk
        os.link(first, folder / f"img{i:04d}.png")
    recipe = tmp_path / "small.yaml"
    recipe.write_text(PREPROCESS_RECIPE)
    return folder, recipe


def test_preprocess_killed_anywhere_keeps_the_previous_or_a_complete_output(tmp_path):
    rng = random.Random(2203)
    folder, recipe = image_folder(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "images.h5"
    args = ["preprocess", "run", folder, "-o", out, "-r", recipe, "--workers", "1", "--overwrite"]
    first = subprocess.run([*MSTOOL, *map(str, args)], cwd=tmp_path, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    previous, rows = os.stat(out).st_ino, []
    for _ in range(KILLS):
        proc = spawn(args, tmp_path)
        if rng.random() < 0.5:
            delay = rng.uniform(0.0, 1.0)
            moment, ready = f"lock + {delay:.2f} s", lambda proc=proc: lock_holder(out) == proc.pid
        else:  # while the images stream into the temp file, up to its rename and past it
            delay = rng.uniform(0.0, 0.8)
            moment = f"temp file + {delay:.2f} s"
            ready = lambda proc=proc: any(out_dir.glob(f"images.h5.tmp-{proc.pid}-*"))  # noqa: E731
        run = kill_at(proc, ready, delay)
        if os.stat(out).st_ino == previous:
            outcome = "previous output intact"
            assert read_artifact(out, "images").meta.count == IMAGES
        else:
            assert read_artifact(out, "images").meta.count == IMAGES
            outcome = "complete new output"
            previous = os.stat(out).st_ino
        rows.append((moment, run, outcome,
                     f"temp files left: {len([n for n in leftovers(out_dir) if '.tmp-' in n])}"))
    report("preprocess --overwrite: kill -9 at | run | output | before the next run", rows)
    final = subprocess.run([*MSTOOL, *map(str, args)], cwd=tmp_path, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert leftovers(out_dir) == []


def test_a_second_preprocess_on_the_same_output_stops_at_once(tmp_path):
    folder, recipe = image_folder(tmp_path)
    out = tmp_path / "images.h5"
    args = ["preprocess", "run", folder, "-o", out, "-r", recipe, "--workers", "1"]
    first = spawn(args, tmp_path)
    wait_for_lock(out, first)
    start = time.perf_counter()
    second = run_cli(*args, "--overwrite")
    took = time.perf_counter() - start
    assert second.exit_code == 2 and f"(pid {first.pid})" in second.stderr and took < 5
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert read_artifact(out, "images").meta.count == IMAGES
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- train's shared gradient file

SHARED_SUM = """
import os, sys
from pathlib import Path
import numpy as np
from mstool.toolkit.train.local_sum import LocalSum
# named as the launcher names it: mstool-train-<launcher pid>-<attempt>-<random>
# worker 0 of 2 whose peer never comes: the shared file exists from its first sum on
summer = LocalSum(Path(sys.argv[1]) / f"mstool-train-{os.getpid()}-0-ab12", worker=0, workers=2, wait_s=60)
print("ready", flush=True)
summer([np.ones(2**18, np.float32)])
"""


def test_shared_gradient_files_of_killed_launchers_go_at_the_next_launch(tmp_path, monkeypatch):
    from mstool.toolkit.train import launcher

    monkeypatch.setattr(launcher, "_shared_folder", lambda output_dir: tmp_path)
    rng = random.Random(2204)
    rows = []
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-c", SHARED_SUM, str(tmp_path)], cwd=REPO_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        kill_at(proc, lambda: True, rng.uniform(0.0, 0.1))
        rows.append(sorted(p.name for p in tmp_path.iterdir()))
    removed = launcher.remove_stale_shared_files(tmp_path / "out")
    assert list(tmp_path.iterdir()) == [] or all(p.name == "out" for p in tmp_path.iterdir())
    report("train shared file: left by each killed process | removed at the next launch",
           [(", ".join(r) or "(none)", len(removed)) for r in rows])


@pytest.mark.slow
def test_train_workers_killed_anywhere_keep_a_complete_output_and_no_shared_file(tmp_path):
    """mstool train --workers 2 (TensorFlow in each worker: about 30 s a run on 2 cores)."""
    rng = random.Random(2205)
    out = tmp_path / "run"
    common = ["train", REPO_ROOT / "recipes" / "train_digits.yaml", "--workers", "2", "-o", out, "--no-onnx",
              "--set", "model.width=8", "--set", "run.max_steps=40", "--set", "checkpoint.every=5"]
    shm = Path("/dev/shm")

    def shared_files() -> list[str]:
        return sorted(p.name for p in shm.iterdir() if p.name.startswith("mstool-train-"))

    rows = []
    kinds = ["shared file", "checkpoint", "start", "shared file", "checkpoint"]  # each moment, random delays
    for kind in kinds[:KILLS]:
        mode = ["--resume"] if (out / "checkpoint.h5").exists() else []
        proc = spawn([*common, *mode], tmp_path)
        mtime = (out / "checkpoint.h5").stat().st_mtime_ns if (out / "checkpoint.h5").exists() else 0

        def new_checkpoint(mtime=mtime) -> bool:
            try:
                return (out / "checkpoint.h5").stat().st_mtime_ns != mtime
            except FileNotFoundError:
                return False

        if kind == "shared file":  # the moment worker 0 made it (or, if it came and went unseen, later)
            delay = rng.uniform(0.0, 0.1)
            ready = lambda proc=proc: any(f"-{proc.pid}-" in n for n in shared_files()) or new_checkpoint()  # noqa: E731
        elif kind == "checkpoint":
            delay = rng.uniform(0.0, 2.0)
            ready = new_checkpoint
        else:
            delay = rng.uniform(2.0, 15.0)
            ready = lambda: True  # noqa: E731
        run = kill_at(proc, ready, delay, timeout=600)
        time.sleep(1.0)  # the kernel kills the workers with their launcher
        assert workers_of(out) == [], "orphaned workers outlived their launcher"
        checkpoint = "none yet"
        if (out / "checkpoint.h5").exists():
            with h5py.File(out / "checkpoint.h5", "r") as h5:
                assert "model" in h5
            checkpoint = "opens"
        rows.append((" ".join(mode) or "(new)", f"{kind} + {delay:.2f} s", run, f"checkpoint {checkpoint}",
                     f"shared files left: {len([n for n in shared_files() if f'-{proc.pid}-' in n])}"))
    final = subprocess.run([*MSTOOL, *map(str, common), "--resume"], cwd=tmp_path, capture_output=True,
                           text=True)
    assert final.returncode == 0, final.stderr
    report("train --workers 2: mode | kill -9 at | run | checkpoint | shared files of that run", rows)
    assert [n for n in shared_files() if not n.split("-")[2].isdigit()
            or not _alive(int(n.split("-")[2]))] == []
    assert leftovers(out) == []


def workers_of(out: Path) -> list[int]:
    """Live worker processes started for the output folder ``out``."""
    spec = str(out / "worker-spec.json").encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and spec in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True

