"""Integrators as tables of moves: velocity Verlet (NVE), Langevin middle scheme (Liu's,
SPONGE's default), BAOAB, and velocity Verlet with an Andersen or Berendsen thermostat
(``friction`` is the collision or coupling rate, 1/ps).

Each integrator is one entry of :data:`SCHEMES`: the moves of one step, each with its length as
a fraction of ``dt``, run in order by :meth:`Integrator.step`. The moves:

- ``kick`` (B): ``v += h F / m``, then the velocity constraints (RATTLE);
- ``drift`` (A): ``x += h v``, then the position constraints (SHAKE/SETTLE) and the velocity
  change they imply (constraining needs the positions from before the drift, so it is part of
  the move);
- ``thermostat`` (O): Ornstein-Uhlenbeck friction and noise over ``h``, then RATTLE;
- ``forces``: forces and energies at the current positions (the force provider places virtual
  sites from their parents first);
- ``andersen``: collisions with the heat bath over ``h``; ``berendsen``: velocities scaled
  towards the bath temperature over ``h``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numba
import numpy as np

from mstool.toolkit.backend import resolve_device, use_parallel
from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.md.constraints import Constraints
from mstool.toolkit.md.kernels import integrate as moves
from mstool.toolkit.md.kernels import noise
from mstool.toolkit.md.units import BOLTZMANN


class Move(NamedTuple):
    """One move of a step: its name (a method ``_<name>`` of :class:`Integrator`, or ``forces``)
    and its length as a fraction of ``dt``."""

    name: str
    fraction: float = 1.0


VERLET = (Move("kick", 0.5), Move("drift"), Move("forces"), Move("kick", 0.5))
SCHEMES: dict[str, tuple[Move, ...]] = {
    "verlet": VERLET,
    "langevin_middle": (
        Move("kick"), Move("drift", 0.5), Move("thermostat"), Move("drift", 0.5), Move("forces"),
    ),
    "baoab": (
        Move("kick", 0.5), Move("drift", 0.5), Move("thermostat"), Move("drift", 0.5), Move("forces"),
        Move("kick", 0.5),
    ),
    "andersen": (*VERLET, Move("andersen")),
    "berendsen": (*VERLET, Move("berendsen")),
}
MAX_SPEED = 200.0  # nm/ps; thermal speeds at 300 K are a few nm/ps
# The O step's noise costs about 4 ns a number: worth a second thread from a few thousand atoms.
NOISE_PARALLEL_MIN_ATOMS = 5000


@dataclass
class State:
    """Positions (nm), velocities (nm/ps), forces (kJ/mol/nm), box (nm) and the step count."""

    positions: np.ndarray
    velocities: np.ndarray
    box: np.ndarray | None
    forces: np.ndarray | None = None
    potential: float = 0.0
    energies: dict = field(default_factory=dict)
    step: int = 0


class Integrator:
    """Moves a :class:`State` by ``dt`` (ps) under a force provider ``energy_forces(pos, box)``,
    by the moves of the scheme ``kind`` names in :data:`SCHEMES`.

    >>> [(m.name, m.fraction) for m in SCHEMES["verlet"]]
    [('kick', 0.5), ('drift', 1.0), ('forces', 1.0), ('kick', 0.5)]
    >>> from mstool.toolkit.md.builders import lj_fluid
    >>> from mstool.toolkit.md.forcefield import build_forcefield
    >>> from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
    >>> s = lj_fluid(27, 20.0)
    >>> ff = build_forcefield(s, NonbondedSettings(method="cutoff", cutoff=0.5))
    >>> integ = Integrator("verlet", 0.002, s.masses, Constraints(np.zeros((0, 2)), np.zeros(0), s.masses))
    >>> st = State(s.positions.copy(), np.zeros_like(s.positions), s.box)
    >>> integ.step(st, ff)
    >>> st.step
    1
    """

    def __init__(
        self,
        kind: str,
        dt: float,
        masses: np.ndarray,
        constraints: Constraints,
        temperature: float = 300.0,
        friction: float = 1.0,
        seed: int = 0,
        device: str = "cpu",
    ) -> None:
        if kind not in SCHEMES:
            raise InputError(f"integrator: unknown '{kind}'; use one of {', '.join(SCHEMES)}")
        if dt <= 0:
            raise InputError(f"dt must be positive, got {dt}")
        self.kind = kind
        # (bound method, None for the forces; fraction of dt)
        self._moves = tuple((None if m.name == "forces" else getattr(self, f"_{m.name}"), m.fraction)
                            for m in SCHEMES[kind])
        self.dt = dt
        self.masses = np.asarray(masses, dtype=float)
        self.inv_mass = inverse_masses(self.masses)[:, None]
        self._inv_mass_flat = np.ascontiguousarray(self.inv_mass[:, 0])
        self.constraints = constraints
        self.temperature = temperature
        self.friction = friction
        self.rng = np.random.default_rng(seed)
        # The O step's noise is a hash of (seed, stream): stream = step * O moves per step + the
        # move's place in the step, so a resumed run needs only the seed and the step.
        self.noise_seed = seed
        self._thermostats_per_step = sum(m.name == "thermostat" for m in SCHEMES[kind])
        self._thermostats_done = 0
        self._friction_noise = (
            noise.friction_noise_parallel
            if use_parallel(len(self.masses), NOISE_PARALLEL_MIN_ATOMS)
            else noise.friction_noise_serial
        )
        self._kick_drift = select_update_kernel(device)
        self._work: tuple[np.ndarray, np.ndarray] | None = None
        self._noise_key: tuple[float, float, float] | None = None
        self._noise: tuple[float, np.ndarray] = (1.0, np.zeros((0, 1)))

    def compute_forces(self, state: State, provider) -> None:
        energy, forces = provider.energy_forces(state.positions, state.box)
        state.potential = float(energy)
        state.forces = forces
        state.energies = dict(getattr(provider, "last_energies", {}) or {"potential": float(energy)})
        check_finite(state)

    def _kick(self, state: State, h: float) -> None:
        if self._kick_drift is not None:
            self._kick_drift(state.positions, state.velocities, state.forces, self.inv_mass[:, 0], h, 0.0)
        else:
            moves.kick(state.velocities, state.forces, self._inv_mass_flat, h)
        self.constraints.apply_velocities(state.positions, state.velocities, state.step)

    def _scratch(self, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Two position-shaped work arrays kept between steps."""
        if self._work is None or self._work[0].shape != shape:
            self._work = (np.empty(shape), np.empty(shape))
        return self._work

    def _drift(self, state: State, h: float) -> None:
        old, moved = self._scratch(state.positions.shape)
        if self._kick_drift is not None:
            np.copyto(old, state.positions)
            self._kick_drift(state.positions, state.velocities, state.forces, self.inv_mass[:, 0], 0.0, h)
        else:
            moves.drift(state.positions, state.velocities, h, old)
        if self.constraints.count:
            np.copyto(moved, state.positions)
            self.constraints.apply_positions(state.positions, old, state.step)
            moves.constraint_velocity(state.positions, moved, state.velocities, h)

    def _noise_scale(self, h: float) -> tuple[float, np.ndarray]:
        """(velocity damping, per-atom noise width) of an O step of length ``h``, cached."""
        key = (h, self.friction, self.temperature)
        if self._noise_key != key:
            a = math.exp(-self.friction * h)
            self._noise = (a, np.sqrt(BOLTZMANN * self.temperature * (1.0 - a * a) * self.inv_mass))
            self._sigma_flat = np.ascontiguousarray(self._noise[1][:, 0])
            self._noise_key = key
        return self._noise

    def _thermostat(self, state: State, h: float) -> None:
        a, sigma = self._noise_scale(h)
        stream = state.step * self._thermostats_per_step + self._thermostats_done
        self._thermostats_done += 1
        self._friction_noise(
            state.velocities, a, self._sigma_flat, noise.seed_word(self.noise_seed), np.uint64(stream)
        )
        self.constraints.apply_velocities(state.positions, state.velocities, state.step)

    def _andersen(self, state: State, h: float) -> None:
        """Each atom collides with the heat bath with probability 1 - exp(-friction h)."""
        hit = self.rng.random(len(self.masses)) < -math.expm1(-self.friction * h)
        if hit.any():
            sigma = np.sqrt(BOLTZMANN * self.temperature * self.inv_mass[hit])
            state.velocities[hit] = sigma * self.rng.standard_normal((int(hit.sum()), 3))
            self.constraints.apply_velocities(state.positions, state.velocities, state.step)

    def _berendsen(self, state: State, h: float) -> None:
        """Scale velocities towards the bath temperature with time constant 1 / friction."""
        dof = 3 * int(np.count_nonzero(self.masses)) - self.constraints.count
        current = temperature_of(self.kinetic_energy(state), dof)
        if current > 0:
            factor = 1.0 + self.friction * h * (self.temperature / current - 1.0)
            state.velocities *= math.sqrt(max(factor, 0.0))

    def step(self, state: State, provider) -> None:
        """Advance one step by the moves of the scheme; forces in ``state`` are current on entry
        and on exit."""
        if state.forces is None:
            self.compute_forces(state, provider)
        dt = self.dt
        self._thermostats_done = 0
        for move, fraction in self._moves:
            if move is None:
                self.compute_forces(state, provider)
            else:
                move(state, fraction * dt)
        state.step += 1
        check_finite(state, check_speed=True)

    def kinetic_energy(self, state: State) -> float:
        """Kinetic energy in kJ/mol. For the middle scheme this is the on-step velocity."""
        return 0.5 * float(np.sum(self.masses[:, None] * state.velocities**2))


