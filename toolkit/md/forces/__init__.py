"""Force terms: each object computes ``energy_forces(positions, box) -> (E, F)`` for one job.

``energy_groups`` names the energy groups it reports into (bond, angle, torsion, cmap,
nonbonded, gb, restraint, ml, or a new one): a force field reports every group of its terms.
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
