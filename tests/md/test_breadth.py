"""Every md_breadth system (../shared/data/md_breadth, 11 Amber inputs from public test suites)
against OpenMM 8.6.1 Reference: per-term energies and forces on real atoms."""

from __future__ import annotations

import pytest

from tests.md.breadth import compare

# Systems whose own test files cover them: virtual sites (test_virtual_sites.py), triclinic
# cells (test_triclinic.py); GB results are in test_implicit_solvent.py.
SYSTEMS = [
    "ace_ash_nme_gas",
    "ala3_charmm36_chamber_kcl",
    "cyclohexane_gaff_liquid",
    "dna_gb_mbondi3",
    "methanol_opls_geometric",
    "protein18_ff19sb_cmap_kcl",
    "zn_water_1264",
]


@pytest.mark.parametrize("name", SYSTEMS)
def test_breadth_system_matches_openmm(name):
    errors, force_rms = compare(name)
    for term in ("bond", "angle", "torsion", "cmap"):
        if term in errors:
            assert errors[term] < 1e-6, term
    assert errors["nonbonded"] < 1e-5
    assert errors["total"] < 1e-5
    assert force_rms < 1e-4