def select_update_kernel(device: str):
    """None for numpy updates on the CPU; the numba.cuda kick/drift kernel for cuda (or auto with a GPU)."""
    if resolve_device(device, where="device") == "cpu":
        return None
    from mstool.toolkit.md.kernels import cuda as cuda_kernels

    return cuda_kernels.kick_drift


@numba.njit(cache=True, error_model="numpy")
def _scan_state(positions, forces, velocities):
    """(first atom with a non-finite position, force or velocity, or -1; atom of the largest
    speed; its squared speed), in one pass."""
    bad = -1
    fastest = 0
    top = -1.0
    for i in range(positions.shape[0]):
        v2 = 0.0
        ok = True
        for d in range(3):
            ok = ok and math.isfinite(positions[i, d]) and math.isfinite(forces[i, d])
            ok = ok and math.isfinite(velocities[i, d])
            v2 += velocities[i, d] * velocities[i, d]
        if not ok and bad < 0:
            bad = i
        if v2 > top:
            top = v2
            fastest = i
    return bad, fastest, top


def check_finite(state: State, check_speed: bool = False) -> None:
    """Raise :class:`WorkFailed` naming the step and the first bad atom on NaN/inf or runaway speed."""
    forces = state.positions if state.forces is None else state.forces
    velocities = np.zeros_like(state.positions) if state.velocities is None else state.velocities
    bad, fastest, top = _scan_state(state.positions, forces, velocities)
    if bad >= 0 or not math.isfinite(state.potential):
        raise WorkFailed(
            f"simulation blew up at step {state.step}: non-finite energy or force "
            f"(atom {max(bad, 0) + 1}); try a smaller dt or minimise first"
        )
    if check_speed and top > MAX_SPEED**2:
        raise WorkFailed(
            f"simulation blew up at step {state.step}: atom {fastest + 1} moves at "
            f"{math.sqrt(top):.3g} nm/ps; try a smaller dt or minimise first"
        )


def maxwell_boltzmann(masses: np.ndarray, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """Velocities drawn at ``temperature`` (K), zero total momentum.

    >>> v = maxwell_boltzmann(np.ones(1000), 300.0, np.random.default_rng(0))
    >>> v.shape
    (1000, 3)
    """
    sigma = np.sqrt(BOLTZMANN * temperature * inverse_masses(masses))[:, None]
    v = sigma * rng.standard_normal((len(masses), 3))
    v -= (masses[:, None] * v).sum(axis=0) / masses.sum()
    v[masses == 0] = 0.0
    return v


def inverse_masses(masses: np.ndarray) -> np.ndarray:
    """1 / m per atom, and 0 for massless virtual sites (they never move on their own).

    >>> inverse_masses(np.array([2.0, 0.0])).tolist()
    [0.5, 0.0]
    """
    masses = np.asarray(masses, dtype=float)
    return np.divide(1.0, masses, out=np.zeros_like(masses), where=masses > 0)


def temperature_of(kinetic: float, dof: int) -> float:
    """Instantaneous temperature (K) from kinetic energy (kJ/mol) and degrees of freedom."""
    return 2.0 * kinetic / (dof * BOLTZMANN) if dof > 0 else 0.0
