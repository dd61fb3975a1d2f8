"""Monte Carlo barostat (isotropic) and molecular pressure by finite differences.

Molecules (from ATOMS_PER_MOLECULE, else residues) move rigidly with their centre of
mass when the box is scaled, so constraints stay satisfied.
"""

from __future__ import annotations

import math

import numpy as np

from mstool.toolkit.md.box import box_volume
from mstool.toolkit.md.system import System
from mstool.toolkit.md.units import BAR_TO_KJ_MOL_NM3, BOLTZMANN


def molecule_index(system: System) -> np.ndarray:
    """Molecule number of every atom.

    >>> from mstool.toolkit.md.builders import tip3p_box
    >>> molecule_index(tip3p_box(2))[:6].tolist()
    [0, 0, 0, 1, 1, 1]
    """
    if system.atoms_per_molecule is not None and system.atoms_per_molecule.sum() == system.n_atoms:
        return np.repeat(np.arange(len(system.atoms_per_molecule)), system.atoms_per_molecule)
    starts = np.r_[system.residue_starts, system.n_atoms]
    return np.repeat(np.arange(len(starts) - 1), np.diff(starts))


class MoleculeScaler:
    """Scale molecular centres of mass with the box."""

    def __init__(self, system: System) -> None:
        self.mol = molecule_index(system)
        self.n_mol = int(self.mol.max()) + 1
        self.masses = system.masses
        self.mol_mass = np.bincount(self.mol, weights=self.masses, minlength=self.n_mol)

    def centres(self, positions: np.ndarray) -> np.ndarray:
        return (
            np.stack(
                [
                    np.bincount(self.mol, weights=self.masses * positions[:, d], minlength=self.n_mol)
                    for d in range(3)
                ],
                axis=1,
            )
            / self.mol_mass[:, None]
        )

    def scaled(self, positions: np.ndarray, factor: float) -> np.ndarray:
        centres = self.centres(positions)
        return positions + ((factor - 1.0) * centres)[self.mol]

    def kinetic(self, velocities: np.ndarray) -> float:
        p = np.stack(
            [
                np.bincount(self.mol, weights=self.masses * velocities[:, d], minlength=self.n_mol)
                for d in range(3)
            ],
            axis=1,
        )
        return 0.5 * float(np.sum(p * p / self.mol_mass[:, None]))


def pressure_bar(
    provider,
    scaler: MoleculeScaler,
    positions: np.ndarray,
    velocities: np.ndarray,
    box: np.ndarray,
    delta: float = 1e-5,
) -> float:
    """Instantaneous molecular pressure: (2 K_com / 3 - V dU/dV) / V, dU/dV by central differences.

    >>> from mstool.toolkit.md.builders import lj_fluid
    >>> from mstool.toolkit.md.forcefield import build_forcefield
    >>> from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
    >>> s = lj_fluid(64, 20.0)
    >>> ff = build_forcefield(s, NonbondedSettings(method="cutoff", cutoff=0.6))
    >>> p = pressure_bar(ff, MoleculeScaler(s), s.positions, np.zeros_like(s.positions), s.box)
    >>> bool(np.isfinite(p))
    True
    """
    volume = box_volume(box)
    energies = []
    for sign in (1.0, -1.0):
        factor = (1.0 + sign * delta) ** (1.0 / 3.0)
        e, _ = provider.energy_forces(scaler.scaled(positions, factor), box * factor)
        energies.append(e)
    du_dv = (energies[0] - energies[1]) / (2.0 * delta * volume)
    pressure = (2.0 / 3.0) * scaler.kinetic(velocities) / volume - du_dv
    return pressure / BAR_TO_KJ_MOL_NM3


class MonteCarloBarostat:
    """Every ``frequency`` steps, try a random volume change and accept it by Metropolis."""

    def __init__(
        self,
        scaler: MoleculeScaler,
        pressure_bar: float,
        temperature: float,
        frequency: int,
        rng: np.random.Generator,
    ) -> None:
        self.scaler = scaler
        self.pressure = pressure_bar * BAR_TO_KJ_MOL_NM3
        self.kt = BOLTZMANN * temperature
        self.frequency = frequency
        self.rng = rng
        self.max_dv = None
        self.attempts = self.accepted = 0

    def maybe_step(self, state, provider) -> None:
        if state.step % self.frequency:
            return
        volume = box_volume(state.box)
        if self.max_dv is None:
            self.max_dv = 0.01 * volume
        dv = self.max_dv * (2.0 * self.rng.random() - 1.0)
        factor = ((volume + dv) / volume) ** (1.0 / 3.0)
        new_pos = self.scaler.scaled(state.positions, factor)
        new_box = state.box * factor
        e_new, f_new = provider.energy_forces(new_pos, new_box)
        w = (
            e_new
            - state.potential
            + self.pressure * dv
            - self.scaler.n_mol * self.kt * math.log((volume + dv) / volume)
        )
        self.attempts += 1
        if w <= 0 or self.rng.random() < math.exp(-w / self.kt):
            state.positions, state.box, state.potential, state.forces = new_pos, new_box, e_new, f_new
            state.energies = dict(getattr(provider, "last_energies", {}))
            self.accepted += 1
        else:
            provider.energy_forces(state.positions, state.box)  # restore cached per-term energies
        if self.attempts >= 10:
            rate = self.accepted / self.attempts
            self.max_dv *= 1.1 if rate > 0.75 else (0.9 if rate < 0.25 else 1.0)
            self.attempts = self.accepted = 0
