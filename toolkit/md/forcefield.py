"""Assemble the force terms of a :class:`System` and evaluate them together, per energy group."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.forces.base import add_terms, energy_groups_of
from mstool.toolkit.md.forces.bonded import (
    HarmonicAngleForce,
    HarmonicBondForce,
    HarmonicImproperForce,
    PeriodicTorsionForce,
    UreyBradleyForce,
)
from mstool.toolkit.md.forces.cmap import CMAPForce
from mstool.toolkit.md.forces.gb import GBForce, ImplicitSolventSettings
from mstool.toolkit.md.forces.lj1264 import IonDipoleForce
from mstool.toolkit.md.forces.nonbonded import NonbondedForce, NonbondedSettings
from mstool.toolkit.md.system import System

# Every classical force field reports the groups of these terms, as 0.0 where the system has
# none of them, so that every classical run has the same energy columns.
CLASSICAL_TERMS = (
    HarmonicBondForce,
    HarmonicAngleForce,
    UreyBradleyForce,
    PeriodicTorsionForce,
    HarmonicImproperForce,
    CMAPForce,
    NonbondedForce,
    IonDipoleForce,
)


class ForceField:
    """A list of force terms summed into one ``energy_forces``; ``last_energies`` per group.

    ``energy_groups`` are the groups it reports: ``standard_groups`` (reported as 0.0 when no
    term fills them), then every group its terms declare, in term order.

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> s = load_amber(*bundled("ala2_vacuum"))
    >>> ff = build_forcefield(s, NonbondedSettings(method="nocutoff"))
    >>> e, f = ff.energy_forces(s.positions, None)
    >>> round(ff.last_energies["bond"], 6)
    0.086183
    >>> ff.energy_groups
    ('bond', 'angle', 'torsion', 'cmap', 'nonbonded')
    """

    def __init__(self, terms: list, virtual_sites=None, standard_groups: Iterable[str] = ()) -> None:
        self.terms = list(terms)
        self.standard_groups = tuple(standard_groups)
        self.last_energies: dict[str, float] = {}
        # Extra points are placed from their parents in ``positions`` before every evaluation
        # and their forces handed back to the parents afterwards.
        self.virtual_sites = virtual_sites if virtual_sites is not None and len(virtual_sites) else None

    def add(self, term) -> None:
        self.terms.append(term)

    @property
    def energy_groups(self) -> tuple[str, ...]:
        """The groups every evaluation reports (the keys of ``last_energies`` but ``potential``)."""
        return energy_groups_of(self.terms, first=self.standard_groups)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        if self.virtual_sites is not None:
            self.virtual_sites.place(positions)
        # One force array per evaluation: terms that can add into it do (no per-term arrays).
        total_forces = np.zeros_like(positions)
        energies = dict.fromkeys(self.standard_groups, 0.0)
        add_terms(self.terms, positions, box, total_forces, energies)
        if self.virtual_sites is not None:
            self.virtual_sites.spread(positions, total_forces)
        energies["potential"] = float(sum(v for k, v in energies.items()))
        self.last_energies = energies
        return energies["potential"], total_forces

    @property
    def nonbonded(self) -> NonbondedForce | None:
        for term in self.terms:
            if isinstance(term, NonbondedForce):
                return term
        return None


def build_forcefield(
    system: System,
    settings: NonbondedSettings,
    device: str = "cpu",
    implicit_solvent: ImplicitSolventSettings | None = None,
) -> ForceField:
    """The classical terms present in ``system`` with the given nonbonded treatment.

    ``device`` (cpu, cuda, auto) picks the backend of the nonbonded pair kernel;
    ``implicit_solvent`` adds a Generalized Born term (non-periodic systems only).
    """
    if implicit_solvent is not None and settings.method != "nocutoff":
        raise InputError(
            f"implicit_solvent.model {implicit_solvent.model} is for non-periodic systems: "
            f"use nonbonded.method=nocutoff (got {settings.method})"
        )
    terms: list = []
    if len(system.bond_atoms):
        terms.append(HarmonicBondForce(system.bond_atoms, system.bond_k, system.bond_r0))
    if len(system.angle_atoms):
        terms.append(HarmonicAngleForce(system.angle_atoms, system.angle_k, system.angle_theta0))
    if len(system.ub_atoms):
        terms.append(UreyBradleyForce(system.ub_atoms, system.ub_k, system.ub_r0))
    if len(system.torsion_atoms):
        terms.append(
            PeriodicTorsionForce(
                system.torsion_atoms, system.torsion_k, system.torsion_periodicity, system.torsion_phase
            )
        )
    if len(system.improper_atoms):
        terms.append(HarmonicImproperForce(system.improper_atoms, system.improper_k, system.improper_psi0))
    if len(system.cmap_atoms):
        terms.append(CMAPForce(system.cmap_atoms, system.cmap_map, system.cmap_grids))
    if system.charges is not None:
        terms.append(NonbondedForce(system, settings, device=device))
    if system.lj_c is not None:
        terms.append(IonDipoleForce(system, settings))
    if implicit_solvent is not None:
        terms.append(GBForce(system, implicit_solvent))
    return ForceField(terms, system.virtual_sites, energy_groups_of(CLASSICAL_TERMS))
