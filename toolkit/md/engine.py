"""Run a simulation from a :class:`~mstool.schemas.md.SimulateRecipe`: set up, minimise, integrate,
write trajectory frames (H5MD, DCD or XTC) and checkpoints, resume.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mstool.schemas.md import SimulateRecipe, TrajectoryMeta
from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.io.atomic import atomic_write_path
from mstool.toolkit.io.recipes import resolve_path
from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.barostat import MoleculeScaler, MonteCarloBarostat, pressure_bar
from mstool.toolkit.md.box import box_volume, is_triclinic
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.forcefield import ForceField, build_forcefield
from mstool.toolkit.md.forces.gb import ImplicitSolventSettings
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.forces.restraints import PositionalRestraintForce
from mstool.toolkit.md.hmr import repartition_hydrogen_mass
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann, temperature_of
from mstool.toolkit.md.minimize import minimise
from mstool.toolkit.md.outputs import output_paths, run_outputs
from mstool.toolkit.md.selection import select_atoms
from mstool.toolkit.md.sits import SITS
from mstool.toolkit.md.solute_energy import selected_energy
from mstool.toolkit.md.system import System
from mstool.toolkit.md.trajectory import TrajectoryWriter
from mstool.toolkit.md.trajectory_formats import MDAnalysisTrajectoryWriter, trajectory_format


def nonbonded_settings(recipe: SimulateRecipe) -> NonbondedSettings:
    nb = recipe.nonbonded
    return NonbondedSettings(
        method=nb.method,
        cutoff=nb.cutoff,
        switch_distance=nb.switch_distance,
        ewald_tolerance=nb.ewald_tolerance,
        pme_order=nb.pme_order,
        dispersion_correction=nb.dispersion_correction,
        skin=nb.skin,
    )


def implicit_solvent_settings(recipe: SimulateRecipe) -> ImplicitSolventSettings | None:
    gb = recipe.implicit_solvent
    if gb.model == "none":
        return None
    return ImplicitSolventSettings(
        model=gb.model,
        solvent_dielectric=gb.solvent_dielectric,
        solute_dielectric=gb.solute_dielectric,
        salt_concentration=gb.salt_concentration,
        temperature=recipe.temperature,
    )


@dataclass
class RunSummary:
    """What a run did, for the CLI's table and JSON."""

    steps: int = 0
    frames: int = 0
    wall_seconds: float = 0.0
    ns_per_day: float = 0.0
    mean_temperature: float = float("nan")
    final_energies: dict = field(default_factory=dict)
    minimised_energy: float | None = None
    trajectory: str | None = None
    resumed_from: int | None = None


