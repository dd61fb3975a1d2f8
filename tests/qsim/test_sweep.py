"""``mstool qsim sweep``: <H> and gradients over parameter sets, identical on every engine."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from mstool.toolkit.io import read_artifact
from mstool.toolkit.qsim.algorithms import maxcut_hamiltonian
from mstool.toolkit.qsim.ansatz import qaoa_maxcut
from mstool.toolkit.qsim.gradients import expectation_and_gradient
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.qsim.qasm import load_qasm
from tests.conftest import run_cli

QAOA = """
recipe: qsim.sweep
qaoa: {edges: [[0, 1], [1, 2], [0, 2, 0.5]], p: 1}
grid:
  gamma0: {start: 0.0, stop: 3.0, num: 4}
  beta0: [0.1, 0.7, 1.3]
batch: 5
"""
CIRCUIT = """OPENQASM 3;
include "stdgates.inc";
input float a;
input float b;
qubit[2] q;
ry(a) q[0];
cx q[0], q[1];
rx(b) q[1];
rz(0.4) q[0];
"""
POINTS = """
recipe: qsim.sweep
circuit: c.qasm
hamiltonian: h.txt
points: [{a: 0.1, b: 0.2}, {a: -1.0, b: 2.5}, {a: 3.0}]
fixed: {}
batch: 2
"""


def sweep(recipe, out, *extra):
    result = run_cli("qsim", "sweep", recipe, "-o", out, "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json()


def datasets(path):
    with h5py.File(path) as h5:
        return {name: h5[name][()] for name in ("parameters", "energies", "gradients")}


def test_qaoa_landscape_matches_direct_evaluation(tmp_path):
    recipe = tmp_path / "qaoa.yaml"
    recipe.write_text(QAOA)
    summary = sweep(recipe, tmp_path / "l.h5")
    assert summary["points"] == 12 and summary["grid_shape"] == "4x3"
    edges = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 0.5)]
    circuit, cost = qaoa_maxcut(3, edges, 1), maxcut_hamiltonian(edges)
    got = datasets(tmp_path / "l.h5")
    gammas, betas = np.linspace(0, 3, 4), [0.1, 0.7, 1.3]
    for row, (gamma, beta) in enumerate((g, b) for g in gammas for b in betas):  # last axis fastest
        assert got["parameters"][row].tolist() == [gamma, beta]
        energy, grad = expectation_and_gradient(circuit, cost, {"gamma0": gamma, "beta0": beta})
        assert got["energies"][row] == pytest.approx(energy, abs=1e-12)
        assert got["gradients"][row] == pytest.approx(grad, abs=1e-12)
    meta = read_artifact(tmp_path / "l.h5", "qsim-result").meta
    assert meta.command == "sweep" and meta.parameter_names == ["gamma0", "beta0"]
    with h5py.File(tmp_path / "l.h5") as h5:
        assert h5["grid/beta0"][()].tolist() == betas


@pytest.fixture
def points_recipe(tmp_path):
    (tmp_path / "c.qasm").write_text(CIRCUIT)
    (tmp_path / "h.txt").write_text("0.5 Z0 Z1 + 0.3 X0 + -0.2 Y1")
    recipe = tmp_path / "points.yaml"
    recipe.write_text(POINTS)
    return recipe


def test_points_need_every_parameter_and_match_the_circuit(points_recipe, tmp_path):
    missing = run_cli("qsim", "sweep", points_recipe)
    assert missing.exit_code == 2 and "points[2]: no value for b" in missing.stderr
    summary = sweep(points_recipe, tmp_path / "p.h5", "--set", "fixed={b: 0.0}", "--set",
                    "points=[{a: 0.1, b: 0.2}, {a: -1.0, b: 2.5}, {a: 3.0}]")
    assert summary["points"] == 3
    circuit = load_qasm(tmp_path / "c.qasm")
    ham = PauliSum.load(tmp_path / "h.txt")
    got = datasets(tmp_path / "p.h5")
    for row, values in enumerate([{"a": 0.1, "b": 0.2}, {"a": -1.0, "b": 2.5}, {"a": 3.0, "b": 0.0}]):
        energy, grad = expectation_and_gradient(circuit, ham, values)
        assert got["energies"][row] == pytest.approx(energy, abs=1e-12)
        assert got["gradients"][row] == pytest.approx(grad, abs=1e-12)


@pytest.mark.parametrize(("override", "message"), [
    ("grid={zeta: [1.0]}", "no parameter(s) zeta"),
    ("qaoa={edges: [[0, 1]]}", "either 'circuit'"),
    ("batch=0", "batch"),
])
def test_bad_sweeps_are_exit_2(points_recipe, override, message):
    result = run_cli("qsim", "sweep", points_recipe, "--set", "points=[]", "--set",
                     "grid={a: [0.0]}", "--set", override)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.slow  # two worker processes compile the simulator kernels (about 20 s on 2 cores)
def test_dask_processes_give_identical_numbers(tmp_path):
    pytest.importorskip("distributed")
    recipe = tmp_path / "qaoa.yaml"
    recipe.write_text(QAOA)
    sweep(recipe, tmp_path / "in.h5")
    summary = sweep(recipe, tmp_path / "dask.h5", "--processes", "2")
    assert summary["engine"] == "dask: 2 local processes"
    ours, theirs = datasets(tmp_path / "in.h5"), datasets(tmp_path / "dask.h5")
    for name in ours:
        assert ours[name].tobytes() == theirs[name].tobytes(), name
