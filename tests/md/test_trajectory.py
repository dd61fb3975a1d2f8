"""H5MD output, checkpoint/resume reproducibility and frames surviving a kill."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

from tests.conftest import REPO_ROOT, run_cli


def _workdir(tmp_path: Path) -> Path:
    shutil.copytree(REPO_ROOT / "recipes" / "data", tmp_path / "data")
    shutil.copy(REPO_ROOT / "recipes" / "sponge.yaml", tmp_path / "sponge.yaml")
    return tmp_path / "sponge.yaml"


COMMON = [
    "--set",
    "minimisation.enabled=false",
    "--set",
    "output.positions_every=10",
    "--set",
    "output.energies_every=10",
    "--set",
    "output.checkpoint_every=50",
]


def test_h5md_layout_and_json_summary(tmp_path, monkeypatch):
    recipe = _workdir(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run_cli(
        "--json", "simulate", recipe, "--set", "steps=40", *COMMON, "--set", "output.velocities_every=20"
    )
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["run"]["frames"] == 5 and summary["run"]["ns_per_day"] > 0
    with h5py.File(tmp_path / "ala2_traj.h5", "r") as h5:
        assert list(h5["h5md"].attrs["version"]) == [1, 1]
        assert h5["h5md/creator"].attrs["name"] == "mstool"
        pos = h5["particles/all/position"]
        assert pos["value"].shape == (5, 22, 3) and pos["value"].attrs["unit"] == "nm"
        assert list(pos["step"][:]) == [0, 10, 20, 30, 40]
        assert np.allclose(pos["time"][:], np.arange(5) * 0.02)
        assert h5["particles/all/velocity/value"].shape == (3, 22, 3)
        assert h5["particles/all/box"].attrs["boundary"][0] == b"none"
        obs = h5["observables"]
        for name in ("potential_energy", "kinetic_energy", "total_energy", "temperature", "energy_torsion"):
            assert obs[name]["value"].shape == (5,)
        total = obs["total_energy/value"][:]
        assert np.allclose(total, obs["potential_energy/value"][:] + obs["kinetic_energy/value"][:])
        assert h5.attrs["mstool_kind"] == "trajectory"


def test_resume_reproduces_uninterrupted_run(tmp_path, monkeypatch):
    full_dir, part_dir = tmp_path / "full", tmp_path / "part"
    full_dir.mkdir()
    part_dir.mkdir()
    monkeypatch.chdir(full_dir)
    full = run_cli("simulate", _workdir(full_dir), "--set", "steps=150", *COMMON)
    assert full.exit_code == 0, full.stderr
    recipe = _workdir(part_dir)
    monkeypatch.chdir(part_dir)
    # Stop at 120: frames 110 and 120 lie past the step-100 checkpoint, as after a kill.
    first = run_cli("simulate", recipe, "--set", "steps=120", *COMMON)
    assert first.exit_code == 0, first.stderr
    resumed = run_cli("simulate", recipe, "--set", "steps=150", *COMMON, "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    with h5py.File(full_dir / "ala2_traj.h5") as a, h5py.File(part_dir / "ala2_traj.h5") as b:
        assert list(a["particles/all/position/step"][:]) == list(b["particles/all/position/step"][:])
        assert np.array_equal(a["particles/all/position/value"][:], b["particles/all/position/value"][:])
        assert np.array_equal(a["observables/total_energy/value"][:], b["observables/total_energy/value"][:])


def test_frames_survive_a_kill(tmp_path):
    recipe = _workdir(tmp_path)
    env = dict(os.environ)
    cmd = [
        sys.executable,
        "-m",
        "mstool.cli.app",
        "simulate",
        str(recipe),
        "--set",
        "steps=10000000",
        "--set",
        "output.positions_every=5",
        "--set",
        "minimisation.enabled=false",
    ]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    traj = tmp_path / "ala2_traj.h5"
    deadline = time.time() + 120
    try:
        while time.time() < deadline:
            time.sleep(0.5)
            if traj.exists():
                try:
                    with h5py.File(traj, "r") as h5:
                        if h5["particles/all/position/step"].shape[0] >= 20:
                            break
                except (OSError, KeyError):
                    pass
            assert proc.poll() is None, proc.stderr.read().decode()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with h5py.File(traj, "r") as h5:
        n = h5["particles/all/position/step"].shape[0]
        assert n >= 5
        values = h5["particles/all/position/value"][:n]
        assert np.isfinite(values).all()
    assert run_cli("inspect", traj).exit_code == 0