class Simulation:
    """A system bound to its force terms, constraints, integrator and optional SITS/barostat."""

    def __init__(self, recipe: SimulateRecipe, system: System, forcefield: ForceField) -> None:
        self.recipe = recipe
        self.system = system
        self.forcefield = forcefield
        self.constraints = constraints_for(system, recipe.constraints)
        self.integrator = Integrator(
            recipe.integrator,
            recipe.dt,
            system.masses,
            self.constraints,
            recipe.temperature,
            recipe.friction,
            recipe.seed,
            device=recipe.device,
        )
        self.rng = self.integrator.rng
        self.provider = forcefield
        self.sits: SITS | None = None
        if recipe.sits.enabled:
            s = recipe.sits
            levels = SITS.geometric_levels(s.temperature_low, s.temperature_high, s.levels)
            enhanced = selected_energy(system, forcefield, s.selection) if s.selection else None
            self.sits = SITS(
                forcefield, recipe.temperature, levels, s.update_interval, s.fixed_weights_after,
                enhanced=enhanced,
            )
            self.provider = self.sits
        self.scaler = MoleculeScaler(system) if system.is_periodic else None
        self.barostat = None
        if recipe.barostat.enabled:
            if self.scaler is None or recipe.nonbonded.method == "nocutoff":
                raise InputError("barostat.enabled needs a periodic system (nonbonded.method cutoff or pme)")
            self.barostat = MonteCarloBarostat(
                self.scaler, recipe.barostat.pressure, recipe.temperature, recipe.barostat.frequency, self.rng
            )
        remove = recipe.integrator == "verlet"
        self.dof = system.degrees_of_freedom(self.constraints.count, remove_com=remove)

    @property
    def energy_groups(self) -> tuple[str, ...]:
        """The energy groups of the force field's terms: the ``energy_*`` observables."""
        return self.forcefield.energy_groups

    def initial_energies(self) -> dict[str, float]:
        """Per-group energies (kJ/mol) at the input coordinates, before anything moves."""
        self.forcefield.energy_forces(self.system.positions, self.system.box)
        energies = self.forcefield.last_energies
        return {k: float(energies.get(k, 0.0)) for k in (*self.energy_groups, "potential")}

    def initial_state(self) -> State:
        s = self.system
        positions = s.positions.copy()
        box = None if s.box is None else np.array(s.box, dtype=float)
        mode = self.recipe.initial_velocities
        if mode == "file" and s.velocities is not None:
            velocities = s.velocities.copy()
        elif mode == "zero":
            velocities = np.zeros_like(positions)
        else:
            velocities = maxwell_boltzmann(s.masses, self.recipe.temperature, self.rng)
        if self.constraints.count:
            self.constraints.apply_positions(positions, positions.copy(), 0)
            self.constraints.apply_velocities(positions, velocities, 0)
        if s.virtual_sites is not None:  # rebuilt from the parents, never taken from the file
            s.virtual_sites.place(positions)
            velocities[s.virtual_sites.indices] = 0.0
        return State(positions=positions, velocities=velocities, box=box)

    def minimise(self, state: State) -> float:
        m = self.recipe.minimisation
        pos, energy, _ = minimise(
            self.forcefield,
            state.positions,
            state.box,
            m.steepest_descent_steps,
            m.max_iterations,
            m.tolerance,
        )
        if self.constraints.count:
            self.constraints.apply_positions(pos, pos.copy(), 0)
            self.constraints.apply_velocities(pos, state.velocities, 0)
        state.positions = pos
        state.forces = None
        return energy

    def observables(self, state: State) -> dict[str, float]:
        kinetic = self.integrator.kinetic_energy(state)
        values = {
            "potential_energy": state.potential,
            "kinetic_energy": kinetic,
            "total_energy": state.potential + kinetic,
            "temperature": temperature_of(kinetic, self.dof),
        }
        for group in self.energy_groups:
            values[f"energy_{group}"] = float(state.energies.get(group, 0.0))
        if self.scaler is not None and state.box is not None:
            values["pressure"] = pressure_bar(
                self.forcefield, self.scaler, state.positions, state.velocities, state.box
            )
            values["volume"] = box_volume(state.box)
            self.forcefield.energy_forces(state.positions, state.box)  # keep cached terms current
        if self.sits is not None:
            values["sits_log_weight"] = self.sits.log_weight
            values["sits_raw_potential"] = self.sits.raw_potential
            values["sits_force_factor"] = self.sits.force_factor
        return values

    def observable_names(self) -> list[str]:
        names = ["potential_energy", "kinetic_energy", "total_energy", "temperature"]
        names += [f"energy_{g}" for g in self.energy_groups]
        if self.scaler is not None:
            names += ["pressure", "volume"]
        if self.sits is not None:
            names += ["sits_log_weight", "sits_raw_potential", "sits_force_factor"]
        return names

    def reset_neighbor_lists(self) -> None:
        for term in self.forcefield.terms:
            nl = getattr(term, "neighbors", None)
            if nl is not None:
                nl.table = None


def load_system(recipe: SimulateRecipe, base_dir: Path) -> System:
    top = resolve_path(recipe.system.topology, base_dir)
    crd = resolve_path(recipe.system.coordinates, base_dir)
    return load_amber(top, crd)


