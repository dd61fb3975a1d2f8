"""DCD and XTC output through MDAnalysis, read back against the H5MD of the same run; resume;
virtual sites kept or omitted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from mstool.toolkit import extras
from tests.conftest import REPO_ROOT, run_cli, shared_data

mda = pytest.importorskip("MDAnalysis")

# Positions in Angstrom: DCD stores float32, XTC rounds to 1e-3 nm (half a step of error at most).
TOLERANCE = {"dcd": 1e-4, "xtc": 0.0051}
RUN = ["--set", "minimisation.enabled=false", "--set", "output.positions_every=10",
       "--set", "output.energies_every=10", "--set", "output.checkpoint_every=20"]


def _bundled_recipe(tmp_path: Path) -> Path:
    shutil.copytree(REPO_ROOT / "recipes" / "data", tmp_path / "data")
    shutil.copy(REPO_ROOT / "recipes" / "sponge.yaml", tmp_path / "sponge.yaml")
    return tmp_path / "sponge.yaml"


def _tip4p_recipe(tmp_path: Path) -> Path:
    folder = shared_data("md_breadth", "tip4p_water_box")
    recipe = tmp_path / "tip4p.yaml"
    recipe.write_text(
        "recipe: simulate\n"
        f"system: {{topology: {folder / 'tip4p.parm7'}, coordinates: {folder / 'tip4p.rst7'}}}\n"
        "nonbonded: {method: pme, cutoff: 0.8}\n"
        "dt: 0.001\nseed: 7\n"
    )
    return recipe


def _read(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(positions in Angstrom, box dimensions) of every frame, through MDAnalysis' readers."""
    reader = mda.coordinates.DCD.DCDReader if path.suffix == ".dcd" else mda.coordinates.XTC.XTCReader
    traj = reader(str(path))
    frames = [(ts.positions.copy(), None if ts.dimensions is None else ts.dimensions.copy()) for ts in traj]
    traj.close()
    return np.array([f[0] for f in frames]), [f[1] for f in frames]


