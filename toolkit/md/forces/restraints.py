"""Harmonic positional restraints: E = k/2 |r_i - r0_i|^2 for the selected atoms (group
``restraint``), the displacement taken to its nearest periodic image."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.md.box import minimum_image


class PositionalRestraintForce:
    """Pull ``atoms`` towards ``reference`` positions (nm) with ``force_constant`` (kJ/mol/nm^2).

    >>> f = PositionalRestraintForce(np.array([0]), np.zeros((1, 3)), 100.0)
    >>> e, forces = f.energy_forces(np.array([[0.1, 0.0, 0.0], [5.0, 5.0, 5.0]]), None)
    >>> round(e, 6), forces[0].tolist()
    (0.5, [-10.0, 0.0, 0.0])
    """

    energy_groups = ("restraint",)

    def __init__(self, atoms: np.ndarray, reference: np.ndarray, force_constant: float) -> None:
        self.atoms = np.asarray(atoms, dtype=np.int64)
        self.reference = np.array(reference, dtype=float).reshape(-1, 3)
        self.k = float(force_constant)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        delta = positions[self.atoms] - self.reference
        if box is not None:
            delta = minimum_image(delta, box)
        forces[self.atoms] -= self.k * delta
        return 0.5 * self.k * float(np.sum(delta * delta))
