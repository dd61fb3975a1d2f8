"""Load an md_breadth system (../shared/data/md_breadth) and compare it with its OpenMM references."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from tests.conftest import shared_data

# Our energy groups against the reference's per-term names: Urey-Bradley is reported with the
# angles, CHARMM harmonic impropers with the torsions.
TERMS = {
    "bond": ("bond",),
    "angle": ("angle", "urey_bradley"),
    "torsion": ("torsion", "harmonic_improper"),
    "cmap": ("cmap",),
    "nonbonded": ("nonbonded",),
}


def without_les(prmtop: Path) -> Path:
    """A copy of an LES prmtop without its LES_* sections: the plain reading OpenMM's reference
    uses (the engine itself refuses LES topologies)."""
    out = Path(tempfile.gettempdir()) / f"mstool-plain-{os.getpid()}-{prmtop.name}"
    if not out.exists():
        kept, skipping = [], False
        for line in prmtop.read_text().splitlines(keepends=True):
            if line.startswith("%FLAG"):
                skipping = line[5:].strip().startswith("LES_")
            if not skipping:
                kept.append(line)
        out.write_text("".join(kept))
    return out


def breadth_system(name: str):
    """(System, primary reference result, reference forces npz) or a skip when the data is absent."""
    folder = shared_data("md_breadth", name)
    ref = json.loads((folder / "reference_energies.json").read_text())
    files = ref["files"]
    prmtop = folder / files["prmtop"]
    if name == "lysozyme_les_triclinic":
        prmtop = without_les(prmtop)
    system = load_amber(prmtop, folder / files["coordinates"])
    return system, ref["results"][0], np.load(folder / "reference_forces.npz")


def settings_of(result: dict) -> NonbondedSettings:
    s = result["settings"]
    return NonbondedSettings(
        method={"NoCutoff": "nocutoff", "PME": "pme"}[s["nonbondedMethod"]],
        cutoff=s.get("nonbondedCutoff_nm", 1.0),
        ewald_tolerance=s.get("ewaldErrorTolerance", 5e-4),
        dispersion_correction=s.get("useDispersionCorrection", False),
    )


def compare(name: str) -> tuple[dict[str, float], float]:
    """(relative error per energy group, relative RMS force error on real atoms)."""
    system, result, ref_forces = breadth_system(name)
    ff = build_forcefield(system, settings_of(result))
    _, forces = ff.energy_forces(system.positions, system.box)
    expected = result["energies_kJmol"]
    errors = {}
    for ours, theirs in TERMS.items():
        want = sum(expected.get(name, 0.0) for name in theirs)
        if want != 0.0:
            errors[ours] = abs(ff.last_energies[ours] - want) / abs(want)
    total = sum(ff.last_energies[k] for k in TERMS)
    errors["total"] = abs(total - expected["total"]) / abs(expected["total"])
    real = ~ref_forces["is_virtual_site"] if "is_virtual_site" in ref_forces.files else slice(None)
    want = ref_forces["forces_total_kJmol_nm"][real]
    rms = float(np.sqrt(np.mean((forces[real] - want) ** 2) / np.mean(want**2)))
    return errors, rms
