"""Shared helpers for the simulate tests: reference systems and finite-difference forces."""

from __future__ import annotations

import json

import numpy as np

from tests.conftest import shared_data

SYSTEMS = {
    "ala2_vacuum_ff96": ("alanine-dipeptide.prmtop", "alanine-dipeptide.crd"),
    "ala2_vacuum_ff14sb": ("system.parm7", "system.rst7"),
    "ala2_tip3p_ff96": ("alanine-dipeptide.prmtop", "alanine-dipeptide.crd"),
    "ala3_tip3p_sponge_tutorial": ("WATER_ALA.parm7", "WATER_ALA_350_cool_290.rst7"),
    "dhfr_jac_tip3p": ("JAC.prmtop", "JAC.inpcrd"),
}


def reference(name: str):
    """(topology, coordinates, reference JSON) of a shared system, or a skip when absent."""
    folder = shared_data("md", name)
    top, crd = SYSTEMS[name]
    return folder / top, folder / crd, json.loads((folder / "reference_energies.json").read_text())


def numerical_forces(term, positions, box, atoms=None, h=1e-6):
    """-dE/dx by central differences for the chosen atoms (all by default)."""
    atoms = range(len(positions)) if atoms is None else atoms
    out = np.zeros((len(list(atoms)), 3))
    for row, i in enumerate(atoms):
        for d in range(3):
            p = positions.copy()
            p[i, d] += h
            ep = term.energy_forces(p, box)[0]
            p[i, d] -= 2 * h
            em = term.energy_forces(p, box)[0]
            out[row, d] = -(ep - em) / (2 * h)
    return out
