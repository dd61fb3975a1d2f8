"""``mstool simulate --replicas N``: independent seeds, one trajectory and checkpoint each, resumable."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from tests.conftest import REPO_ROOT, run_cli

SHORT = ["--set", "minimisation.enabled=false", "--set", "output.positions_every=10",
         "--set", "output.energies_every=10", "--set", "output.checkpoint_every=20",
         "--set", "output.trajectory=runs/ala2.h5"]


@pytest.fixture
def recipe(tmp_path, monkeypatch) -> Path:
    shutil.copytree(REPO_ROOT / "recipes" / "data", tmp_path / "data")
    shutil.copy(REPO_ROOT / "recipes" / "sponge.yaml", tmp_path / "sponge.yaml")
    (tmp_path / "runs").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path / "sponge.yaml"


def positions(path: Path) -> np.ndarray:
    with h5py.File(path) as h5:
        return h5["particles/all/position/value"][()]


def replicas(recipe, steps, *extra):
    result = run_cli("--json", "simulate", recipe, "--set", f"steps={steps}", *SHORT, "--replicas", 2, *extra)
    assert result.exit_code == 0, result.stderr
    return result.json()["replicas"]


def test_replicas_differ_by_seed_and_resume_skips_finished_ones(recipe, tmp_path):
    rows = replicas(recipe, 20)
    folder = tmp_path / "runs" / "ala2"
    assert [row["seed"] for row in rows] == [2024, 2025]
    assert sorted(p.name for p in folder.iterdir()) == [
        "replica-0.chk.npz", "replica-0.done.json", "replica-0.h5",
        "replica-1.chk.npz", "replica-1.done.json", "replica-1.h5"]
    first, second = positions(folder / "replica-0.h5"), positions(folder / "replica-1.h5")
    assert first.shape == (3, 22, 3) and not np.array_equal(first[1:], second[1:])
    # The same seed gives the same replica as a plain run.
    plain = run_cli("simulate", recipe, "--set", "steps=20", *SHORT, "--set", "seed=2025",
                    "--set", "output.trajectory=runs/plain.h5",
                    "--set", "output.checkpoint=runs/plain.chk.npz")
    assert plain.exit_code == 0, plain.stderr
    assert np.array_equal(positions(tmp_path / "runs" / "plain.h5"), second)

    again = run_cli("simulate", recipe, "--set", "steps=20", *SHORT, "--replicas", 2)
    assert again.exit_code == 2 and "replica-0.h5: exists; pass --resume" in again.stderr
    (folder / "replica-1.done.json").unlink()  # as if replica 1 had been stopped
    rows = replicas(recipe, 40, "--resume")
    assert [(row["skipped"], row["resumed_from"]) for row in rows] == [(False, 20), (False, 20)]
    rows = replicas(recipe, 40, "--resume")
    assert [row["skipped"] for row in rows] == [True, True]
    assert positions(folder / "replica-1.h5").shape == (5, 22, 3)


@pytest.mark.slow  # starts 2 worker processes that load the MD kernels (about 25 s on a busy 2-core machine)
def test_dask_replicas_match_in_process(recipe, tmp_path):
    pytest.importorskip("distributed")
    replicas(recipe, 20)
    folder = tmp_path / "runs" / "ala2"
    ours = [positions(folder / f"replica-{k}.h5") for k in range(2)]
    rows = replicas(recipe, 20, "--overwrite", "--processes", 2)
    assert [row["seed"] for row in rows] == [2024, 2025]
    for k in range(2):
        assert positions(folder / f"replica-{k}.h5").tobytes() == ours[k].tobytes()


def test_engine_options_need_replicas(recipe):
    result = run_cli("simulate", recipe, "--processes", 2)
    assert result.exit_code == 2 and "--replicas" in result.stderr
