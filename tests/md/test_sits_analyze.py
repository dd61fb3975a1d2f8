"""``mstool simulate analyze`` and the shipped SITS recipe, end to end through the CLI."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from tests.conftest import REPO_ROOT, run_cli

SPONGE = REPO_ROOT / "recipes" / "sponge.yaml"
SITS_RECIPE = REPO_ROOT / "recipes" / "sits_ala2_tip3p.yaml"
VACUUM_TOP = REPO_ROOT / "recipes" / "data" / "md" / "ala2_vacuum.parm7"


@pytest.fixture(scope="module")
def sits_run(tmp_path_factory):
    """One short SITS run on the bundled vacuum alanine dipeptide, shared by the tests here."""
    out = tmp_path_factory.mktemp("sits") / "sits.h5"
    settings = [
        "steps=200", "minimisation.enabled=false", "sits.enabled=true", "sits.selection=:1-3",
        "sits.fixed_weights_after=100", "sits.update_interval=20", "output.positions_every=10",
        "output.energies_every=10", "output.checkpoint_every=0", f"output.trajectory={out}",
    ]  # fmt: skip
    args = [a for s in settings for a in ("--set", s)]
    result = run_cli("simulate", SPONGE, *args)
    assert result.exit_code == 0, result.stderr
    return out


def test_analyze_a_sits_run(sits_run, tmp_path):
    out = sits_run
    with h5py.File(out) as h5:
        assert np.all(np.isfinite(h5["observables/sits_log_weight/value"][:]))
    hist = tmp_path / "hist.json"
    result = run_cli("--json", "simulate", "analyze", out, "--topology", VACUUM_TOP, "--histogram", hist)
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["sits"] is True and doc["start_step"] == 100  # from sits.fixed_weights_after
    assert doc["frames"] == 11  # steps 100, 110, ..., 200
    assert 0.0 <= doc["basin"]["population"] <= 1.0 and doc["basin"]["effective_samples"] >= 1.0
    assert hist.exists() and '"free_energy_kj_mol"' in hist.read_text()


def test_analyze_refuses_a_topology_of_another_system(sits_run, tmp_path):
    out = sits_run
    other = REPO_ROOT / "recipes" / "data" / "md" / "ala2_tip3p_ff96.prmtop"
    result = run_cli("simulate", "analyze", out, "--topology", other)
    assert result.exit_code == 2 and "trajectory has 22 atoms" in result.stderr
    not_h5 = tmp_path / "notes.h5"
    not_h5.write_text("not an artifact")
    assert run_cli("simulate", "analyze", not_h5, "--topology", VACUUM_TOP).exit_code == 2


def test_bad_sits_recipe_values_exit_2(tmp_path):
    result = run_cli("simulate", SPONGE, "--set", "steps=0", "--set", "sits.selection=CA")
    assert result.exit_code == 2 and "sits.selection" in result.stderr
    result = run_cli("simulate", SPONGE, "--set", "steps=0", "--set", "sits.temperature_high=250")
    assert result.exit_code == 2 and "temperature_high" in result.stderr


def test_shipped_sits_recipe_runs_and_writes_log_weights(tmp_path):
    out = tmp_path / "ala2_sits.h5"
    settings = [
        "steps=6", "minimisation.enabled=false", "output.positions_every=3", "output.energies_every=3",
        "output.checkpoint_every=0", f"output.trajectory={out}",
    ]  # fmt: skip
    result = run_cli("--json", "simulate", SITS_RECIPE, *[a for s in settings for a in ("--set", s)])
    assert result.exit_code == 0, result.stderr
    with h5py.File(out) as h5:
        assert h5["observables/sits_log_weight/step"][:].tolist() == [0, 3, 6]
        assert np.all(h5["observables/sits_force_factor/value"][:] <= 1.0)
