"""The 12-6-4 ion-induced-dipole term (LENNARD_JONES_CCOEF): E = -C_ij / r^4 beside the usual
12-6 Lennard-Jones, with the same cutoff, exclusions and long-range correction as OpenMM's
CustomNonbondedForce for it."""

from __future__ import annotations

import math

import numpy as np

from mstool.toolkit.md.box import box_volume
from mstool.toolkit.md.kernels import lj1264 as kernels
from mstool.toolkit.md.neighbors import exclusion_csr


def type_pair_mean(types: np.ndarray, table: np.ndarray) -> float:
    """Mean of ``table[t_i, t_j]`` over the N (N + 1) / 2 pairs i <= j (OpenMM's averaging for
    long-range corrections).

    >>> type_pair_mean(np.array([0, 1]), np.array([[0.0, 3.0], [3.0, 0.0]]))
    1.0
    """
    counts = np.bincount(types, minlength=table.shape[0]).astype(float)
    pair_counts = np.outer(counts, counts)
    pair_counts[np.diag_indices_from(pair_counts)] = counts * (counts + 1) / 2.0
    n = len(types)
    return float(np.sum(np.triu(pair_counts * table))) / (n * (n + 1) / 2.0)


class IonDipoleForce:
    """-C/r^4 between the ions of a 12-6-4 topology and every atom (non-excluded, non-1-4 pairs).

    >>> from mstool.toolkit.md.builders import lj_fluid
    >>> from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
    >>> s = lj_fluid(2, 1.0)
    >>> s.lj_c = np.array([[0.01]])
    >>> f = IonDipoleForce(s, NonbondedSettings(method="nocutoff"))
    >>> r = float(np.linalg.norm(s.positions[0] - s.positions[1]))
    >>> bool(abs(f.energy_forces(s.positions, None)[0] + 0.01 / r**4) < 1e-12)
    True
    """

    energy_groups = ("nonbonded",)

    def __init__(self, system, settings) -> None:
        self.types = np.ascontiguousarray(system.atom_types, dtype=np.int64)
        self.lj_c = np.ascontiguousarray(system.lj_c, dtype=float)
        ion_types = np.flatnonzero(np.any(self.lj_c != 0.0, axis=1))
        self.is_ion = np.isin(self.types, ion_types)
        self.ions = np.flatnonzero(self.is_ion).astype(np.int64)
        self.excl_start, self.excl_list = exclusion_csr(system.n_atoms, system.all_excluded_pairs())
        self.periodic = settings.method != "nocutoff"
        self.cutoff = settings.cutoff if self.periodic else 0.0
        self.correction = 0.0
        if self.periodic and settings.dispersion_correction:
            # 2 pi N^2 <integral from rc to infinity of -C r^-4 r^2 dr> = -2 pi N^2 <C> / rc
            n = system.n_atoms
            self.correction = -2.0 * math.pi * n * n * type_pair_mean(self.types, self.lj_c) / self.cutoff
        self.last_energy = 0.0

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        periodic = self.periodic and box is not None
        matrix = np.eye(3)
        if periodic:
            matrix = (
                np.asarray(box, dtype=float) if np.ndim(box) == 2 else np.diag(np.asarray(box, dtype=float))
            )
        energy = kernels.ion_dipole(
            positions,
            matrix,
            periodic,
            self.ions,
            self.is_ion,
            self.types,
            self.lj_c,
            self.cutoff,
            self.excl_start,
            self.excl_list,
            forces,
        )
        if periodic and self.correction:
            energy += self.correction / box_volume(box)
        self.last_energy = float(energy)
        return self.last_energy
