"""Small built-in test systems: a Lennard-Jones fluid and a box of TIP3P water."""

from __future__ import annotations

import math

import numpy as np

from mstool.toolkit.md.system import System


def lj_fluid(
    n_atoms: int,
    density: float,
    sigma: float = 0.34,
    epsilon: float = 0.996,
    mass: float = 39.948,
    seed: int = 0,
) -> System:
    """Argon-like atoms on a jittered cubic lattice at ``density`` (atoms/nm^3).

    >>> s = lj_fluid(27, 20.0)
    >>> s.n_atoms, round(float(s.box[0]), 4)
    (27, 1.1052)
    """
    edge = (n_atoms / density) ** (1.0 / 3.0)
    per_side = math.ceil(n_atoms ** (1.0 / 3.0))
    spacing = edge / per_side
    grid = np.array([(i, j, k) for i in range(per_side) for j in range(per_side) for k in range(per_side)])
    rng = np.random.default_rng(seed)
    pos = (grid[:n_atoms] + 0.5) * spacing + rng.normal(scale=0.01 * spacing, size=(n_atoms, 3))
    a = 4.0 * epsilon * sigma**12
    b = 4.0 * epsilon * sigma**6
    return System(
        n_atoms=n_atoms,
        masses=np.full(n_atoms, mass),
        atom_names=["AR"] * n_atoms,
        residue_names=["AR"] * n_atoms,
        residue_starts=np.arange(n_atoms),
        source="lj_fluid",
        charges=np.zeros(n_atoms),
        atom_types=np.zeros(n_atoms, np.int64),
        lj_a=np.array([[a]]),
        lj_b=np.array([[b]]),
        positions=pos,
        box=np.full(3, edge),
    )


# TIP3P (Jorgensen 1983): r(OH) 0.09572 nm, HOH 104.52 deg, q(O) -0.834 e.
_TIP3P_R = 0.09572
_TIP3P_THETA = math.radians(104.52)
_TIP3P_SIGMA, _TIP3P_EPS = 0.315061, 0.636386


def tip3p_box(n_per_side: int, spacing: float = 0.3107, seed: int = 0) -> System:
    """n^3 rigid-geometry TIP3P waters on a lattice (about 1 g/cm^3 at the default spacing).

    Bonds O-H and H-H are harmonic (as Amber's flexible TIP3P), so the box also runs
    without constraints; ``water_atoms`` lists (O, H1, H2) for SETTLE.

    >>> w = tip3p_box(3)
    >>> w.n_atoms, len(w.water_atoms)
    (81, 27)
    """
    rng = np.random.default_rng(seed)
    n_w = n_per_side**3
    hh = 2 * _TIP3P_R * math.sin(_TIP3P_THETA / 2)
    local = np.array(
        [
            [0.0, 0.0, 0.0],
            [_TIP3P_R * math.sin(_TIP3P_THETA / 2), _TIP3P_R * math.cos(_TIP3P_THETA / 2), 0.0],
            [-_TIP3P_R * math.sin(_TIP3P_THETA / 2), _TIP3P_R * math.cos(_TIP3P_THETA / 2), 0.0],
        ]
    )
    positions = []
    for idx in range(n_w):
        cell = np.array(np.unravel_index(idx, (n_per_side,) * 3), dtype=float)
        q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        positions.append((cell + 0.5) * spacing + local @ q.T)
    pos = np.vstack(positions)
    n = 3 * n_w
    oxygen = np.arange(0, n, 3)
    bonds = np.vstack([np.c_[oxygen, oxygen + 1], np.c_[oxygen, oxygen + 2], np.c_[oxygen + 1, oxygen + 2]])
    r0 = np.r_[np.full(2 * n_w, _TIP3P_R), np.full(n_w, hh)]
    a = 4 * _TIP3P_EPS * _TIP3P_SIGMA**12
    b = 4 * _TIP3P_EPS * _TIP3P_SIGMA**6
    system = System(
        n_atoms=n,
        masses=np.tile([15.999, 1.008, 1.008], n_w),
        atom_names=["O", "H1", "H2"] * n_w,
        residue_names=["WAT"] * n_w,
        residue_starts=oxygen.astype(np.int64),
        source="tip3p_box",
        charges=np.tile([-0.834, 0.417, 0.417], n_w),
        atom_types=np.tile([0, 1, 1], n_w).astype(np.int64),
        lj_a=np.array([[a, 0.0], [0.0, 0.0]]),
        lj_b=np.array([[b, 0.0], [0.0, 0.0]]),
        bond_atoms=bonds.astype(np.int64),
        bond_k=np.full(3 * n_w, 462750.4 / 2),
        bond_r0=r0,
        n_bonds_with_h=3 * n_w,
        positions=pos,
        box=np.full(3, n_per_side * spacing),
    )
    system.set_exclusions(bonds)
    system.water_atoms = np.c_[oxygen, oxygen + 1, oxygen + 2].astype(np.int64)
    return system