def prepare(recipe: SimulateRecipe, base_dir: Path, device: str = "cpu") -> Simulation:
    """Load the system and build everything a run needs."""
    system = load_system(recipe, base_dir)
    if recipe.hydrogen_mass is not None:
        repartition_hydrogen_mass(system, recipe.hydrogen_mass)
    ml, ml_term, classical = recipe.ml_potential, None, system
    if ml.model:
        from mstool.toolkit.md.ml import build_ml_potential

        ml_term, classical = build_ml_potential(ml, system, base_dir, recipe.constraints)
    forcefield = build_forcefield(
        classical, nonbonded_settings(recipe), device=device,
        implicit_solvent=implicit_solvent_settings(recipe),
    )
    if ml_term is not None:
        if ml.mode == "replace" and not ml.selection.strip():
            forcefield.terms = []
        forcefield.add(ml_term)
    if recipe.restraints.selection:
        atoms = select_atoms(system, recipe.restraints.selection)
        forcefield.add(
            PositionalRestraintForce(atoms, system.positions[atoms], recipe.restraints.force_constant)
        )
    return Simulation(recipe, system, forcefield)


def save_checkpoint(path: Path, sim: Simulation, state: State) -> None:
    """Positions, velocities, box, step, RNG and SITS state, written atomically. The Langevin
    noise is a hash of (seed, step), so its seed is all it needs."""
    extra = {
        "step": state.step,
        "noise_seed": sim.integrator.noise_seed,
        "rng": sim.rng.bit_generator.state,
        "sits": sim.sits.state_dict() if sim.sits else None,
        "barostat_max_dv": sim.barostat.max_dv if sim.barostat else None,
    }
    with atomic_write_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez(
            handle,
            positions=state.positions,
            velocities=state.velocities,
            box=np.zeros(0) if state.box is None else state.box,
            extra=json.dumps(extra),
        )


def load_checkpoint(path: Path, sim: Simulation) -> State:
    if not path.exists():
        raise InputError("cannot resume: checkpoint not found", where=str(path))
    try:
        data = np.load(path, allow_pickle=False)
        extra = json.loads(str(data["extra"]))
    except (OSError, ValueError, KeyError) as err:
        raise InputError(f"unreadable checkpoint ({err})", where=str(path)) from None
    if data["positions"].shape != (sim.system.n_atoms, 3):
        raise InputError("checkpoint atom count differs from the topology", where=str(path))
    sim.rng.bit_generator.state = extra["rng"]
    sim.integrator.noise_seed = int(extra.get("noise_seed", sim.integrator.noise_seed))
    if sim.sits and extra.get("sits"):
        sim.sits.load_state(extra["sits"])
    if sim.barostat:
        sim.barostat.max_dv = extra.get("barostat_max_dv")
    box = data["box"] if data["box"].size else None
    return State(
        positions=data["positions"].copy(),
        velocities=data["velocities"].copy(),
        box=None if box is None else box.copy(),
        step=int(extra["step"]),
    )


def run(
    sim: Simulation,
    base_dir: Path,
    *,
    resume: bool = False,
    overwrite: bool = True,
    progress: Callable[..., None] | None = None,
) -> RunSummary:
    """Integrate ``recipe.steps`` steps writing the trajectory and checkpoints.

    Input files resolve against the recipe's folder, output files against the working directory.
    """
    traj_path, ckpt_path = output_paths(sim.recipe)
    with run_outputs(traj_path, ckpt_path, replace=overwrite and not resume) as commit:
        return _run_locked(sim, traj_path, ckpt_path, resume, overwrite, progress, commit)


def _run_locked(
    sim: Simulation,
    traj_path: Path,
    ckpt_path: Path,
    resume: bool,
    overwrite: bool,
    progress: Callable[..., None] | None,
    commit: Callable[[], None],
) -> RunSummary:
    recipe = sim.recipe
    summary = RunSummary()
    if resume:
        state = load_checkpoint(ckpt_path, sim)
        summary.resumed_from = state.step
    else:
        state = sim.initial_state()
        if recipe.minimisation.enabled:
            summary.minimised_energy = sim.minimise(state)
    writer = _open_trajectory(sim, traj_path, state.step if resume else None, overwrite)
    summary.trajectory = str(traj_path)
    temps: list[float] = []
    start_step, t0 = state.step, time.perf_counter()
    with writer:
        sim.integrator.compute_forces(state, sim.provider)
        if not resume:
            _write_frame(sim, writer, state, temps, force=True)
        _integrate(sim, writer, state, ckpt_path, temps, progress, commit)
        summary.frames = writer.frames
    summary.steps = state.step - start_step
    summary.wall_seconds = time.perf_counter() - t0
    if summary.steps and summary.wall_seconds > 0:
        summary.ns_per_day = summary.steps * recipe.dt * 1e-3 * 86400.0 / summary.wall_seconds
    summary.mean_temperature = float(np.mean(temps)) if temps else float("nan")
    summary.final_energies = {k: float(v) for k, v in state.energies.items()}
    return summary


