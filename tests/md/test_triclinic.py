"""Triclinic cells: minimum image and neighbour list against brute-force images, PME with box
vectors, and the md_breadth truncated octahedron / crystal cell against OpenMM."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.box import box_vectors, box_volume, minimum_image
from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings, check_box
from mstool.toolkit.md.kernels.triclinic import min_image
from mstool.toolkit.md.neighbors import NeighborList
from tests.md.breadth import breadth_system, compare

CELLS = {
    "truncated_octahedron": ([4.24388485] * 3, [109.4712206] * 3),
    "crystal": ([2.724, 3.187, 3.423], [88.52, 108.53, 111.89]),
    "hexagonal": ([3.0, 3.0, 4.0], [90.0, 90.0, 120.0]),
}
IMAGES = np.array(list(itertools.product(range(-2, 3), repeat=3)))


def _nearest_by_brute_force(delta: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Round the fractional coordinates, then try all 125 images within two cells of that."""
    delta = delta - np.round(delta @ np.linalg.inv(box)) @ box
    shifts = IMAGES @ box
    candidates = delta[:, None, :] + shifts[None, :, :]
    best = np.argmin(np.sum(candidates**2, axis=2), axis=1)
    return candidates[np.arange(len(delta)), best]


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_minimum_image_matches_brute_force_images(cell):
    box = box_vectors(*map(np.array, CELLS[cell]))
    half = 0.5 * np.min(np.diag(box))
    rng = np.random.default_rng(7)
    # Short vectors moved by random lattice translations: the nearest image is the short one.
    short = rng.normal(size=(4000, 3))
    short *= (rng.random(4000) * half * 0.999 / np.linalg.norm(short, axis=1))[:, None]
    delta = short + rng.integers(-3, 4, size=(4000, 3)) @ box
    want = _nearest_by_brute_force(delta, box)
    assert np.allclose(want, short, atol=1e-12)
    assert np.allclose(minimum_image(delta, box), want, atol=1e-12)
    got = np.array([min_image(*d, box) for d in delta[:300]])
    assert np.allclose(got, want[:300], atol=1e-12)


@pytest.mark.parametrize("cell", ["truncated_octahedron", "crystal"])
def test_triclinic_neighbour_list_matches_brute_force(cell):
    box = box_vectors(*map(np.array, CELLS[cell]))
    rng = np.random.default_rng(3)
    pos = rng.random((400, 3)) @ box + rng.normal(scale=2.0, size=(400, 3))  # some outside the cell
    nl = NeighborList(400, cutoff=0.9, skin=0.3, excluded=np.array([[0, 1]]))
    nl.get(pos, box * 1.03)  # a barostat rescales: the pruned search must stay complete
    table, counts = nl.get(pos, box)
    listed = {(i, int(j)) for i in range(400) for j in table[i, : counts[i]]}
    i, j = np.triu_indices(400, 1)
    r = np.linalg.norm(_nearest_by_brute_force(pos[j] - pos[i], box), axis=1)
    near = {(a, b) for a, b, d in zip(i, j, r, strict=True) if d < 1.2} - {(0, 1)}
    assert listed == near | {(b, a) for a, b in near}


def test_pme_with_box_vectors_equals_the_orthorhombic_path():
    system = tip3p_box(4)
    settings = NonbondedSettings(method="pme", cutoff=0.55)
    e_ortho, f_ortho = build_forcefield(system, settings).energy_forces(system.positions.copy(), system.box)
    system.box = np.diag(system.box)
    system.box_angles = np.full(3, 90.0)
    ff = build_forcefield(system, settings)
    assert ff.nonbonded.triclinic
    e_tri, f_tri = ff.energy_forces(system.positions.copy(), system.box)
    assert e_tri == pytest.approx(e_ortho, rel=1e-12)
    assert np.allclose(f_tri, f_ortho, rtol=0, atol=1e-8 * np.abs(f_ortho).max())


def test_box_too_small_for_the_cutoff_names_both_numbers():
    box = box_vectors(np.array([2.0, 2.0, 2.0]), np.array([109.4712206] * 3))
    with pytest.raises(InputError, match=r"cutoff 0\.9 nm .* \(0\.8165 nm\)"):
        check_box(box, 0.9, np.array([109.47] * 3), "x.rst7")
    assert box_volume(box) == pytest.approx(0.7698 * 8.0, rel=1e-4)


@pytest.mark.parametrize("name", ["trpzip2_truncoct_tip3p", "lysozyme_les_triclinic"])
def test_triclinic_breadth_systems_match_openmm(name):
    errors, force_rms = compare(name)
    for term in ("bond", "angle", "torsion"):
        assert errors[term] < 1e-6, term
    # lysozyme: our direct sum equals a brute-force nearest-image sum; OpenMM differs by 3e-6.
    assert errors["nonbonded"] < 1e-5
    assert force_rms < 1e-4


def test_box_comes_from_the_coordinates_and_an_octahedral_prmtop_box_is_read_as_vectors():
    from mstool.toolkit.md.amber import read_prmtop
    from tests.conftest import shared_data

    folder = shared_data("md_breadth", "trpzip2_truncoct_tip3p")
    prmtop_only = read_prmtop(folder / "tz2.truncoct.parm7")
    assert prmtop_only.box.shape == (3, 3) and prmtop_only.box[0, 0] == pytest.approx(4.48903851)
    system, _, _ = breadth_system("trpzip2_truncoct_tip3p")
    assert system.box[0, 0] == pytest.approx(4.24388485)  # the restart's box, not the prmtop's


@pytest.mark.slow
def test_nve_energy_is_conserved_in_a_triclinic_cell():
    from mstool.toolkit.md.constraints import constraints_for
    from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann
    from mstool.toolkit.md.minimize import minimise
    from mstool.toolkit.md.units import BOLTZMANN

    system = tip3p_box(5)  # 375 atoms, re-boxed into a skewed cell of about the same volume
    edge = float(system.box[0]) * 1.05
    system.box = box_vectors(np.array([edge, edge, edge]), np.array([75.0, 80.0, 70.0]))
    system.box_angles = np.array([75.0, 80.0, 70.0])
    # LJ switched off from 0.6 nm: a bare 0.7 nm truncation alone drifts (in any box shape).
    settings = NonbondedSettings(method="pme", cutoff=0.7, switch_distance=0.6, ewald_tolerance=1e-5)
    ff = build_forcefield(system, settings)
    positions, _, _ = minimise(ff, system.positions, system.box, 50, 200, 50.0)
    constraints = constraints_for(system, "hbonds")
    warm = Integrator("langevin_middle", 0.001, system.masses, constraints, 300.0, 5.0, seed=2)
    state = State(positions, maxwell_boltzmann(system.masses, 300.0, warm.rng), system.box)
    constraints.apply_positions(state.positions, state.positions.copy())
    constraints.apply_velocities(state.positions, state.velocities)
    for _ in range(200):
        warm.step(state, ff)
    nve = Integrator("verlet", 0.0005, system.masses, constraints)
    state.forces = None
    totals = []
    for _ in range(2000):
        nve.step(state, ff)
        totals.append(state.potential + nve.kinetic_energy(state))
    slope = np.polyfit(np.arange(2000) * 0.0005, totals, 1)[0]  # kJ/mol/ps
    dof = system.degrees_of_freedom(constraints.count, remove_com=True)
    assert abs(slope) * 1000.0 / (BOLTZMANN * 300.0 * dof) < 0.01
