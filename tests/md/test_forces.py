"""Forces against central finite differences of the energy, for every term and method."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.builders import lj_fluid, tip3p_box
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.cmap import CMAPForce
from mstool.toolkit.md.forces.nonbonded import NonbondedForce, NonbondedSettings
from tests.md.helpers import numerical_forces


@pytest.fixture(scope="module")
def ala2():
    system = load_amber(*bundled("ala2_vacuum"))
    rng = np.random.default_rng(1)
    return system, system.positions + rng.normal(scale=0.004, size=system.positions.shape)


def test_bonded_and_nocutoff_forces_match_finite_differences(ala2):
    system, pos = ala2
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    for term in ff.terms:
        _, analytic = term.energy_forces(pos, None)
        numeric = numerical_forces(term, pos, None)
        assert np.abs(analytic - numeric).max() < 1e-3, type(term).__name__


def test_total_force_is_zero_sum(ala2):
    system, pos = ala2
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    _, forces = ff.energy_forces(pos, None)
    assert np.abs(forces.sum(axis=0)).max() < 1e-8


def test_cmap_forces_match_finite_differences(ala2):
    system, pos = ala2
    angles = np.linspace(-np.pi, np.pi, 24, endpoint=False)
    grid = 5.0 * np.cos(angles)[:, None] * np.sin(2 * angles)[None, :] + 2.0 * np.cos(angles)[None, :]
    cmap = CMAPForce(np.array([[4, 6, 8, 14, 16]]), np.array([0]), [grid])
    energy, analytic = cmap.energy_forces(pos, None)
    numeric = numerical_forces(cmap, pos, None)
    assert np.abs(analytic - numeric).max() < 1e-4
    # The interpolant passes through the grid values at grid points.
    assert abs(cmap._value(0, angles[3], angles[7])[0] - grid[3, 7]) < 1e-10
    assert np.isfinite(energy)


@pytest.mark.parametrize("method", ["pme", "cutoff"])
def test_periodic_water_forces_match_finite_differences(method):
    water = tip3p_box(4)
    rng = np.random.default_rng(2)
    pos = water.positions + rng.normal(scale=0.002, size=water.positions.shape)
    term = NonbondedForce(
        water,
        NonbondedSettings(
            method=method,
            cutoff=0.6,
            ewald_tolerance=1e-5,
            switch_distance=0.5 if method == "cutoff" else None,
        ),
    )
    _, analytic = term.energy_forces(pos, water.box)
    atoms = [0, 1, 2, 50, 100]
    numeric = numerical_forces(term, pos, water.box, atoms)
    assert np.abs(analytic[atoms] - numeric).max() < 1e-3


def test_cell_list_and_all_pairs_agree():
    fluid = lj_fluid(500, 25.0, seed=3)
    settings = NonbondedSettings(method="cutoff", cutoff=0.7, skin=0.1)
    big = NonbondedForce(fluid, settings)
    assert np.floor(fluid.box / 0.8).min() >= 3  # the cell-list path
    e_cells, f_cells = big.energy_forces(fluid.positions, fluid.box)
    from mstool.toolkit.md.kernels import neighbors

    table, counts = neighbors.all_pairs_list_serial(
        fluid.positions, fluid.box, True, 0.8, big.neighbors.excl_start, big.neighbors.excl_list, 400, True
    )

    def pair_set(tab, cnt):
        pairs = [(min(i, int(j)), max(i, int(j))) for i in range(len(cnt)) for j in tab[i, : cnt[i]]]
        assert len(pairs) == len(set(pairs))  # a half list: each pair once
        return set(pairs)

    assert pair_set(table, counts) == pair_set(big.neighbors.table, big.neighbors.counts)
    big.neighbors.table, big.neighbors.counts = table, counts
    big.neighbors.ref_positions, big.neighbors.ref_box = fluid.positions.copy(), fluid.box.copy()
    e_pairs, f_pairs = big.energy_forces(fluid.positions, fluid.box)
    assert e_pairs == pytest.approx(e_cells, rel=1e-12)
    assert np.abs(f_pairs - f_cells).max() < 1e-9


def _cmap_sections(grid: np.ndarray, atoms: list[int]) -> str:
    values = [f"{v:9.5f}" for v in grid.ravel()]
    rows = ["".join(values[i : i + 8]) for i in range(0, len(values), 8)]
    return (
        "%FLAG CMAP_COUNT\n%FORMAT(2I8)\n       1       1\n"
        "%FLAG CMAP_RESOLUTION\n%FORMAT(20I4)\n  24\n"
        "%FLAG CMAP_PARAMETER_01\n%FORMAT(8(F9.5))\n" + "\n".join(rows) + "\n"
        "%FLAG CMAP_INDEX\n%FORMAT(6I8)\n" + "".join(f"{a:8d}" for a in atoms) + "\n"
    )


def test_prmtop_cmap_sections_are_read_and_evaluated(tmp_path):
    top, crd = bundled("ala2_vacuum")
    angles = np.linspace(-np.pi, np.pi, 24, endpoint=False)
    grid_kcal = np.round(np.cos(angles)[:, None] + 0.5 * np.sin(angles)[None, :], 5)
    with_cmap = tmp_path / "cmap.parm7"
    with_cmap.write_text(top.read_text() + _cmap_sections(grid_kcal, [5, 7, 9, 15, 17, 1]))
    system = load_amber(with_cmap, crd)
    assert system.cmap_atoms.tolist() == [[4, 6, 8, 14, 16]]
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    ff.energy_forces(system.positions, None)
    direct = CMAPForce(np.array([[4, 6, 8, 14, 16]]), np.array([0]), [grid_kcal * 4.184])
    assert ff.last_energies["cmap"] == pytest.approx(
        direct.energy_forces(system.positions, None)[0], rel=1e-12
    )
    assert ff.last_energies["cmap"] != 0.0
