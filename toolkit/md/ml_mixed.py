"""ML/MM: the classical system without the interactions inside the ML selection (as OpenMM-ML's
``createMixedSystem``): bonded terms whose atoms all lie in the selection are dropped and every
pair inside it is excluded from the nonbonded sum; selection-environment terms stay classical.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mstool.toolkit.errors import InputError

# (atoms array, its parameter arrays) of every bonded term family in a System.
_BONDED = (
    ("bond_atoms", ("bond_k", "bond_r0")),
    ("angle_atoms", ("angle_k", "angle_theta0")),
    ("ub_atoms", ("ub_k", "ub_r0")),
    ("improper_atoms", ("improper_k", "improper_psi0")),
    ("torsion_atoms", ("torsion_k", "torsion_periodicity", "torsion_phase")),
    ("cmap_atoms", ("cmap_map",)),
    ("pair14_atoms", ("pair14_scee", "pair14_scnb")),
)


def classical_outside(system, atoms: np.ndarray):
    """A copy of ``system`` whose force field leaves out every interaction inside ``atoms``.

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> s = load_amber(*bundled("ala2_vacuum"))
    >>> mm = classical_outside(s, np.arange(6, 16))  # the alanine residue
    >>> [len(getattr(s, k)) - len(getattr(mm, k)) for k in ("bond_atoms", "pair14_atoms")]
    [9, 15]
    >>> len(mm.exclusions) - len(s.exclusions)  # the selection's other pairs, now excluded
    7
    """
    inside = np.zeros(system.n_atoms, dtype=bool)
    inside[atoms] = True
    changes = {}
    for name, params in _BONDED:
        arr = getattr(system, name)
        keep = ~inside[arr].all(axis=1) if len(arr) else np.zeros(0, bool)
        changes[name] = arr[keep]
        for p in params:
            changes[p] = getattr(system, p)[keep]
    if len(system.bond_atoms):  # bonds to hydrogen come first; keep the count consistent
        h_kept = ~inside[system.bond_atoms[: system.n_bonds_with_h]].all(axis=1)
        changes["n_bonds_with_h"] = int(h_kept.sum())
    mixed = dataclasses.replace(system, **changes)
    i, j = np.triu_indices(len(atoms), k=1)
    sel = np.sort(np.asarray(atoms))
    mixed.set_exclusions(np.vstack([system.exclusions, np.stack([sel[i], sel[j]], axis=1)]))
    return mixed


def check_constraints_kept_whole(pairs: np.ndarray, atoms: np.ndarray, what: str) -> None:
    """Refuse a selection that holds one atom of a constrained pair but not the other."""
    if not len(pairs):
        return
    inside = np.zeros(int(max(pairs.max(), np.max(atoms))) + 1, dtype=bool)
    inside[atoms] = True
    cut = np.flatnonzero(inside[pairs[:, 0]] != inside[pairs[:, 1]])
    if len(cut):
        a, b = pairs[cut[0]] + 1
        raise InputError(f"{what} cuts the constraint between atoms {a} and {b} ({len(cut)} cut in all): "
                         "select both atoms of every constrained bond, or use constraints: none")
