"""A run killed while writing its checkpoint leaves ``CHK.lock``; the next run removes it."""

from __future__ import annotations

from pathlib import Path

from mstool.toolkit.md.outputs import run_outputs


def test_the_next_run_removes_a_dead_runs_checkpoint_lock(tmp_path: Path):
    trajectory, checkpoint = tmp_path / "t.h5", tmp_path / "t.chk.npz"
    stale = tmp_path / "t.chk.npz.lock"
    stale.write_text("999999999\n")  # no process holds it: the writer was killed
    with run_outputs(trajectory, checkpoint, replace=False) as commit:
        commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
