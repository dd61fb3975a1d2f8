"""``mstool simulate fit``: sample configurations with the classical force field, label them with
its energies and forces, split, fit the built-in symmetry-function potential, save a ``.keras`` file.

Splits (declared here, used everywhere): each temperature's run is cut in time order into
``SPLITS`` contiguous blocks, so correlated neighbouring frames rarely straddle two sets. The
validation block picks the epoch whose weights are kept; the held-out block is scored once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mstool.schemas.md import MLFitRecipe, SimulateRecipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.io.atomic import atomic_write_path, atomic_write_text

SPLITS = (("train", 0.7), ("validation", 0.1), ("held_out", 0.2))
EQUILIBRATION_FRACTION = 0.1  # of each run, discarded before sampling starts

Progress = Callable[[str, int, int, str], None]


def split_indices(run_ids: np.ndarray) -> dict[str, np.ndarray]:
    """Train / validation / held-out indices: contiguous time blocks of every run.

    >>> s = split_indices(np.repeat([0, 1], 10))
    >>> s["train"].tolist()[:8], s["validation"].tolist(), s["held_out"].tolist()
    ([0, 1, 2, 3, 4, 5, 6, 10], [7, 17], [8, 9, 18, 19])
    """
    out: dict[str, list[int]] = {name: [] for name, _ in SPLITS}
    for run in np.unique(run_ids):
        members = np.flatnonzero(run_ids == run)
        edges = np.round(np.cumsum([0.0] + [f for _, f in SPLITS]) * len(members)).astype(int)
        for (name, _), a, b in zip(SPLITS, edges[:-1], edges[1:], strict=True):
            out[name].extend(members[a:b].tolist())
    return {name: np.array(idx, dtype=np.int64) for name, idx in out.items()}


def sample_configurations(recipe: MLFitRecipe, base_dir: Path, progress: Progress | None = None) -> dict:
    """Langevin MD with the classical force field at each sampling temperature; returns positions
    (M, N, 3) nm, the classical energies (M,) kJ/mol and forces (M, N, 3), temperatures and run ids."""
    from mstool.toolkit.md import engine

    s = recipe.sampling
    positions, run_ids, temps = [], [], []
    sim = None
    for run, temperature in enumerate(s.temperatures):
        md = SimulateRecipe(system=recipe.system, nonbonded=recipe.nonbonded, temperature=temperature,
                            dt=s.dt, constraints=s.constraints, steps=s.steps, seed=recipe.seed + run)
        sim = engine.prepare(md, base_dir)
        state = sim.initial_state()
        sim.minimise(state)
        sim.integrator.compute_forces(state, sim.provider)
        skip = int(EQUILIBRATION_FRACTION * s.steps)
        for step in range(1, s.steps + skip + 1):
            sim.integrator.step(state, sim.provider)
            if step > skip and (step - skip) % s.every == 0:
                positions.append(state.positions.copy())
                run_ids.append(run)
                temps.append(temperature)
            if progress is not None and step % 1000 == 0:
                progress(f"sampling {temperature:g} K", step, s.steps + skip, "")
    positions = np.array(positions)
    energies, forces = label_configurations(sim.forcefield, positions)
    return {"positions": positions, "energies": energies, "forces": forces,
            "temperature": np.array(temps), "run": np.array(run_ids),
            "atomic_numbers": _atomic_numbers(sim.system)}


def _atomic_numbers(system) -> np.ndarray:
    from mstool.toolkit.md.ml import atomic_numbers_of

    return atomic_numbers_of(system)


def label_configurations(forcefield, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Classical energies (M,) and forces (M, N, 3) of non-periodic configurations."""
    energies = np.empty(len(positions))
    forces = np.empty_like(positions)
    for i, x in enumerate(positions):
        energies[i], forces[i] = forcefield.energy_forces(x.copy(), None)
    return energies, forces


def load_or_sample(recipe: MLFitRecipe, base_dir: Path, progress: Progress | None = None) -> dict:
    """The labelled data set: read from ``recipe.dataset`` when that file exists, else sampled
    (and written there when ``dataset`` is set); both relative to the working directory."""
    path = Path(recipe.dataset) if recipe.dataset else None  # like the model: relative to the cwd
    if path is not None and path.exists():
        try:
            with np.load(path) as f:
                return {k: f[k] for k in f.files}
        except (OSError, ValueError) as err:
            raise InputError(f"unreadable data set ({err})", where=str(path)) from None
    data = sample_configurations(recipe, base_dir, progress)
    if path is not None:
        with atomic_write_path(path, suffix=".npz") as tmp, open(tmp, "wb") as handle:
            np.savez(handle, **data)
    return data


def build_potential(recipe: MLFitRecipe, elements):
    """The built-in potential with the recipe's architecture for ``elements`` (atomic numbers)."""
    from mstool.toolkit.md.ml_symmetry import SymmetryFunctionPotential

    a = recipe.architecture
    return SymmetryFunctionPotential(
        elements=sorted(int(z) for z in set(elements)),
        radial_cutoff=a.radial_cutoff,
        radial_shifts=np.round(np.linspace(0.08, a.radial_cutoff - 0.04, a.radial_shifts), 4).tolist(),
        angular_cutoff=a.angular_cutoff,
        angular_shifts=np.round(np.linspace(0.09, a.angular_cutoff - 0.06, a.angular_shifts), 4).tolist(),
        angle_shifts=np.round((np.arange(a.angle_shifts) + 0.5) * np.pi / a.angle_shifts, 6).tolist(),
        hidden=a.hidden,
    )


def run_fit(recipe: MLFitRecipe, base_dir: Path, progress: Progress | None = None) -> dict:
    """The whole loop; writes the model (and ``OUTPUT.fit.json`` with the metrics); returns the metrics."""
    import tensorflow as tf

    from mstool.toolkit.md.ml_train import Trainer

    out = Path(recipe.output)
    tf.keras.utils.set_random_seed(recipe.seed)
    data = load_or_sample(recipe, base_dir, progress)
    splits = split_indices(data["run"])
    model = build_potential(recipe, data["atomic_numbers"])
    trainer = Trainer(model, data, splits, recipe.training)
    history = trainer.fit(progress)
    metrics = {
        "configurations": {k: int(len(v)) for k, v in splits.items()},
        "held_out": trainer.evaluate(splits["held_out"]),
        "validation": trainer.evaluate(splits["validation"]),
        "best_epoch": trainer.best_epoch,
        "epochs": recipe.training.epochs,
        "train_seconds": trainer.seconds,
        "history": history,
        "model": str(out),
    }
    with atomic_write_path(out, suffix=".keras") as tmp:
        model.save(tmp)
    atomic_write_text(out.with_suffix(".fit.json"), json.dumps(metrics, indent=1))
    return metrics
