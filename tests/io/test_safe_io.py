"""The shared file layer: temp files, planted links, stale leftovers, locks, SIGTERM, backups."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mstool.schemas.sample import SampleMeta
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import atomic_write_path, lock_holder, output_lock, read_artifact, write_artifact
from mstool.toolkit.io import backup as backup_module
from mstool.toolkit.io.atomic import check_writable, remove_stale_temps
from mstool.toolkit.io.backup import Backup, backup_folder, recover
from tests.conftest import REPO_ROOT


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def write_sample(path: Path, values) -> None:
    with write_artifact(path, SampleMeta(datasets=["x"])) as art:
        art.h5.create_dataset("x", data=values)


def test_a_link_planted_at_the_old_temp_name_does_not_redirect_the_write(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")
    out = tmp_path / "out.h5"
    for name in (f"out.h5.tmp-{os.getpid()}", f"out.h5.tmp-{os.getpid()}-0", "out.h5.part"):
        (tmp_path / name).symlink_to(victim)
    write_sample(out, np.arange(4))
    assert victim.read_text() == "someone else's file"
    assert not out.is_symlink() and read_artifact(out).kind == "sample"
    assert all((tmp_path / n).is_symlink() for n in (f"out.h5.tmp-{os.getpid()}", "out.h5.part"))


def test_a_symlinked_output_is_refused(tmp_path):
    target = tmp_path / "real.h5"
    write_sample(target, np.zeros(2))
    link = tmp_path / "link.h5"
    link.symlink_to(target)
    with pytest.raises(InputError, match="symbolic link.*real path"):
        write_sample(link, np.ones(2))
    with pytest.raises(InputError, match="symbolic link"):
        check_writable(link)
    assert read_artifact(target).kind == "sample" and link.is_symlink()


def test_temp_files_of_dead_runs_are_removed_live_ones_and_links_kept(tmp_path):
    out = tmp_path / "out.h5"
    dead = dead_pid()
    stale = [tmp_path / f"out.h5.tmp-{dead}-k2j4x", tmp_path / f"out.h5.tmp-{dead}"]  # new and old names
    for path in stale:
        path.write_bytes(b"partial")
    live = tmp_path / f"out.h5.tmp-{os.getppid()}-abcd"
    live.write_bytes(b"another run at work")
    link = tmp_path / f"out.h5.tmp-{dead}-lnk"
    link.symlink_to(tmp_path / "elsewhere")
    other = tmp_path / f"other.h5.tmp-{dead}-zz"
    other.write_bytes(b"not this output's")
    write_sample(out, np.arange(3))  # the next run on out.h5
    assert not any(p.exists() for p in stale)
    assert live.exists() and link.is_symlink() and other.exists()
    assert remove_stale_temps(out) == []


def test_a_failed_write_leaves_the_previous_file_and_no_temp(tmp_path):
    out = tmp_path / "out.h5"
    write_sample(out, np.arange(3))
    with pytest.raises(RuntimeError), atomic_write_path(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert read_artifact(out).kind == "sample"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5"]


def test_outputs_keep_the_usual_permissions(tmp_path):
    out = tmp_path / "out.txt"
    with atomic_write_path(out) as tmp:
        tmp.write_text("x")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


HOLD_LOCK = """
import sys, time
from mstool.toolkit.io import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_writer_stops_naming_the_first_and_kill_9_releases_the_lock(tmp_path):
    out = tmp_path / "out.h5"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True,
                              cwd=REPO_ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert lock_holder(out) == holder.pid
        start = time.perf_counter()
        with pytest.raises(InputError, match=f"another mstool run \\(pid {holder.pid}\\)"):
            write_sample(out, np.zeros(2))
        assert time.perf_counter() - start < 1.0
        assert not out.exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert lock_holder(out) is None
    write_sample(out, np.zeros(2))  # the kernel dropped the dead run's lock
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5"]  # and the lock file went at exit


def test_the_lock_is_reentrant_in_one_process(tmp_path):
    out = tmp_path / "out.h5"
    with output_lock(out):
        write_sample(out, np.zeros(2))  # takes the same lock inside
        assert lock_holder(out) == os.getpid()
    assert lock_holder(out) is None


SLOW_WRITE = """
import sys, time
from mstool.toolkit.io import atomic_write_path
with atomic_write_path(sys.argv[1]) as tmp:
    tmp.write_text("half")
    print(tmp, flush=True)
    time.sleep(60)
"""


def test_sigterm_removes_the_temp_file(tmp_path):
    out = tmp_path / "out.txt"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, str(out)], stdout=subprocess.PIPE, text=True,
                            cwd=REPO_ROOT)
    tmp = Path(proc.stdout.readline().strip())
    assert tmp.exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("had_checkpoint", [True, False])
