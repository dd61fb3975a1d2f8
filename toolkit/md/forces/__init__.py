"""Force terms: each object computes ``energy_forces(positions, box) -> (E, F)`` for one job.

``group`` names the energy bucket it reports into (bond, angle, torsion, cmap,
nonbonded, external).
"""

from mstool.toolkit.md.forces.base import ForceTerm
from mstool.toolkit.md.forces.bonded import (
    HarmonicAngleForce,
    HarmonicBondForce,
    PeriodicTorsionForce,
    UreyBradleyForce,
)

__all__ = [
    "ForceTerm",
    "HarmonicAngleForce",
    "HarmonicBondForce",
    "PeriodicTorsionForce",
    "UreyBradleyForce",
]