def _h5md(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    with h5py.File(path, "r") as h5:
        pos = h5["particles/all/position/value"][:] * 10.0
        box = h5["particles/all/box"]
        edges = box["edges/value"][:] * 10.0 if "edges" in box else None
    return pos, edges


def _run(recipe: Path, trajectory: str, *extra: str) -> None:
    result = run_cli("simulate", recipe, "--set", f"output.trajectory={trajectory}", *RUN, *extra)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("fmt", ["dcd", "xtc"])
def test_dcd_and_xtc_hold_the_h5md_positions(tmp_path, monkeypatch, fmt):
    recipe = _bundled_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    _run(recipe, "ref.h5", "--set", "steps=30")
    _run(recipe, f"run.{fmt}", "--set", "steps=30")
    reference, _ = _h5md(tmp_path / "ref.h5")
    positions, _ = _read(tmp_path / f"run.{fmt}")
    assert positions.shape == reference.shape == (4, 22, 3)
    assert np.max(np.abs(positions - reference)) < TOLERANCE[fmt]
    assert np.ptp(reference[-1] - reference[0]) > 0.01  # the atoms did move between frames
    assert not list(tmp_path.glob("*.tmp-*"))


def test_periodic_box_and_virtual_sites_in_every_format(tmp_path, monkeypatch):
    recipe = _tip4p_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in ("ref.h5", "run.dcd", "run.xtc"):
        _run(recipe, name, "--set", "steps=20")
    reference, edges = _h5md(tmp_path / "ref.h5")
    assert reference.shape == (3, 864, 3)  # 216 waters of 4 sites: the extra points are kept
    for fmt in ("dcd", "xtc"):
        positions, dims = _read(tmp_path / f"run.{fmt}")
        assert np.max(np.abs(positions - reference)) < TOLERANCE[fmt]
        for frame, box in zip(dims, edges, strict=True):
            assert np.allclose(frame[:3], box, atol=1e-3) and np.allclose(frame[3:], 90.0)


def test_omitted_virtual_sites_leave_the_real_atoms(tmp_path, monkeypatch):
    recipe = _tip4p_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    _run(recipe, "keep.h5", "--set", "steps=10")
    _run(recipe, "omit.h5", "--set", "steps=10", "--set", "output.virtual_sites=omit")
    _run(recipe, "omit.xtc", "--set", "steps=10", "--set", "output.virtual_sites=omit")
    kept, _ = _h5md(tmp_path / "keep.h5")
    omitted, _ = _h5md(tmp_path / "omit.h5")
    real = np.arange(864) % 4 != 3  # O, H1, H2, then the extra point EPW
    assert omitted.shape == (2, 648, 3)
    assert np.array_equal(omitted, kept[:, real])
    with h5py.File(tmp_path / "omit.h5") as h5:
        assert json.loads(h5.attrs["mstool_meta"])["n_atoms"] == 648
    assert _read(tmp_path / "omit.xtc")[0].shape == (2, 648, 3)


@pytest.mark.parametrize("fmt", ["dcd", "xtc"])
def test_resume_continues_the_published_file(tmp_path, monkeypatch, fmt):
    recipe = _bundled_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    _run(recipe, f"full.{fmt}", "--set", "steps=50", "--set", "output.checkpoint=full.chk.npz")
    # Stop at 30: frame 30 lies past the step-20 checkpoint, as after a kill.
    part = ["--set", "output.checkpoint=part.chk.npz"]
    _run(recipe, f"part.{fmt}", "--set", "steps=30", *part)
    assert _read(tmp_path / f"part.{fmt}")[0].shape[0] == 4
    _run(recipe, f"part.{fmt}", "--set", "steps=50", *part, "--resume")
    full, part_positions = _read(tmp_path / f"full.{fmt}")[0], _read(tmp_path / f"part.{fmt}")[0]
    assert full.shape[0] == 6 and np.array_equal(full, part_positions)


def test_triclinic_box_vectors_round_trip(tmp_path):
    from mstool.toolkit.md.trajectory_formats import MDAnalysisTrajectoryWriter

    octahedron = np.array([[4.0, 0.0, 0.0], [-1.3333, 3.7712, 0.0], [-1.3333, -1.8856, 3.2660]])
    positions = np.random.default_rng(0).uniform(0, 3, size=(5, 3))
    for fmt in ("dcd", "xtc"):
        out = tmp_path / f"oct.{fmt}"
        with MDAnalysisTrajectoryWriter(out, fmt, n_atoms=5, every=1, dt=0.002) as writer:
            writer.write_positions(0, 0.0, positions, octahedron)
        read, dims = _read(out)
        vectors = mda.lib.mdamath.triclinic_vectors(dims[0]) / 10.0
        assert np.allclose(vectors, octahedron, atol=1e-4)
        assert np.allclose(read[0] / 10.0, positions, atol=1e-3)


def test_dcd_without_mdanalysis_names_the_extra(tmp_path, monkeypatch):
    recipe = _bundled_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    real = extras.is_installed
    monkeypatch.setattr(extras, "is_installed", lambda m: m != "MDAnalysis" and real(m))
    result = run_cli("simulate", recipe, "--set", "steps=10", "--set", "output.trajectory=run.dcd")
    assert result.exit_code == 2
    assert "pip install 'mstool[md]'" in result.stderr
    assert not (tmp_path / "run.dcd").exists()


def test_format_that_contradicts_the_suffix_is_refused(tmp_path, monkeypatch):
    recipe = _bundled_recipe(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run_cli("simulate", recipe, "--set", "steps=10", "--set", "output.trajectory=run.dcd",
                     "--set", "output.format=xtc")
    assert result.exit_code == 2 and "output.format is xtc" in result.stderr
    assert not (tmp_path / "run.dcd").exists()
