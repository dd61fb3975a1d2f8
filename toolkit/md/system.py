"""The :class:`System`: topology, force-field parameters, coordinates and box as plain arrays.

Loaded once (from Amber files or a generator); force terms and integrators read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mstool.toolkit.errors import InputError


def _empty(width: int, dtype=np.int64) -> np.ndarray:
    return np.zeros((0, width), dtype=dtype)


@dataclass
class System:
    """Per-atom data and bonded/nonbonded parameters in nm, kJ/mol, radians, e, amu.

    >>> s = System(n_atoms=2, masses=np.ones(2))
    >>> s.n_atoms
    2
    """

    n_atoms: int
    masses: np.ndarray
    atom_names: list[str] = field(default_factory=list)
    residue_names: list[str] = field(default_factory=list)
    residue_starts: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    source: str = "generated"
    charges: np.ndarray | None = None
    atom_types: np.ndarray | None = None
    lj_a: np.ndarray | None = None  # (n_types, n_types) kJ/mol nm^12
    lj_b: np.ndarray | None = None  # (n_types, n_types) kJ/mol nm^6
    lj_c: np.ndarray | None = None  # (n_types, n_types) kJ/mol nm^4: 12-6-4 terms E = -C / r^4
    gb_radii: np.ndarray | None = None  # nm, %FLAG RADII (intrinsic Born radii)
    gb_screen: np.ndarray | None = None  # %FLAG SCREEN (HCT screening factors)
    atomic_numbers: np.ndarray | None = None  # %FLAG ATOMIC_NUMBER, when the topology has it
    lj14_a: np.ndarray | None = None  # 1-4 tables when they differ from lj_a/lj_b (CHARMM)
    lj14_b: np.ndarray | None = None
    bond_atoms: np.ndarray = field(default_factory=lambda: _empty(2))
    bond_k: np.ndarray = field(default_factory=lambda: np.zeros(0))  # E = k (r - r0)^2
    bond_r0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_bonds_with_h: int = 0
    angle_atoms: np.ndarray = field(default_factory=lambda: _empty(3))
    angle_k: np.ndarray = field(default_factory=lambda: np.zeros(0))  # E = k (t - t0)^2
    angle_theta0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ub_atoms: np.ndarray = field(default_factory=lambda: _empty(2))
    ub_k: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ub_r0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    improper_atoms: np.ndarray = field(default_factory=lambda: _empty(4))  # CHARMM harmonic impropers
    improper_k: np.ndarray = field(default_factory=lambda: np.zeros(0))  # E = k (psi - psi0)^2
    improper_psi0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    torsion_atoms: np.ndarray = field(default_factory=lambda: _empty(4))
    torsion_k: np.ndarray = field(default_factory=lambda: np.zeros(0))  # E = k (1 + cos(n phi - phase))
    torsion_periodicity: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    torsion_phase: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cmap_atoms: np.ndarray = field(default_factory=lambda: _empty(5))
    cmap_map: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    cmap_grids: list = field(default_factory=list)
    pair14_atoms: np.ndarray = field(default_factory=lambda: _empty(2))
    pair14_scee: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pair14_scnb: np.ndarray = field(default_factory=lambda: np.zeros(0))
    exclusions: np.ndarray = field(default_factory=lambda: _empty(2))  # i < j, unique
    solvent_pointers: tuple | None = None
    atoms_per_molecule: np.ndarray | None = None
    positions: np.ndarray | None = None
    velocities: np.ndarray | None = None
    box: np.ndarray | None = None  # orthorhombic edge lengths (nm)
    box_angles: np.ndarray | None = None
    water_atoms: np.ndarray = field(default_factory=lambda: _empty(3))  # (O, H1, H2) rigid waters
    virtual_sites: object | None = None  # VirtualSites of the massless extra points, if any

    def set_exclusions(self, pairs: np.ndarray) -> None:
        """Store excluded pairs as unique sorted (i < j) rows."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        pairs = np.sort(pairs, axis=1)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        self.exclusions = np.unique(pairs, axis=0) if len(pairs) else _empty(2)

    def all_excluded_pairs(self) -> np.ndarray:
        """Exclusions plus 1-4 pairs: every pair the plain nonbonded sum must skip."""
        both = np.vstack([self.exclusions, np.sort(self.pair14_atoms, axis=1)])
        return np.unique(both, axis=0) if len(both) else _empty(2)

    def validate(self, where: str) -> None:
        """Check index ranges and array lengths; raises :class:`InputError`."""
        names = ("bond_atoms", "angle_atoms", "torsion_atoms", "improper_atoms", "pair14_atoms", "exclusions")
        for name in names:
            arr = getattr(self, name)
            if len(arr) and (arr.min() < 0 or arr.max() >= self.n_atoms):
                raise InputError(f"{name} refers to an atom outside 1..{self.n_atoms}", where=where)
        if len(self.masses) != self.n_atoms:
            raise InputError(f"expected {self.n_atoms} masses, found {len(self.masses)}", where=where)

    @property
    def n_virtual_sites(self) -> int:
        return 0 if self.virtual_sites is None else len(self.virtual_sites)

    @property
    def is_periodic(self) -> bool:
        return self.box is not None

    def find_waters(self) -> np.ndarray:
        """(O, H1, H2) indices of 3-atom water residues (WAT/HOH/TIP3/SOL)."""
        found = []
        starts = list(self.residue_starts) + [self.n_atoms]
        for r, name in enumerate(self.residue_names):
            a, b = starts[r], starts[r + 1]
            if name.strip() in ("WAT", "HOH", "TIP3", "SOL") and b - a == 3:
                found.append((a, a + 1, a + 2))
        return np.array(found, dtype=np.int64).reshape(-1, 3)

    def degrees_of_freedom(self, n_constraints: int = 0, remove_com: bool = False) -> int:
        """3 per real atom (virtual sites have none) minus constraints (minus 3 when
        centre-of-mass motion is removed)."""
        real = self.n_atoms - self.n_virtual_sites
        return 3 * real - n_constraints - (3 if remove_com else 0)
