"""Backbone dihedrals (phi, psi) from a topology's atom names, over trajectory frames."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError


def dihedral_degrees(points: np.ndarray, box: np.ndarray | None = None) -> np.ndarray:
    """Dihedral angles in degrees (-180, 180] of ``points`` shaped (frames, 4, 3).

    Bond vectors take the minimum image when ``box`` (frames, 3) edges are given, so wrapped
    coordinates are fine.

    >>> square = np.array([[[1.0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 1, 1]]])
    >>> dihedral_degrees(square).round(6).tolist()
    [-90.0]
    """
    pts = np.asarray(points, dtype=float)
    bonds = np.diff(pts, axis=1)  # (frames, 3, 3)
    if box is not None:
        edges = np.asarray(box, dtype=float)[:, None, :]
        bonds = bonds - edges * np.round(bonds / edges)
    b0, b1, b2 = -bonds[:, 0], bonds[:, 1], bonds[:, 2]
    b1_unit = b1 / np.linalg.norm(b1, axis=1, keepdims=True)
    v = b0 - np.sum(b0 * b1_unit, axis=1, keepdims=True) * b1_unit
    w = b2 - np.sum(b2 * b1_unit, axis=1, keepdims=True) * b1_unit
    x = np.sum(v * w, axis=1)
    y = np.sum(np.cross(b1_unit, v) * w, axis=1)
    return np.degrees(np.arctan2(y, x))


def _atom(system, residue: int, name: str) -> int | None:
    starts = list(system.residue_starts) + [system.n_atoms]
    for index in range(starts[residue], starts[residue + 1]):
        if system.atom_names[index].strip() == name:
            return index
    return None


def backbone_quads(system) -> tuple[list[int], list[int]]:
    """Atom indices of (phi, psi) of the first residue with C(i-1), N, CA, C and N(i+1):
    for alanine dipeptide, phi = C(ACE)-N-CA-C and psi = N-CA-C-N(NME).

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> backbone_quads(load_amber(*bundled("ala2_vacuum")))
    ([4, 6, 8, 14], [6, 8, 14, 16])
    """
    for res in range(1, len(system.residue_starts) - 1):
        names = [(res - 1, "C"), (res, "N"), (res, "CA"), (res, "C"), (res + 1, "N")]
        atoms = [_atom(system, r, n) for r, n in names]
        if all(a is not None for a in atoms):
            return atoms[:4], atoms[1:]
    raise InputError("no residue with C(i-1), N, CA, C and N(i+1) atoms: cannot define phi/psi")
