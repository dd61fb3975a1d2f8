"""Bonded force terms: harmonic bonds, harmonic angles, Urey-Bradley, periodic torsions."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.md.kernels import bonded as kernels


class HarmonicBondForce:
    """E = sum k (r - r0)^2 (Amber convention, k includes the 1/2).

    >>> f = HarmonicBondForce(np.array([[0, 1]]), np.array([100.0]), np.array([0.1]))
    >>> e, F = f.energy_forces(np.array([[0.0, 0, 0], [0.2, 0, 0]]), None)
    >>> round(e, 6), round(float(F[1, 0]), 6)
    (1.0, -20.0)
    """

    energy_groups = ("bond",)

    def __init__(self, atoms: np.ndarray, k: np.ndarray, r0: np.ndarray) -> None:
        self.atoms = np.ascontiguousarray(atoms, dtype=np.int64)
        self.k = np.ascontiguousarray(k, dtype=float)
        self.r0 = np.ascontiguousarray(r0, dtype=float)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        return float(kernels.harmonic_bonds(positions, self.atoms, self.k, self.r0, forces))


class UreyBradleyForce(HarmonicBondForce):
    """Urey-Bradley 1-3 springs, reported with the angles."""

    energy_groups = ("angle",)


class HarmonicAngleForce:
    """E = sum k (theta - theta0)^2 over angles (vertex in the middle).

    >>> f = HarmonicAngleForce(np.array([[0, 1, 2]]), np.array([1.0]), np.array([np.pi / 2]))
    >>> e, _ = f.energy_forces(np.array([[1.0, 0, 0], [0, 0, 0], [0, 1.0, 0]]), None)
    >>> abs(e) < 1e-12
    True
    """

    energy_groups = ("angle",)

    def __init__(self, atoms: np.ndarray, k: np.ndarray, theta0: np.ndarray) -> None:
        self.atoms = np.ascontiguousarray(atoms, dtype=np.int64)
        self.k = np.ascontiguousarray(k, dtype=float)
        self.theta0 = np.ascontiguousarray(theta0, dtype=float)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        return float(kernels.harmonic_angles(positions, self.atoms, self.k, self.theta0, forces))


class PeriodicTorsionForce:
    """E = sum k (1 + cos(n phi - phase)) over proper and improper torsions.

    >>> f = PeriodicTorsionForce(np.array([[0, 1, 2, 3]]), np.array([1.0]), np.array([1]), np.array([0.0]))
    >>> pos = np.array([[1.0, 0, 0], [0, 0, 0], [0, 1.0, 0], [1.0, 1.0, 0]])
    >>> round(f.energy_forces(pos, None)[0], 6)  # phi = 0
    2.0
    """

    energy_groups = ("torsion",)

    def __init__(self, atoms: np.ndarray, k: np.ndarray, periodicity: np.ndarray, phase: np.ndarray) -> None:
        self.atoms = np.ascontiguousarray(atoms, dtype=np.int64)
        self.k = np.ascontiguousarray(k, dtype=float)
        self.periodicity = np.ascontiguousarray(periodicity, dtype=np.int64)
        self.phase = np.ascontiguousarray(phase, dtype=float)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        return float(
            kernels.periodic_torsions(positions, self.atoms, self.k, self.periodicity, self.phase, forces)
        )


class HarmonicImproperForce:
    """CHARMM harmonic impropers: E = sum k (psi - psi0)^2, reported with the torsions.

    >>> f = HarmonicImproperForce(np.array([[0, 1, 2, 3]]), np.array([2.0]), np.array([0.0]))
    >>> pos = np.array([[1.0, 0, 0], [0, 0, 0], [0, 1.0, 0], [1.0, 1.0, 1.0]])
    >>> round(f.energy_forces(pos, None)[0], 6)  # psi = 45 degrees
    1.233701
    """

    energy_groups = ("torsion",)

    def __init__(self, atoms: np.ndarray, k: np.ndarray, psi0: np.ndarray) -> None:
        self.atoms = np.ascontiguousarray(atoms, dtype=np.int64)
        self.k = np.ascontiguousarray(k, dtype=float)
        self.psi0 = np.ascontiguousarray(psi0, dtype=float)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        return float(kernels.harmonic_impropers(positions, self.atoms, self.k, self.psi0, forces))
