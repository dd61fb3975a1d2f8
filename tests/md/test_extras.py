"""ML potential hook, Monte Carlo barostat and SITS through the recipe."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from mstool.toolkit.md.barostat import MoleculeScaler, MonteCarloBarostat, pressure_bar
from mstool.toolkit.md.builders import lj_fluid
from mstool.toolkit.md.constraints import Constraints
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann
from mstool.toolkit.md.units import BAR_TO_KJ_MOL_NM3, BOLTZMANN
from tests.conftest import REPO_ROOT, run_cli


class NoForces:
    last_energies: dict = {}

    def energy_forces(self, pos, box):
        return 0.0, np.zeros_like(pos)


def test_barostat_gives_ideal_gas_volume():
    gas = lj_fluid(40, 4.0, seed=7)
    scaler = MoleculeScaler(gas)
    target_volume = 10.0
    kt = BOLTZMANN * 300.0
    p_bar = gas.n_atoms * kt / target_volume / BAR_TO_KJ_MOL_NM3
    rng = np.random.default_rng(8)
    baro = MonteCarloBarostat(scaler, p_bar, 300.0, 1, rng)
    none = Constraints(np.zeros((0, 2)), np.zeros(0), gas.masses)
    integ = Integrator("langevin_middle", 0.002, gas.masses, none, seed=9)
    state = State(gas.positions.copy(), maxwell_boltzmann(gas.masses, 300.0, rng), gas.box.copy())
    volumes = []
    for step in range(6000):
        integ.step(state, NoForces())
        baro.maybe_step(state, NoForces())
        if step > 1000:
            volumes.append(np.prod(state.box))
    # NPT ideal gas with isotropic MC moves: <V> = (N + 1) kT / P.
    expected = (gas.n_atoms + 1) * kt / (p_bar * BAR_TO_KJ_MOL_NM3)
    assert abs(np.mean(volumes) / expected - 1.0) < 0.06
    # With no potential the instantaneous pressure is the kinetic term 2K / 3V.
    p = pressure_bar(NoForces(), scaler, state.positions, state.velocities, state.box)
    kinetic = 0.5 * float(np.sum(gas.masses[:, None] * state.velocities**2))
    assert p == pytest.approx(2 * kinetic / (3 * np.prod(state.box)) / BAR_TO_KJ_MOL_NM3, rel=1e-9)


def test_ml_potential_adds_autodiff_forces(tmp_path):
    tf = pytest.importorskip("tensorflow")
    from mstool.toolkit.md.ml import MLPotentialForce

    keras = tf.keras
    inputs = keras.Input(shape=(22, 3))
    energy = keras.layers.Dense(1)(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, energy)
    weights = np.random.default_rng(0).normal(size=(66, 1)).astype("float32")
    model.layers[-1].set_weights([weights, np.array([1.5], dtype="float32")])
    path = tmp_path / "linear.keras"
    model.save(path)
    term = MLPotentialForce.from_file(path)
    pos = np.random.default_rng(1).normal(size=(22, 3))
    e, f = term.energy_forces(pos, None)
    assert e == pytest.approx(float(pos.ravel() @ weights[:, 0]) + 1.5, rel=1e-5)
    assert np.allclose(f, -weights[:, 0].reshape(22, 3), atol=1e-6)
    recipe = tmp_path / "sponge.yaml"
    shutil.copytree(REPO_ROOT / "recipes" / "data", tmp_path / "data")
    shutil.copy(REPO_ROOT / "recipes" / "sponge.yaml", recipe)
    classical = run_cli("--json", "simulate", recipe, "--set", "steps=0").json()["energies"]["potential"]
    combined = run_cli(
        "--json", "simulate", recipe, "--set", "steps=0", "--set", f"ml_potential.model={path}"
    )
    assert combined.exit_code == 0, combined.stderr
    from mstool.toolkit.md.amber import load_amber

    start = load_amber(
        tmp_path / "data/md/ala2_vacuum.parm7", tmp_path / "data/md/ala2_vacuum.rst7"
    ).positions
    ml_energy = float(start.ravel() @ weights[:, 0]) + 1.5
    assert combined.json()["energies"]["potential"] == pytest.approx(classical + ml_energy, rel=1e-5)
    replaced = run_cli(
        "--json",
        "simulate",
        recipe,
        "--set",
        "steps=0",
        "--set",
        f"ml_potential.model={path}",
        "--set",
        "ml_potential.mode=replace",
    )
    assert replaced.exit_code == 0, replaced.stderr
    energies = replaced.json()["energies"]
    assert energies["potential"] == pytest.approx(ml_energy, rel=1e-5)
    assert energies["ml"] == pytest.approx(ml_energy, rel=1e-5)
    assert energies["bond"] == 0.0 and energies["nonbonded"] == 0.0


def test_sits_run_writes_reweighting_factors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recipe = tmp_path / "sponge.yaml"
    shutil.copytree(REPO_ROOT / "recipes" / "data", tmp_path / "data")
    shutil.copy(REPO_ROOT / "recipes" / "sponge.yaml", recipe)
    result = run_cli(
        "simulate",
        recipe,
        "--set",
        "steps=200",
        "--set",
        "sits.enabled=true",
        "--set",
        "sits.update_interval=20",
        "--set",
        "output.energies_every=20",
        "--set",
        "minimisation.enabled=false",
    )
    assert result.exit_code == 0, result.stderr
    with h5py.File(tmp_path / "ala2_traj.h5", "r") as h5:
        logw = h5["observables/sits_log_weight/value"][:]
        factor = h5["observables/sits_force_factor/value"][:]
        raw = h5["observables/sits_raw_potential/value"][:]
        eff = h5["observables/potential_energy/value"][:]
    assert logw.shape == (11,) and np.isfinite(logw).all()
    assert ((factor > 0) & (factor <= 1.0 + 1e-12)).all()  # levels at or above the target temperature
    assert np.allclose(logw, (eff - raw) / (BOLTZMANN * 300.0))
