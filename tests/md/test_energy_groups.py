"""Energy groups come from the force terms: a new term (one class, defined here) shows up in the
force field's groups, the initial and final energies, and the observables of a written H5MD
trajectory, with no edit anywhere else."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from mstool.schemas.md import SimulateRecipe, TrajectoryMeta
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import load_recipe, recipe_dir
from mstool.toolkit.md import engine
from mstool.toolkit.md.trajectory import TrajectoryWriter
from tests.conftest import REPO_ROOT

RECIPE = REPO_ROOT / "recipes" / "sponge.yaml"


class Tether:
    """A toy term: atom 0 pulled towards the origin, E = k/2 |r0|^2, in its own group."""

    energy_groups = ("tether",)

    def __init__(self, k: float = 50.0) -> None:
        self.k = k

    def energy_forces(self, positions, box):
        forces = np.zeros_like(positions)
        forces[0] = -self.k * positions[0]
        return 0.5 * self.k * float(positions[0] @ positions[0]), forces


class TwoSprings:
    """A toy term reporting two groups: atom 1 and atom 2 each tethered, energies split."""

    energy_groups = ("spring_a", "spring_b")

    def __init__(self) -> None:
        self.last_energies: dict[str, float] = {}

    def energy_forces(self, positions, box):
        forces = np.zeros_like(positions)
        forces[1], forces[2] = -10.0 * positions[1], -20.0 * positions[2]
        split = {"spring_a": 5.0 * float(positions[1] @ positions[1]),
                 "spring_b": 10.0 * float(positions[2] @ positions[2])}
        self.last_energies = split
        return sum(split.values()), forces


def _simulation(tmp_path, *sets):
    overrides = ["steps=20", "output.positions_every=10", "output.energies_every=10",
                 f"output.trajectory={tmp_path / 'traj.h5'}", f"output.checkpoint={tmp_path / 'c.npz'}",
                 "minimisation.enabled=false", *sets]
    recipe = load_recipe(RECIPE, SimulateRecipe, overrides)
    return engine.prepare(recipe, recipe_dir(RECIPE))


def test_a_new_term_appears_in_the_observables_of_a_written_trajectory(tmp_path):
    sim = _simulation(tmp_path)
    assert sim.energy_groups == ("bond", "angle", "torsion", "cmap", "nonbonded")
    sim.forcefield.add(Tether())
    sim.forcefield.add(TwoSprings())
    assert sim.energy_groups[-3:] == ("tether", "spring_a", "spring_b")
    initial = sim.initial_energies()
    assert list(initial)[-4:] == ["tether", "spring_a", "spring_b", "potential"]
    x = sim.system.positions
    assert initial["tether"] == pytest.approx(25.0 * float(x[0] @ x[0]), rel=1e-12)
    assert initial["spring_b"] == pytest.approx(10.0 * float(x[2] @ x[2]), rel=1e-12)
    assert initial["potential"] == pytest.approx(sum(v for k, v in initial.items() if k != "potential"))

    summary = engine.run(sim, recipe_dir(RECIPE))
    assert {"tether", "spring_a", "spring_b"} <= set(summary.final_energies)
    with h5py.File(tmp_path / "traj.h5") as f:
        obs = f["observables"]
        assert {"energy_tether", "energy_spring_a", "energy_spring_b"} <= set(obs)
        assert "energy_ml" not in obs  # a group is written only when a term reports it
        positions = f["particles/all/position/value"][()]
        tether = obs["energy_tether"]["value"][()]
        groups = sum(obs[f"energy_{g}"]["value"][()] for g in sim.energy_groups)
        potential = obs["potential_energy"]["value"][()]
        assert obs["energy_tether/value"].attrs["unit"] == "kJ mol-1"
    assert len(tether) == 3 and np.all(tether > 0)
    # positions are stored as float32: the observable was computed from the float64 positions
    assert tether == pytest.approx(25.0 * np.sum(positions[:, 0].astype(float) ** 2, axis=1), rel=1e-5)
    assert groups == pytest.approx(potential, rel=1e-12)


def _writer(path, names, resume_step=None):
    return TrajectoryWriter(path, TrajectoryMeta(n_atoms=1), names, periodic=False, resume_step=resume_step)


def test_resume_keeps_a_dropped_group_aligned_and_refuses_a_new_one(tmp_path):
    path = tmp_path / "t.h5"
    with _writer(path, ["potential_energy", "energy_ml"]) as w:
        for step in (0, 10):
            w.write_positions(step, 0.0, np.zeros((1, 3)), None)
            w.write_observables(step, 0.0, {"potential_energy": 1.0, "energy_ml": 2.0})
    with _writer(path, ["potential_energy"], resume_step=10) as w:
        w.write_positions(20, 0.0, np.zeros((1, 3)), None)
        w.write_observables(20, 0.0, {"potential_energy": 3.0})
    with h5py.File(path) as f:
        assert f["observables/potential_energy/value"][()].tolist() == [1.0, 1.0, 3.0]
        ml = f["observables/energy_ml/value"][()]
        assert ml[:2].tolist() == [2.0, 2.0] and np.isnan(ml[2])
        assert f["observables/energy_ml/step"][()].tolist() == [0, 10, 20]
    with pytest.raises(InputError, match="no observable energy_tether"):
        _writer(path, ["potential_energy", "energy_tether"], resume_step=20)
