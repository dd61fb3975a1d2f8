"""Generalized Born OBC2 (igb=5): energies against OpenMM's GB term on md_breadth's ACE-ASH-NME
and DNA, forces by finite differences (with and without salt), and the periodic refusal."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.gb import GBForce, ImplicitSolventSettings
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from tests.conftest import shared_data
from tests.md.breadth import breadth_system
from tests.md.helpers import numerical_forces


def _openmm_result(name: str, label: str) -> dict:
    ref = json.loads((shared_data("md_breadth", name) / "reference_energies.json").read_text())
    return next(r for r in ref["results"] if r["label"] == label)["energies_kJmol"]


@pytest.mark.parametrize("name", ["ace_ash_nme_gas", "dna_gb_mbondi3"])
def test_obc2_matches_openmm(name):
    system, _, _ = breadth_system(name)
    expected = _openmm_result(name, "gb_OBC2_noSA")
    ff = build_forcefield(
        system, NonbondedSettings(method="nocutoff"), implicit_solvent=ImplicitSolventSettings()
    )
    total, _ = ff.energy_forces(system.positions, None)
    assert ff.last_energies["gb"] == pytest.approx(expected["gb"], rel=1e-10)
    assert total == pytest.approx(expected["total"], rel=1e-7)


@pytest.mark.parametrize("salt", [0.0, 0.5])
def test_obc2_forces_are_the_gradient(salt):
    system, _, _ = breadth_system("ace_ash_nme_gas")
    term = GBForce(system, ImplicitSolventSettings(salt_concentration=salt))
    energy, forces = term.energy_forces(system.positions, None)
    assert np.allclose(forces, numerical_forces(term, system.positions.copy(), None), atol=2e-5)
    if salt:
        plain, _ = GBForce(system, ImplicitSolventSettings()).energy_forces(system.positions, None)
        assert energy < plain  # salt screens the solvent reaction field further


def test_gb_is_refused_for_periodic_methods():
    system, _, _ = breadth_system("ace_ash_nme_gas")
    with pytest.raises(InputError, match="non-periodic"):
        build_forcefield(system, NonbondedSettings(method="pme"), implicit_solvent=ImplicitSolventSettings())


def test_gbn2_matches_openmm_on_dna():
    system, _, _ = breadth_system("dna_gb_mbondi3")
    expected = _openmm_result("dna_gb_mbondi3", "gb_GBn2_noSA")
    ff = build_forcefield(
        system, NonbondedSettings(method="nocutoff"), implicit_solvent=ImplicitSolventSettings(model="gbn2")
    )
    total, _ = ff.energy_forces(system.positions, None)
    assert ff.last_energies["gb"] == pytest.approx(expected["gb"], rel=1e-6)
    assert total == pytest.approx(expected["total"], rel=1e-5)


@pytest.mark.parametrize(
    ("name", "atoms"), [("ace_ash_nme_gas", None), ("dna_gb_mbondi3", [0, 11, 40, 97, 300])]
)
def test_gbn2_forces_are_the_gradient(name, atoms):
    system, _, _ = breadth_system(name)
    # ACE-ASH-NME carries mbondi radii (0.8 A on hydroxyl H) outside the neck tables: bring them in.
    system.gb_radii = np.clip(system.gb_radii, 0.1, 0.2)
    term = GBForce(system, ImplicitSolventSettings(model="gbn2", salt_concentration=0.1))
    _, forces = term.energy_forces(system.positions, None)
    numeric = numerical_forces(term, system.positions.copy(), None, atoms=atoms)
    chosen = slice(None) if atoms is None else atoms
    assert np.allclose(forces[chosen], numeric, atol=1e-5 * np.abs(forces).max())


def test_gbn2_refuses_radii_outside_the_neck_tables():
    system, _, _ = breadth_system("ace_ash_nme_gas")  # mbondi: 0.8 A on the hydroxyl hydrogen
    with pytest.raises(InputError, match="atom 17 has radius 0.8 A"):
        GBForce(system, ImplicitSolventSettings(model="gbn2"))
