"""Hydrogen mass repartitioning: heavier hydrogens (mass taken from their bonded heavy atom, so
each molecule keeps its mass) allow 4 fs steps with bonds to hydrogen constrained."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError

WATER_RESIDUES = frozenset({"WAT", "HOH", "TIP3", "TIP4", "TP3", "TP4", "TP5", "T4E", "OPC", "SOL", "SPC"})
HYDROGEN_MAX_MASS = 1.2  # amu: what counts as a hydrogen before repartitioning (not deuterium)


def repartition_hydrogen_mass(system, hydrogen_mass: float) -> int:
    """Set every non-water hydrogen to ``hydrogen_mass`` (amu), moving the difference off its
    bonded heavy atom; returns how many hydrogens changed.

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> s = load_amber(*bundled("ala2_vacuum"))
    >>> total = s.masses.sum()
    >>> repartition_hydrogen_mass(s, 3.024), bool(abs(s.masses.sum() - total) < 1e-9)
    (12, True)
    """
    masses = np.array(system.masses, dtype=float)
    starts = np.r_[np.asarray(system.residue_starts), system.n_atoms]
    residue_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    in_water = np.array([system.residue_names[r].strip() in WATER_RESIDUES for r in residue_of], dtype=bool)
    is_h = (masses > 0.0) & (masses < HYDROGEN_MAX_MASS) & ~in_water
    changed = 0
    for i, j in system.bond_atoms.tolist():
        if is_h[i] == is_h[j]:
            continue
        h, heavy = (i, j) if is_h[i] else (j, i)
        shift = hydrogen_mass - masses[h]
        if masses[heavy] - shift < 1.0:
            raise InputError(
                f"hydrogen_mass {hydrogen_mass}: atom {heavy + 1} ({system.atom_names[heavy]}) would be "
                f"left with {masses[heavy] - shift:.3f} amu"
            )
        masses[heavy] -= shift
        masses[h] = hydrogen_mass
        is_h[h] = False  # a hydrogen bonded twice (rare) is moved once
        changed += 1
    system.masses = masses
    return changed
