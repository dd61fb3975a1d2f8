"""The energy selective SITS enhances: bonded terms inside a selection (the solute) plus the
nonbonded pairs that touch it (solute-solute and solute-solvent); solvent-solvent stays out.

With PME the selected pairs carry the real-space (erfc) Coulomb part; the reciprocal sum,
self and exclusion terms stay in the unscaled remainder. Reweighting is exact either way,
because the forces are the gradient of exactly the energy reported.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.forces.base import add_terms
from mstool.toolkit.md.forces.bonded import (
    HarmonicAngleForce,
    HarmonicBondForce,
    HarmonicImproperForce,
    PeriodicTorsionForce,
    UreyBradleyForce,
)
from mstool.toolkit.md.forces.cmap import CMAPForce
from mstool.toolkit.md.forces.nonbonded import NonbondedForce
from mstool.toolkit.md.kernels import corrections as correction_kernels
from mstool.toolkit.md.kernels.selected_pairs import selected_pair_forces
from mstool.toolkit.md.system import System
from mstool.toolkit.md.units import COULOMB


def _inside(atoms: np.ndarray, is_selected: np.ndarray) -> np.ndarray:
    """Rows of ``atoms`` whose atoms are all selected."""
    return is_selected[atoms].all(axis=1) if len(atoms) else np.zeros(0, dtype=bool)


def _bonded_terms(system: System, is_selected: np.ndarray) -> list:
    s, terms = system, []
    m = _inside(s.bond_atoms, is_selected)
    if m.any():
        terms.append(HarmonicBondForce(s.bond_atoms[m], s.bond_k[m], s.bond_r0[m]))
    m = _inside(s.angle_atoms, is_selected)
    if m.any():
        terms.append(HarmonicAngleForce(s.angle_atoms[m], s.angle_k[m], s.angle_theta0[m]))
    m = _inside(s.ub_atoms, is_selected)
    if m.any():
        terms.append(UreyBradleyForce(s.ub_atoms[m], s.ub_k[m], s.ub_r0[m]))
    m = _inside(s.torsion_atoms, is_selected)
    if m.any():
        terms.append(
            PeriodicTorsionForce(
                s.torsion_atoms[m], s.torsion_k[m], s.torsion_periodicity[m], s.torsion_phase[m]
            )
        )
    m = _inside(s.improper_atoms, is_selected)
    if m.any():
        terms.append(HarmonicImproperForce(s.improper_atoms[m], s.improper_k[m], s.improper_psi0[m]))
    m = _inside(s.cmap_atoms, is_selected)
    if m.any():
        terms.append(CMAPForce(s.cmap_atoms[m], s.cmap_map[m], s.cmap_grids))
    return terms


def _check_whole_terms(system: System, is_selected: np.ndarray) -> None:
    """A bonded term half inside the selection would be neither enhanced nor cleanly excluded."""
    for name in ("bond_atoms", "angle_atoms", "torsion_atoms"):
        atoms = getattr(system, name)
        if len(atoms):
            inside = is_selected[atoms]
            if np.any(inside.any(axis=1) & ~inside.all(axis=1)):
                raise InputError(
                    f"sits.selection cuts a covalent bond ({name[:-6]} terms cross it): "
                    "select whole molecules"
                )


class SoluteEnergy:
    """Energy and forces of a selection's internal terms plus its nonbonded pairs with everything.

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> from mstool.toolkit.md.forcefield import build_forcefield
    >>> from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
    >>> s = load_amber(*bundled("ala2_vacuum"))
    >>> ff = build_forcefield(s, NonbondedSettings(method="nocutoff"))
    >>> whole = SoluteEnergy(s, np.arange(s.n_atoms), ff.nonbonded)
    >>> abs(whole.energy_forces(s.positions, None)[0] - ff.energy_forces(s.positions, None)[0]) < 1e-9
    True
    """

    energy_groups = ("sits_selected",)

    def __init__(self, system: System, atoms: np.ndarray, nonbonded: NonbondedForce | None) -> None:
        if system.virtual_sites is not None and len(system.virtual_sites):
            raise InputError("sits.selection is not supported on systems with virtual sites")
        is_selected = np.zeros(system.n_atoms, dtype=bool)
        is_selected[atoms] = True
        _check_whole_terms(system, is_selected)
        self.atoms = np.ascontiguousarray(np.sort(atoms), dtype=np.int64)
        self.is_selected = is_selected
        self.bonded = _bonded_terms(system, is_selected)
        self.nonbonded = nonbonded
        if nonbonded is not None:
            if nonbonded.triclinic:
                raise InputError("sits.selection needs an orthorhombic box")
            self._prepare_pairs(system, nonbonded)
        self.last_energies: dict[str, float] = {}

    def _prepare_pairs(self, system: System, nb: NonbondedForce) -> None:
        excluded = nb.excluded
        partners: list[list[int]] = [[] for _ in self.atoms]
        slot = {int(a): k for k, a in enumerate(self.atoms)}
        for i, j in excluded:
            if int(i) in slot:
                partners[slot[int(i)]].append(int(j))
            if int(j) in slot:
                partners[slot[int(j)]].append(int(i))
        self.excl_start = np.cumsum([0] + [len(p) for p in partners]).astype(np.int64)
        self.excl_atoms = np.array([a for p in partners for a in p], dtype=np.int64)
        pairs = nb.pairs14
        keep = self.is_selected[pairs].any(axis=1) if len(pairs) else np.zeros(0, dtype=bool)
        self.pairs14 = np.ascontiguousarray(pairs[keep])
        self.scee = np.ascontiguousarray(system.pair14_scee[keep])
        self.scnb = np.ascontiguousarray(system.pair14_scnb[keep])

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        energies = {}
        add_terms(self.bonded, positions, box, forces, energies)
        nb = self.nonbonded
        if nb is not None:
            periodic = nb.periodic and box is not None
            box_arr = np.asarray(box, dtype=float) if periodic else nb._unit_box
            coul, lj = selected_pair_forces(
                positions,
                box_arr,
                periodic,
                self.atoms,
                self.is_selected,
                self.excl_start,
                self.excl_atoms,
                nb.charges,
                nb.types,
                nb.lj_a,
                nb.lj_b,
                nb.params,
                *nb.ewald_tables,
                forces,
            )
            c14, lj14 = correction_kernels.scaled_pairs(
                positions,
                box_arr,
                periodic,
                self.pairs14,
                nb.charges,
                nb.types,
                nb.lj14_a,
                nb.lj14_b,
                self.scee,
                self.scnb,
                COULOMB,
                forces,
            )
            energies["nonbonded"] = coul + lj + c14 + lj14
        self.last_energies = energies
        return float(sum(energies.values())), forces


def selected_energy(system: System, forcefield, mask: str) -> SoluteEnergy:
    """The :class:`SoluteEnergy` of the atoms an Amber ``mask`` selects (``sits.selection``).

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> from mstool.toolkit.md.forcefield import build_forcefield
    >>> from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
    >>> s = load_amber(*bundled("ala2_vacuum"))
    >>> len(selected_energy(s, build_forcefield(s, NonbondedSettings()), ":1-3").atoms)
    22
    """
    from mstool.toolkit.md.selection import select_atoms

    return SoluteEnergy(system, select_atoms(system, mask, field="sits.selection"), forcefield.nonbonded)
