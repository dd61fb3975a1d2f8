"""Bad input: one-line errors with exit 2 (exit 1 for a blow-up), valid partial trajectories."""

from __future__ import annotations

import shutil

import h5py
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.amber import read_coordinates, read_prmtop
from mstool.toolkit.md.data import bundled
from tests.conftest import run_cli

RECIPE = "recipes/sponge.yaml"


def _copy_without_flag(src, dst, flag):
    lines = src.read_text().splitlines(keepends=True)
    out, skip = [], False
    for line in lines:
        if line.startswith("%FLAG"):
            skip = line.split()[1] == flag
        if not skip:
            out.append(line)
    dst.write_text("".join(out))


def test_prmtop_missing_required_flag(tmp_path):
    top, crd = bundled("ala2_vacuum")
    broken = tmp_path / "broken.parm7"
    _copy_without_flag(top, broken, "BONDS_INC_HYDROGEN")
    with pytest.raises(InputError, match="missing required %FLAG BONDS_INC_HYDROGEN"):
        read_prmtop(broken)
    result = run_cli("simulate", RECIPE, "--set", f"system.topology={broken}", "--set", "steps=0")
    assert result.exit_code == 2
    assert "BONDS_INC_HYDROGEN" in result.stderr and str(broken) in result.stderr


def test_prmtop_bad_number_names_flag_and_line(tmp_path):
    top, _ = bundled("ala2_vacuum")
    text = top.read_text().replace("  1.00800000E+00  1.20100000E+01", "  1.00800000E+00  1.2x100000E+01", 1)
    broken = tmp_path / "bad.parm7"
    broken.write_text(text)
    with pytest.raises(InputError, match=r"%FLAG MASS: expected a number") as err:
        read_prmtop(broken)
    assert ":" in err.value.where and err.value.where.startswith(str(broken))


def test_coordinates_atom_count_mismatch(tmp_path):
    _, crd = bundled("ala2_vacuum")
    lines = crd.read_text().splitlines()
    lines[1] = "    21"
    wrong = tmp_path / "wrong.rst7"
    wrong.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="has 21 atoms but the topology has 22"):
        read_coordinates(wrong, 22)
    result = run_cli("simulate", RECIPE, "--set", f"system.coordinates={wrong}", "--set", "steps=0")
    assert result.exit_code == 2 and "21 atoms" in result.stderr


def test_cutoff_longer_than_half_box(tmp_path):
    top, crd = bundled("ala2_vacuum")
    boxed = tmp_path / "boxed.rst7"
    boxed.write_text(
        crd.read_text().rstrip("\n") + "\n  20.0000000  20.0000000  20.0000000  90.0000000  90.0000000"
        "  90.0000000\n"
    )
    result = run_cli(
        "simulate",
        RECIPE,
        "--set",
        f"system.coordinates={boxed}",
        "--set",
        "nonbonded.method=pme",
        "--set",
        "nonbonded.cutoff=1.2",
        "--set",
        "steps=0",
    )
    assert result.exit_code == 2
    assert "longer than half the smallest box width (1.0000 nm)" in result.stderr


def test_unknown_recipe_key(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: simulate\nnonbonded:\n  methd: pme\n")
    result = run_cli("simulate", recipe, "--set", "steps=0")
    assert result.exit_code == 2
    assert "unknown key 'nonbonded.methd'" in result.stderr and "r.yaml:3" in result.stderr
    result = run_cli("simulate", RECIPE, "--set", "integratr=verlet")
    assert result.exit_code == 2 and "unknown key" in result.stderr


def test_blow_up_is_reported_and_trajectory_stays_valid(tmp_path):
    root = tmp_path / "run"
    shutil.copytree("recipes/data", root / "data")
    shutil.copy(RECIPE, root / "sponge.yaml")
    traj = root / "blow.h5"
    result = run_cli(
        "simulate",
        root / "sponge.yaml",
        "--set",
        "dt=0.05",
        "--set",
        "steps=400",
        "--set",
        "constraints=none",
        "--set",
        "minimisation.enabled=false",
        "--set",
        "initial_velocities=maxwell",
        "--set",
        "temperature=3000",
        "--set",
        "output.positions_every=1",
        "--set",
        "output.energies_every=1",
        "--set",
        f"output.trajectory={traj}",
    )
    assert result.exit_code == 1
    assert "blew up at step" in result.stderr and "atom" in result.stderr
    step = int(result.stderr.split("blew up at step")[1].split(":")[0])
    assert step < 50
    with h5py.File(traj, "r") as h5:
        frames = h5["particles/all/position/value"].shape[0]
        assert 1 <= frames <= step + 1
        assert h5.attrs["mstool_kind"] == "trajectory"
    assert run_cli("inspect", traj).exit_code == 0


def _octahedron_restart(tmp_path, edge_angstrom: float):
    _, crd = bundled("ala2_vacuum")
    boxed = tmp_path / f"oct{edge_angstrom:.0f}.rst7"
    boxed.write_text(
        crd.read_text().rstrip("\n") + f"\n{edge_angstrom:12.7f}{edge_angstrom:12.7f}{edge_angstrom:12.7f}"
        " 109.4712190 109.4712190 109.4712190\n"
    )
    return boxed


def test_truncated_octahedron_runs_and_writes_box_vectors(tmp_path):
    traj = tmp_path / "oct.h5"
    result = run_cli(
        "simulate",
        RECIPE,
        "--set",
        f"system.coordinates={_octahedron_restart(tmp_path, 40.0)}",
        "--set",
        "nonbonded.method=pme",
        "--set",
        "steps=4",
        "--set",
        f"output.trajectory={traj}",
    )
    assert result.exit_code == 0, result.stderr
    with h5py.File(traj, "r") as h5:
        edges = h5["particles/all/box/edges/value"][0]
    assert edges.shape == (3, 3) and edges[1, 0] < 0 and edges[0, 1] == 0.0


def test_triclinic_box_too_small_for_the_cutoff_is_refused(tmp_path):
    result = run_cli(
        "simulate",
        RECIPE,
        "--set",
        f"system.coordinates={_octahedron_restart(tmp_path, 15.0)}",
        "--set",
        "nonbonded.method=pme",
        "--set",
        "steps=0",
    )
    assert result.exit_code == 2 and "cutoff 1.0 nm" in result.stderr and "0.6124 nm" in result.stderr
