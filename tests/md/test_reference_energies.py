"""Per-term energies against OpenMM 8.6.1 Reference (../shared/data/md/*/reference_energies.json).

Coulomb's constant is OpenMM's (see toolkit/md/units.py), so terms compare directly.
"""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.forces.pme import pme_parameters
from tests.md.helpers import reference


def _settings(result: dict) -> NonbondedSettings:
    s = result["settings"]
    method = {"NoCutoff": "nocutoff", "PME": "pme"}[s["nonbondedMethod"]]
    return NonbondedSettings(
        method=method,
        cutoff=s.get("nonbondedCutoff_nm", 1.0),
        ewald_tolerance=s.get("ewaldErrorTolerance", 5e-4),
        dispersion_correction=s.get("useDispersionCorrection", False),
    )


def _check(name: str, labels: list[str], nonbonded_tol: float) -> None:
    top, crd, ref = reference(name)
    system = load_amber(top, crd)
    for result in ref["results"]:
        if result["label"] not in labels:
            continue
        ff = build_forcefield(system, _settings(result))
        ff.energy_forces(system.positions, system.box)
        expected = result["energies_kJmol"]
        for term in ("bond", "angle", "torsion"):
            assert ff.last_energies[term] == pytest.approx(expected[term], rel=1e-6, abs=1e-9), term
        assert ff.last_energies["nonbonded"] == pytest.approx(expected["nonbonded"], rel=nonbonded_tol)
        nb = ff.nonbonded.last_terms
        assert nb["coulomb_14"] == pytest.approx(expected["coulomb_14"], rel=1e-6)
        assert nb["lj_14"] == pytest.approx(expected["lj_14"], rel=1e-6)
        if "pme_parameters_in_context" in result["settings"]:
            params = result["settings"]["pme_parameters_in_context"]
            assert ff.nonbonded.alpha == pytest.approx(params["alpha_per_nm"], rel=1e-12)
            assert list(ff.nonbonded.pme.grid) == params["grid"]
            # OpenMM's reciprocal force group holds the mesh sum plus the Ewald self term.
            assert nb["reciprocal"] + nb["ewald_self"] == pytest.approx(
                expected["nonbonded_reciprocal"], rel=1e-5
            )


@pytest.mark.parametrize("name", ["ala2_vacuum_ff96", "ala2_vacuum_ff14sb"])
def test_vacuum_nocutoff_matches_openmm(name):
    _check(name, ["vacuum_nocutoff"], 1e-6)


def test_ala2_tip3p_pme_matches_openmm():
    _check(
        "ala2_tip3p_ff96",
        ["pme_cut1.0nm_tol5e-4_dispcorr", "pme_cut0.9nm_tol5e-4_dispcorr", "pme_cut1.0nm_tol5e-4_nodispcorr"],
        1e-5,
    )


def test_sponge_tutorial_pme_matches_openmm():
    _check("ala3_tip3p_sponge_tutorial", ["pme_cut1.0nm_tol5e-4_dispcorr"], 1e-5)


@pytest.mark.slow
def test_dhfr_pme_matches_openmm():
    _check("dhfr_jac_tip3p", ["pme_cut0.9nm_tol5e-4_dispcorr"], 1e-5)


def test_pme_parameters_follow_openmm_for_every_reference():
    for name in ("ala2_tip3p_ff96", "ala3_tip3p_sponge_tutorial", "dhfr_jac_tip3p"):
        _, _, ref = reference(name)
        box = np.diag(np.asarray(ref["box_vectors_nm"]))
        for result in ref["results"]:
            s = result["settings"]
            alpha, grid = pme_parameters(s["nonbondedCutoff_nm"], box, s["ewaldErrorTolerance"])
            assert alpha == pytest.approx(s["pme_parameters_in_context"]["alpha_per_nm"], rel=1e-12)
            assert grid == s["pme_parameters_in_context"]["grid"]


def test_ascii_and_netcdf_restarts_agree():
    from mstool.toolkit.md.amber import read_coordinates

    folder = reference("dhfr_jac_tip3p")[0].parent
    ascii_crd = read_coordinates(folder / "JAC.rst7", 23558)
    netcdf = read_coordinates(folder / "JAC.inpcrd", 23558)
    assert np.abs(ascii_crd["positions"] - netcdf["positions"]).max() < 1e-7
    assert np.allclose(ascii_crd["box"], netcdf["box"]) and "box_angles" not in ascii_crd
    assert np.abs(ascii_crd["velocities"] - netcdf["velocities"]).max() < 1e-5