def test_a_kill_at_any_rename_of_the_backup_is_undone_by_the_next_run(tmp_path, monkeypatch, had_checkpoint):
    """Every os.replace of Backup.start and commit may be the last thing a killed run did."""
    real_replace = os.replace
    for fail_at in range(6):
        folder = tmp_path / f"case{fail_at}"
        folder.mkdir()
        traj, ckpt = folder / "t.h5", folder / "t.chk.npz"
        traj.write_text("old frames")
        if had_checkpoint:
            ckpt.write_text("old checkpoint")
        before = _files(folder)
        calls = [0]

        def dying_replace(src, dst, fail_at=fail_at, calls=calls):
            if calls[0] == fail_at:
                raise KeyboardInterrupt("killed")
            calls[0] += 1
            return real_replace(src, dst)

        monkeypatch.setattr(backup_module.os, "replace", dying_replace)
        committed = False
        try:
            backup = Backup.start(traj, [ckpt])
            traj.write_text("new frames")
            ckpt.write_text("new checkpoint")
            backup.commit()
            committed = True
        except KeyboardInterrupt:
            pass
        monkeypatch.setattr(backup_module.os, "replace", real_replace)
        recover(traj)  # the next run
        after = _files(folder)
        if committed:
            assert after == {"t.h5": "new frames", "t.chk.npz": "new checkpoint"}
        else:
            assert after == before, fail_at
        assert not backup_folder(traj).exists()
        assert not any(p.is_dir() for p in folder.iterdir())


@pytest.mark.parametrize("had_checkpoint", [True, False])
def test_a_run_killed_between_its_first_checkpoint_and_commit_counts_as_committed(tmp_path, had_checkpoint):
    traj, ckpt = tmp_path / "t.h5", tmp_path / "t.chk.npz"
    traj.write_text("old frames")
    if had_checkpoint:
        ckpt.write_text("old checkpoint")
    Backup.start(traj, [ckpt])
    traj.write_text("new frames")
    ckpt.write_text("new checkpoint")  # killed here, before commit
    assert recover(traj, committed_by=ckpt) == "cleaned"
    assert _files(tmp_path) == {"t.h5": "new frames", "t.chk.npz": "new checkpoint"}
    assert not any(p.is_dir() for p in tmp_path.iterdir())


def test_without_a_new_checkpoint_the_previous_files_come_back(tmp_path):
    traj, ckpt = tmp_path / "t.h5", tmp_path / "t.chk.npz"
    traj.write_text("old frames")
    ckpt.write_text("old checkpoint")
    Backup.start(traj, [ckpt])
    traj.write_text("new frames, no checkpoint yet")
    assert recover(traj, committed_by=ckpt) == "restored"
    assert _files(tmp_path) == {"t.h5": "old frames", "t.chk.npz": "old checkpoint"}


def test_rollback_brings_the_previous_files_back(tmp_path):
    traj, ckpt = tmp_path / "t.h5", tmp_path / "t.chk.npz"
    traj.write_text("old")
    backup = Backup.start(traj, [ckpt])
    traj.write_text("new, failed")
    ckpt.write_text("new checkpoint")
    backup.rollback()
    assert _files(tmp_path) == {"t.h5": "old"}


def test_planted_links_redirect_neither_preprocess_nor_the_simulate_checkpoint(tmp_path, monkeypatch):
    import shutil

    from tests.conftest import run_cli
    from tests.preprocess.images import write_demo_set

    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")
    write_demo_set(tmp_path / "images")
    images, out = tmp_path / "images", tmp_path / "out.h5"
    recipe = tmp_path / "small.yaml"
    recipe.write_text("recipe: preprocess\nops:\n  - {op: resize, height: 16, width: 16}\n")
    (tmp_path / f"out.h5.tmp-{os.getpid()}").symlink_to(victim)
    result = run_cli("preprocess", "run", images, "-o", out, "-r", recipe, "--workers", "1")
    assert result.exit_code == 0, result.stderr
    assert read_artifact(out, "images").meta.count > 0

    shutil.copytree(REPO_ROOT / "recipes" / "data", tmp_path / "data")
    shutil.copy(REPO_ROOT / "recipes" / "sponge.yaml", tmp_path / "sponge.yaml")
    monkeypatch.chdir(tmp_path)
    for name in (f"ala2_traj.chk.npz.tmp-{os.getpid()}", f"ala2_traj.h5.tmp-{os.getpid()}"):
        (tmp_path / name).symlink_to(victim)
    result = run_cli("simulate", tmp_path / "sponge.yaml", "--set", "steps=20", "--set",
                     "minimisation.enabled=false", "--set", "output.checkpoint_every=10")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "ala2_traj.chk.npz").is_file() and not (tmp_path / "ala2_traj.chk.npz").is_symlink()
    assert victim.read_text() == "someone else's file"