def written_atoms(sim: Simulation) -> np.ndarray | None:
    """The atoms a trajectory frame holds: None for all, the real atoms under
    ``output.virtual_sites: omit``."""
    sites = sim.system.virtual_sites
    if sim.recipe.output.virtual_sites == "keep" or sites is None:
        return None
    return np.setdiff1d(np.arange(sim.system.n_atoms), sites.indices)


def _open_trajectory(sim: Simulation, path: Path, resume_step: int | None, overwrite: bool):
    """The H5MD writer, or the DCD/XTC one, as ``output.format`` (or the suffix) says."""
    recipe, out = sim.recipe, sim.recipe.output
    atoms = written_atoms(sim)
    n_atoms = sim.system.n_atoms if atoms is None else len(atoms)
    fmt = trajectory_format(path, out.format)
    if fmt != "h5md":
        return MDAnalysisTrajectoryWriter(
            path, fmt, n_atoms=n_atoms, every=out.positions_every, dt=recipe.dt, atoms=atoms,
            resume_step=resume_step, overwrite=overwrite,
        )
    return TrajectoryWriter(
        path,
        _trajectory_meta(recipe, n_atoms),
        sim.observable_names(),
        periodic=sim.system.is_periodic,
        triclinic=is_triclinic(sim.system.box),
        velocities=out.velocities_every > 0,
        resume_step=resume_step,
        overwrite=overwrite,
        atoms=atoms,
    )


def _trajectory_meta(recipe: SimulateRecipe, n_atoms: int) -> TrajectoryMeta:
    return TrajectoryMeta(
        n_atoms=n_atoms,
        topology=str(recipe.system.topology),
        dt_ps=recipe.dt,
        integrator=recipe.integrator,
        temperature_k=recipe.temperature,
        nonbonded_method=recipe.nonbonded.method,
        seed=recipe.seed,
        sits=recipe.sits.enabled,
        sits_selection=recipe.sits.selection if recipe.sits.enabled else "",
        sits_fixed_weights_after=recipe.sits.fixed_weights_after if recipe.sits.enabled else 0,
    )


def _integrate(
    sim: Simulation,
    writer: TrajectoryWriter,
    state: State,
    ckpt_path: Path,
    temps: list[float],
    progress: Callable[..., None] | None,
    commit: Callable[[], None] = lambda: None,
) -> None:
    """The MD loop: step, barostat, frames, checkpoints, progress; frames are flushed on a blow-up.

    ``commit`` runs after each checkpoint: from the first one on, the new run is resumable.
    """
    out = sim.recipe.output
    start_step, t0 = state.step, time.perf_counter()
    while state.step < sim.recipe.steps:
        try:
            sim.integrator.step(state, sim.provider)
            if sim.barostat:
                sim.barostat.maybe_step(state, sim.provider)
        except WorkFailed:
            writer.flush()
            raise
        _write_frame(sim, writer, state, temps)
        if out.checkpoint_every and state.step % out.checkpoint_every == 0:
            writer.checkpoint()
            save_checkpoint(ckpt_path, sim, state)
            commit()
            sim.reset_neighbor_lists()
            state.forces = None  # recomputed with a fresh list, exactly as after a resume
        if progress is not None:
            progress(state.step, time.perf_counter() - t0, state.step - start_step)


def _write_frame(
    sim: Simulation, writer: TrajectoryWriter, state: State, temps: list[float], force: bool = False
) -> None:
    out = sim.recipe.output
    step, t = state.step, state.step * sim.recipe.dt
    wrote = False
    if force or (out.positions_every and step % out.positions_every == 0):
        vel = state.velocities if (out.velocities_every and step % out.velocities_every == 0) else None
        writer.write_positions(step, t, state.positions, state.box, vel)
        wrote = True
    if force or (out.energies_every and step % out.energies_every == 0):
        values = sim.observables(state)
        temps.append(values["temperature"])
        writer.write_observables(step, t, values)
        wrote = True
    if wrote:
        writer.flush()
