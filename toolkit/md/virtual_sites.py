"""Amber extra points (massless virtual sites): find them in a topology and give each its frame.

Sites are rebuilt from their parents' positions before every force evaluation (never read from
the coordinate file); their forces go back to the parents, and they carry no kinetic energy.
"""

from __future__ import annotations

import math

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.kernels import virtual_sites as kernels

# Lone pairs of 5-site water (TIP5P) sit at the tetrahedral angle around the oxygen.
TETRAHEDRAL = math.radians(109.47)


class VirtualSites:
    """Rows (site, p0, p1, p2) and weights (w1, w2, wc) of :mod:`kernels.virtual_sites`.

    >>> vs = VirtualSites(np.array([[3, 0, 1, 2]]), np.array([[0.25, 0.25, 0.0]]))
    >>> pos = np.array([[0.0, 0, 0], [0.1, 0, 0], [0, 0.1, 0], [9.0, 9, 9]])
    >>> vs.place(pos); pos[3].tolist()
    [0.025, 0.025, 0.0]
    """

    def __init__(self, sites: np.ndarray, weights: np.ndarray) -> None:
        self.sites = np.ascontiguousarray(sites, dtype=np.int64).reshape(-1, 4)
        self.weights = np.ascontiguousarray(weights, dtype=float).reshape(-1, 3)

    def __len__(self) -> int:
        return len(self.sites)

    @property
    def indices(self) -> np.ndarray:
        return self.sites[:, 0]

    def place(self, positions: np.ndarray) -> None:
        """Put every site where its parents say (in place)."""
        kernels.place_sites(positions, self.sites, self.weights)

    def spread(self, positions: np.ndarray, forces: np.ndarray) -> None:
        """Hand site forces to the parents (in place); site rows become zero."""
        kernels.spread_site_forces(positions, forces, self.sites, self.weights)


def _bond_lengths(system) -> dict[tuple[int, int], float]:
    return {
        (min(i, j), max(i, j)): float(r0)
        for (i, j), r0 in zip(system.bond_atoms.tolist(), system.bond_r0, strict=True)
    }


def _parent_angle(system, lengths: dict, parent: int, n1: int, n2: int, where: str) -> float:
    """Equilibrium n1-parent-n2 angle: from the n1-n2 bond (rigid water) or the angle list."""
    key = (min(n1, n2), max(n1, n2))
    if key in lengths:
        a = lengths[(min(parent, n1), max(parent, n1))]
        b = lengths[(min(parent, n2), max(parent, n2))]
        c = lengths[key]
        return math.acos(max(-1.0, min(1.0, (a * a + b * b - c * c) / (2.0 * a * b))))
    for (i, j, k), theta in zip(system.angle_atoms.tolist(), system.angle_theta0, strict=True):
        if j == parent and {i, k} == {n1, n2}:
            return float(theta)
    raise InputError(f"extra point on atom {parent + 1}: no bond or angle fixes its frame", where=where)


def find_virtual_sites(system, where: str) -> VirtualSites | None:
    """Frames of the massless atoms of ``system`` (None when there are none).

    One site on an atom with two bonded neighbours (TIP4P, TIP4P-Ew, OPC): on the bisector at
    the parent-site bond length. Two sites there (TIP5P): tetrahedral lone pairs, the first on
    the +(r1 x r2) side. One site on an atom with one neighbour (halogen sigma hole): on the
    bond axis beyond the parent. Weights use equilibrium lengths, as OpenMM's Amber loader.
    """
    massless = np.flatnonzero(np.asarray(system.masses) == 0.0)
    if not len(massless):
        return None
    is_site = np.zeros(system.n_atoms, dtype=bool)
    is_site[massless] = True
    lengths = _bond_lengths(system)
    bonded: dict[int, list[int]] = {}
    for i, j in system.bond_atoms.tolist():
        bonded.setdefault(i, []).append(j)
        bonded.setdefault(j, []).append(i)
    by_parent: dict[int, list[int]] = {}
    for site in massless.tolist():
        parents = [p for p in bonded.get(site, []) if not is_site[p]]
        if len(parents) != 1:
            raise InputError(
                f"extra point atom {site + 1} ({_name(system, site)}) is bonded to {len(parents)} "
                "real atoms; expected exactly one parent",
                where=where,
            )
        by_parent.setdefault(parents[0], []).append(site)
    rows, weights = [], []
    for parent, sites in sorted(by_parent.items()):
        neighbours = sorted(p for p in bonded.get(parent, []) if not is_site[p])
        d = [lengths[(min(parent, s), max(parent, s))] for s in sites]
        if len(neighbours) == 2 and len(sites) in (1, 2):
            n1, n2 = neighbours
            arms = [lengths[(min(parent, n), max(parent, n))] for n in (n1, n2)]
            r = 0.5 * (arms[0] + arms[1])
            theta = _parent_angle(system, lengths, parent, n1, n2, where)
            if len(sites) == 1:
                w = d[0] / (2.0 * r * math.cos(0.5 * theta))
                rows.append((sites[0], parent, n1, n2))
                weights.append((w, w, 0.0))
            else:
                for site, dist, sign in zip(sorted(sites), d, (1.0, -1.0), strict=True):
                    w = -dist * math.cos(0.5 * TETRAHEDRAL) / (2.0 * r * math.cos(0.5 * theta))
                    wc = sign * dist * math.sin(0.5 * TETRAHEDRAL) / (r * r * math.sin(theta))
                    rows.append((site, parent, n1, n2))
                    weights.append((w, w, wc))
        elif len(neighbours) == 1 and len(sites) == 1:
            n1 = neighbours[0]
            r0 = lengths[(min(parent, n1), max(parent, n1))]
            rows.append((sites[0], parent, n1, n1))
            weights.append((-d[0] / r0, 0.0, 0.0))
        else:
            raise InputError(
                f"{len(sites)} extra point(s) on atom {parent + 1} ({_name(system, parent)}) with "
                f"{len(neighbours)} bonded neighbours: this extra-point frame is not supported",
                where=where,
            )
    return VirtualSites(np.array(rows), np.array(weights))


def _name(system, atom: int) -> str:
    return system.atom_names[atom] if atom < len(system.atom_names) else "?"
