"""ML potentials as force terms: autodiff forces, periodic neighbour lists, ML/MM decomposition,
bad input, and the fit loop end to end (small sizes)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.bonded import HarmonicAngleForce, HarmonicBondForce, PeriodicTorsionForce
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.ml_mixed import check_constraints_kept_whole, classical_outside
from mstool.toolkit.md.units import COULOMB
from tests.conftest import REPO_ROOT, run_cli
from tests.md.helpers import numerical_forces

tf = pytest.importorskip("tensorflow")

from mstool.toolkit.md.ml import MLPotentialForce, atomic_numbers_of, neighbor_matrix  # noqa: E402
from mstool.toolkit.md.ml_symmetry import SymmetryFunctionPotential  # noqa: E402

ALA2 = bundled("ala2_vacuum")


def small_model(dtype="float64", **kwargs):
    tf.keras.utils.set_random_seed(3)
    return SymmetryFunctionPotential(hidden=(8,), dtype=dtype, **kwargs)


def test_forces_match_finite_differences_of_the_ml_energy():
    system = load_amber(*ALA2)
    term = MLPotentialForce(small_model(), atomic_numbers=atomic_numbers_of(system))
    energy, forces = term.energy_forces(system.positions, None)
    atoms = [0, 4, 6, 14]
    reference = numerical_forces(term, system.positions, None, atoms, h=1e-5)
    assert np.abs(forces[atoms] - reference).max() < 1e-5 * max(1.0, np.abs(reference).max())
    assert np.abs(forces).max() > 1e-3  # a real force, not zeros
    assert np.abs(forces.sum(0)).max() < 1e-8  # translation invariance


def test_periodic_images_enter_through_the_neighbour_list():
    # Three atoms across the faces of a 1.3 nm box: with the box they are neighbours, without not.
    pos = np.array([[0.05, 0.6, 0.05], [1.25, 0.6, 0.05], [0.1, 0.7, 1.25]])
    box = np.array([1.3, 1.3, 1.3])
    term = MLPotentialForce(small_model(), atomic_numbers=np.array([8, 1, 1]))
    e_box, f_box = term.energy_forces(pos, box)
    reference = numerical_forces(term, pos, box, h=1e-5)
    assert np.abs(f_box - reference).max() < 1e-5 * max(1.0, np.abs(reference).max())
    shifted = pos + np.array([0.4, -0.3, 0.2])  # a rigid shift through the walls changes nothing
    e_shifted = term.energy_forces(np.mod(shifted, box), box)[0]
    assert e_shifted == pytest.approx(e_box, abs=1e-9)
    e_free = MLPotentialForce(small_model(), atomic_numbers=np.array([8, 1, 1])).energy_forces(pos, None)[0]
    assert abs(e_free - e_box) > 1e-6
    nbr, shifts, mask, need = neighbor_matrix(pos, box, 0.6, 2)
    assert need == 2 and mask.sum() == 6


def _intra_energy(system, atoms: np.ndarray) -> float:
    """Direct sums over the selection only: bonds, angles, torsions, Coulomb + LJ (1-4 scaled)."""
    inside = np.zeros(system.n_atoms, bool)
    inside[atoms] = True
    energy = 0.0
    pos = system.positions
    for cls, arr, params in (
        (HarmonicBondForce, system.bond_atoms, (system.bond_k, system.bond_r0)),
        (HarmonicAngleForce, system.angle_atoms, (system.angle_k, system.angle_theta0)),
        (PeriodicTorsionForce, system.torsion_atoms,
         (system.torsion_k, system.torsion_periodicity, system.torsion_phase)),
    ):
        keep = inside[arr].all(axis=1)
        if keep.any():
            energy += cls(arr[keep], *(p[keep] for p in params)).energy_forces(pos, None)[0]
    excluded = {tuple(p) for p in system.exclusions.tolist()}
    scale14 = {tuple(sorted(p)): (ee, nb) for p, ee, nb in
               zip(system.pair14_atoms.tolist(), system.pair14_scee, system.pair14_scnb, strict=True)}
    q, t = system.charges, system.atom_types
    for a, i in enumerate(atoms):
        for j in atoms[a + 1:]:
            key = (min(i, j), max(i, j))
            r = np.linalg.norm(pos[i] - pos[j])
            coulomb = COULOMB * q[i] * q[j] / r
            lj = system.lj_a[t[i], t[j]] / r**12 - system.lj_b[t[i], t[j]] / r**6
            if key in scale14:
                ee, nb = scale14[key]
                energy += coulomb / ee + lj / nb
            elif key not in excluded:
                energy += coulomb + lj
    return energy


def test_mixed_system_leaves_out_exactly_the_intra_selection_energy():
    system = load_amber(*ALA2)
    atoms = np.arange(6, 16)  # the alanine residue (N ... C)
    settings = NonbondedSettings(method="nocutoff")
    full = build_forcefield(system, settings).energy_forces(system.positions, None)[0]
    mixed = build_forcefield(classical_outside(system, atoms), settings)
    outside = mixed.energy_forces(system.positions, None)[0]
    intra = _intra_energy(system, atoms)
    assert abs(intra) > 1.0
    assert full - outside == pytest.approx(intra, rel=1e-9, abs=1e-8)


def test_ml_mm_total_is_classical_without_selection_plus_ml(tmp_path):
    system = load_amber(*ALA2)
    path = tmp_path / "m.keras"
    small_model(dtype="float32").save(path)
    args = ["--json", "simulate", str(REPO_ROOT / "recipes" / "sponge.yaml"), "--set", "steps=0",
            "--set", f"ml_potential.model={path}", "--set", "ml_potential.mode=replace",
            "--set", "ml_potential.selection=:2"]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    energies = json.loads(result.stdout)["energies"]
    atoms = np.arange(6, 16)
    settings = NonbondedSettings(method="nocutoff")
    mixed = build_forcefield(classical_outside(system, atoms), settings)
    outside = mixed.energy_forces(system.positions, None)[0]
    from mstool.toolkit.md.ml import load_keras_model

    ml = MLPotentialForce(load_keras_model(path), atomic_numbers=atomic_numbers_of(system), atoms=atoms)
    ml_energy = ml.energy_forces(system.positions, None)[0]
    assert energies["ml"] == pytest.approx(ml_energy, rel=1e-6)
    assert energies["potential"] == pytest.approx(outside + ml_energy, rel=1e-6)


def _cli_error(*sets: str) -> str:
    args = ["simulate", str(REPO_ROOT / "recipes" / "sponge.yaml"), "--set", "steps=0"]
    for s in sets:
        args += ["--set", s]
    result = run_cli(*args)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_bad_input_is_one_line_exit_2(tmp_path):
    uncovered = tmp_path / "no_nitrogen.keras"
    small_model(dtype="float32", elements=(1, 6, 8)).save(uncovered)
    line = _cli_error(f"ml_potential.model={uncovered}")
    assert "Z=7" in line and "not covered" in line and "no_nitrogen.keras" in line

    keras = tf.keras
    x = keras.Input(shape=(22, 3))
    wrong = tmp_path / "two_outputs.keras"
    keras.Model(x, keras.layers.Dense(2)(x)).save(wrong)
    line = _cli_error(f"ml_potential.model={wrong}")
    assert "returns shape (1, 22, 2)" in line

    good = tmp_path / "ok.keras"
    small_model(dtype="float32").save(good)
    line = _cli_error(f"ml_potential.model={good}", "ml_potential.mode=replace", "ml_potential.selection=1-3")
    assert "cuts the constraint" in line

    term = MLPotentialForce(small_model(), atomic_numbers=np.array([8, 1, 1]))
    with pytest.raises(InputError, match="smaller than twice the ML cutoff"):
        term.energy_forces(np.zeros((3, 3)), np.array([3.0, 3.0, 1.0]))
    check_constraints_kept_whole(np.array([[0, 1]]), np.array([0, 1]), "sel")  # whole: fine


def test_parameter_gradients_through_the_energy():
    system = load_amber(*ALA2)
    model = small_model()
    term = MLPotentialForce(model, atomic_numbers=atomic_numbers_of(system))
    with tf.GradientTape() as tape:
        energy = term.energy(system.positions)
    grads = tape.gradient(energy, model.trainable_variables)
    assert all(g is not None for g in grads)
    assert float(energy) == pytest.approx(term.energy_forces(system.positions, None)[0], rel=1e-10)
    assert max(float(tf.reduce_max(tf.abs(g))) for g in grads) > 0


@pytest.mark.slow
def test_fit_writes_a_model_that_loads_in_a_fresh_process(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recipe = REPO_ROOT / "recipes" / "ml_ala2_fit.yaml"
    sets = ["sampling.steps=400", "sampling.every=20", "training.epochs=2", "training.jit_compile=false",
            "architecture.hidden=[8]",
            "output=tiny.keras", "dataset=tiny.npz"]
    args = ["--json", "simulate", "fit", str(recipe)]
    for s in sets:
        args += ["--set", s]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["configurations"] == {"train": 28, "validation": 4, "held_out": 8}
    assert metrics["held_out"]["force_rmse"] > 0
    assert (tmp_path / "tiny.fit.json").exists() and (tmp_path / "tiny.npz").exists()
    code = ("from mstool.toolkit.md.ml import MLPotentialForce, atomic_numbers_of; import numpy as np;"
            "from mstool.toolkit.md.amber import load_amber; from mstool.toolkit.md.data import bundled;"
            "s = load_amber(*bundled('ala2_vacuum'));"
            "t = MLPotentialForce.from_file('tiny.keras', atomic_numbers=atomic_numbers_of(s));"
            "print(np.isfinite(t.energy_forces(s.positions, None)[1]).all())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().endswith("True"), out.stderr[-2000:]


def test_shipped_recipe_runs_md_with_the_learned_potential(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recipe = REPO_ROOT / "recipes" / "ml_ala2.yaml"
    sets = ["steps=20", "output.positions_every=10", "minimisation.max_iterations=20",
            "output.checkpoint=null"]
    result = run_cli("--json", "simulate", str(recipe), *[arg for s in sets for arg in ("--set", s)])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["run"]["steps"] == 20 and out["run"]["frames"] == 3
    energies = out["energies"]
    assert energies["potential"] == pytest.approx(energies["ml"]) and energies["bond"] == 0.0
    assert np.isfinite(energies["ml"])


def test_repulsion_guard_pushes_close_atoms_apart_and_vanishes_beyond_its_radius():
    pos = np.array([[0.0, 0.0, 0.0], [0.05, 0.0, 0.0], [0.5, 0.0, 0.0]])
    z = np.array([6, 6, 1])
    guarded = MLPotentialForce(small_model(), atomic_numbers=z)
    bare = MLPotentialForce(small_model(repulsion_strength=0.0), atomic_numbers=z)
    e_guarded, f_guarded = guarded.energy_forces(pos, None)
    e_bare, f_bare = bare.energy_forces(pos, None)
    r = 0.05 / 0.08
    assert e_guarded - e_bare == pytest.approx(100.0 * (r ** -12 - 1 + 12 * (r - 1)), rel=1e-9)
    assert f_guarded[1, 0] - f_bare[1, 0] > 1e4  # atom 1 pushed away from atom 0 (+x)
    reference = numerical_forces(guarded, pos, None, h=1e-7)
    assert np.abs(f_guarded - reference).max() < 1e-5 * np.abs(reference).max()
    far = pos * np.array([[1.0], [2.0], [1.0]])  # 0.1 nm apart: beyond the guard
    assert guarded.energy_forces(far, None)[0] == pytest.approx(bare.energy_forces(far, None)[0], abs=1e-12)


def test_minimising_with_the_shipped_model_does_not_fuse_atoms():
    from mstool.toolkit.md.minimize import minimise

    system = load_amber(*ALA2)
    path = REPO_ROOT / "recipes" / "data" / "md" / "ala2_ani.keras"
    term = MLPotentialForce.from_file(path, atomic_numbers=atomic_numbers_of(system))
    pos, _, _ = minimise(term, system.positions, None, 50, 50, 10.0)
    distances = np.linalg.norm(pos[:, None] - pos[None], axis=-1) + np.eye(len(pos))
    assert distances.min() > 0.07  # without the guard this minimisation brings CA and CB to 0.004 nm
