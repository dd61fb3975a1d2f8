"""Generalized Born implicit solvent for non-periodic systems: OBC2 (Amber igb=5), radii and
screening factors from the prmtop (RADII, SCREEN), optional salt (Debye screening)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.kernels import gb as kernels
from mstool.toolkit.md.units import COULOMB

GB_MODELS = ("obc2",)
GB_OFFSET = 0.009  # nm, subtracted from every radius (Amber and OpenMM)


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

    group = "gb"

    def __init__(self, system, settings: ImplicitSolventSettings) -> None:
        if settings.model not in GB_MODELS:
            raise InputError(f"implicit_solvent.model: unknown '{settings.model}'; use one of {GB_MODELS}")
        if system.gb_radii is None or system.gb_screen is None:
            raise InputError(
                "implicit solvent needs %FLAG RADII and %FLAG SCREEN in the topology", where=system.source
            )
        self.settings = settings
        self.charges = np.ascontiguousarray(system.charges, dtype=float)
        self.offset_radii = np.ascontiguousarray(system.gb_radii - GB_OFFSET)
        if np.any(self.offset_radii <= 0.0):
            atom = int(np.argmin(self.offset_radii)) + 1
            raise InputError(
                f"%FLAG RADII: atom {atom} has a radius below the 0.09 A offset", where=system.source
            )
        self.scaled_radii = np.ascontiguousarray(system.gb_screen * self.offset_radii)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        s = self.settings
        return float(
            kernels.obc2_energy_forces(
                positions,
                self.charges,
                self.offset_radii,
                self.scaled_radii,
                COULOMB,
                1.0 / s.solute_dielectric,
                1.0 / s.solvent_dielectric,
                s.kappa,
                forces,
            )
        )
