"""Positional restraints on a selection, hydrogen mass repartitioning, the minimise-first
default and the refusal of topology features the engine cannot honour."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.schemas.md import SimulateRecipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.md.amber import load_amber, read_prmtop
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forces.restraints import PositionalRestraintForce
from mstool.toolkit.md.hmr import repartition_hydrogen_mass
from mstool.toolkit.md.selection import select_atoms
from tests.md.helpers import numerical_forces

RECIPE = "recipes/sponge.yaml"


@pytest.fixture
def ala2():
    return load_amber(*bundled("ala2_vacuum"))


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ("1-3,5", [0, 1, 2, 4]),
        (":2@CA", [8]),
        (":1-2@C,N", [4, 6, 14]),
        ("@CA", [8]),
        (":ALA", list(range(6, 16))),
        (":2@H=", [7, 9, 11, 12, 13]),
    ],
)
def test_selections(ala2, selection, expected):
    assert select_atoms(ala2, selection).tolist() == expected


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (":1-2@XX", "selects no atoms"),
        ("1-99", "outside 1..22"),
        (":a-b", "selects no atoms"),
        ("x", "atom number"),
    ],
)
def test_bad_selections_are_refused(ala2, selection, message):
    with pytest.raises(InputError, match=message):
        select_atoms(ala2, selection)


def test_restraint_forces_are_the_gradient_across_the_box():
    reference = np.array([[0.05, 0.1, 0.1], [1.0, 1.0, 1.0]])
    term = PositionalRestraintForce(np.array([0, 1]), reference, 500.0)
    pos = np.array([[1.95, 0.12, 0.08], [1.1, 0.9, 1.05]])  # atom 0 is 0.1 nm away through the wall
    box = np.array([2.0, 2.0, 2.0])
    energy, forces = term.energy_forces(pos, box)
    assert energy == pytest.approx(0.5 * 500.0 * (0.1**2 + 0.02**2 + 0.02**2 + 0.1**2 + 0.1**2 + 0.05**2))
    assert np.allclose(forces, numerical_forces(term, pos, box), atol=1e-5)


def test_hydrogen_mass_repartitioning_keeps_the_total(ala2):
    total = ala2.masses.sum()
    changed = repartition_hydrogen_mass(ala2, 3.024)
    assert changed == 12
    assert ala2.masses.sum() == pytest.approx(total, abs=1e-9)
    assert np.all(ala2.masses[[i for i, n in enumerate(ala2.atom_names) if n.startswith("H")]] == 3.024)
    assert ala2.masses[1] == pytest.approx(12.01 - 3 * 2.016)  # CH3 carbon gave three hydrogens' worth


def test_recipe_minimises_first_by_default():
    assert SimulateRecipe().minimisation.enabled


def test_restrained_hmr_run_through_the_cli(cli, tmp_path):
    result = cli(
        "simulate",
        RECIPE,
        "--set",
        "restraints.selection=:1-3@CA,C,N",
        "--set",
        "hydrogen_mass=3.024",
        "--set",
        "dt=0.004",
        "--set",
        "steps=50",
        "--set",
        f"output.trajectory={tmp_path / 't.h5'}",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    energies = result.json()["run"]["final_energies"]
    assert energies["restraint"] > 0.0


def test_empty_restraint_selection_exits_2(cli, tmp_path):
    result = cli("simulate", RECIPE, "--set", "restraints.selection=:1@ZZ", "--set", "steps=1")
    assert result.exit_code == 2 and "selects no atoms" in result.stderr


def test_les_topology_is_refused(tmp_path):
    top, _ = bundled("ala2_vacuum")
    les = tmp_path / "les.parm7"
    les.write_text(top.read_text() + "%FLAG LES_NTYP\n%FORMAT(10I8)\n       2\n")
    with pytest.raises(InputError, match="LES_NTYP"):
        read_prmtop(les)


def test_nan_coordinates_are_refused_naming_the_line(cli, tmp_path):
    _, crd = bundled("ala2_vacuum")
    lines = crd.read_text().splitlines()
    lines[4] = "         NaN" + lines[4][12:]
    bad = tmp_path / "nan.rst7"
    bad.write_text("\n".join(lines) + "\n")
    result = cli("simulate", RECIPE, "--set", f"system.coordinates={bad}", "--set", "steps=0")
    assert result.exit_code == 2 and "nan.rst7:5" in result.stderr and "atom 5" in result.stderr
