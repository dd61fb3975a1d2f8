"""Generalized Born implicit solvent for non-periodic systems: OBC2 (Amber igb=5) and GBn2
(igb=8), optional salt (Debye screening). Radii come from the prmtop (RADII); OBC2 takes the
screening factors from SCREEN too, GBn2 its own per-element values (as sander, pmemd and OpenMM)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.forces.gb_neck import (
    GBN2_NUCLEIC,
    GBN2_OTHER,
    GBN2_PROTEIN,
    NUCLEIC_RESIDUES,
    neck_tables,
)
from mstool.toolkit.md.kernels import gb as kernels
from mstool.toolkit.md.units import COULOMB

GB_MODELS = ("obc2", "gbn2")
GB_OFFSET = {"obc2": 0.009, "gbn2": 0.0195141}  # nm, subtracted from every radius (Amber and OpenMM)
GBN2_NECK_SCALE = 0.826836


@dataclass
class ImplicitSolventSettings:
    """GB model, dielectrics and salt concentration (mol/L) at ``temperature`` (K)."""

    model: str = "obc2"
    solvent_dielectric: float = 78.5
    solute_dielectric: float = 1.0
    salt_concentration: float = 0.0
    temperature: float = 300.0

    @property
    def kappa(self) -> float:
        """Debye screening parameter (1/nm).

        >>> round(ImplicitSolventSettings(salt_concentration=0.15).kappa, 4)
        1.2703
        """
        return 503.3355 * math.sqrt(self.salt_concentration / (self.solvent_dielectric * self.temperature))


class GBForce:
    """The GB polarisation energy of all charges (group ``gb``).

    >>> from mstool.toolkit.md.system import System
    >>> s = System(n_atoms=1, masses=np.ones(1), charges=np.array([1.0]))
    >>> s.gb_radii, s.gb_screen = np.array([0.15]), np.array([0.8])
    >>> e, _ = GBForce(s, ImplicitSolventSettings()).energy_forces(np.zeros((1, 3)), None)
    >>> round(e, 3)  # Born energy of a point charge in a 0.141 nm sphere
    -486.403
    """

    energy_groups = ("gb",)

    def __init__(self, system, settings: ImplicitSolventSettings) -> None:
        if settings.model not in GB_MODELS:
            raise InputError(f"implicit_solvent.model: unknown '{settings.model}'; use one of {GB_MODELS}")
        if system.gb_radii is None or system.gb_screen is None:
            raise InputError(
                "implicit solvent needs %FLAG RADII and %FLAG SCREEN in the topology", where=system.source
            )
        self.settings = settings
        self.charges = np.ascontiguousarray(system.charges, dtype=float)
        offset = GB_OFFSET[settings.model]
        self.offset = offset
        self.offset_radii = np.ascontiguousarray(system.gb_radii - offset)
        if np.any(self.offset_radii <= 0.0):
            atom = int(np.argmin(self.offset_radii)) + 1
            raise InputError(
                f"%FLAG RADII: atom {atom} has a radius below the {offset * 10:g} A offset",
                where=system.source,
            )
        n = system.n_atoms
        if settings.model == "gbn2":
            screen, self.alpha, self.beta, self.gamma = gbn2_parameters(system)
            self.neck_scale = GBN2_NECK_SCALE
            self.neck_index, self.neck_m0, self.neck_d0 = neck_tables(system.gb_radii)
        else:
            screen = system.gb_screen
            self.alpha, self.beta, self.gamma = (np.full(n, v) for v in (1.0, 0.8, 4.85))
            self.neck_scale, self.neck_index = 0.0, np.zeros(n, np.int64)
            self.neck_m0 = self.neck_d0 = np.zeros((1, 1))
        self.scaled_radii = np.ascontiguousarray(screen * self.offset_radii)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        s = self.settings
        return float(
            kernels.gb_energy_forces(
                positions,
                self.charges,
                self.offset_radii,
                self.scaled_radii,
                self.alpha,
                self.beta,
                self.gamma,
                self.offset,
                self.neck_scale,
                self.neck_index,
                self.neck_m0,
                self.neck_d0,
                COULOMB,
                1.0 / s.solute_dielectric,
                1.0 / s.solvent_dielectric,
                s.kappa,
                forces,
            )
        )


def gbn2_parameters(system) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """GBn2's (screen, alpha, beta, gamma) per atom from its element and residue (nucleic acid
    residues get the nucleic values, see :func:`is_nucleic_residue`). Radii must lie in the
    neck tables' 1-2 A.

    >>> from mstool.toolkit.md.system import System
    >>> s = System(n_atoms=2, masses=np.ones(2), residue_names=["DA"], atomic_numbers=np.array([15, 26]))
    >>> s.gb_radii = np.array([0.185, 0.15])
    >>> [round(float(v[0]), 4) for v in gbn2_parameters(s)]
    [1.5451, 0.4184, 0.2901, 0.1064]
    """
    where = system.source
    if system.atomic_numbers is None:
        raise InputError("implicit_solvent.model gbn2 needs %FLAG ATOMIC_NUMBER in the topology", where=where)
    radii = np.asarray(system.gb_radii)
    outside = np.flatnonzero((radii < 0.1 - 1e-12) | (radii > 0.2 + 1e-12))
    if len(outside):
        atom = int(outside[0])
        raise InputError(f"%FLAG RADII: atom {atom + 1} has radius {radii[atom] * 10:g} A; GBn2's neck "
                         "tables cover 1-2 A", where=where)
    starts = list(system.residue_starts) + [system.n_atoms]
    values = np.empty((system.n_atoms, 4))
    for r, name in enumerate(system.residue_names):
        table = GBN2_NUCLEIC if is_nucleic_residue(name) else GBN2_PROTEIN
        for atom in range(starts[r], starts[r + 1]):
            values[atom] = table.get(int(system.atomic_numbers[atom]), GBN2_OTHER)
    return tuple(np.ascontiguousarray(values[:, k]) for k in range(4))


def is_nucleic_residue(name: str) -> bool:
    """A, C, G, U, DA, DC, DG, DT, and their 5'/3'-terminal and single-nucleotide variants.

    >>> [is_nucleic_residue(n) for n in ("DG5", "DC3", "U", "RAN", "ALA", "CYS")]
    [True, True, True, False, False, False]
    """
    name = name.strip()
    if name[-1:] in ("5", "3", "N") and name[:-1] in NUCLEIC_RESIDUES:
        return True
    return name in NUCLEIC_RESIDUES
