"""Forces accumulated into one array per evaluation and the blocked RATTLE projection, against
the previous formulation (per-term arrays summed; per-cluster RATTLE with its own work arrays)."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedForce, NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann
from mstool.toolkit.md.kernels import constraints as constraint_kernels
from mstool.toolkit.md.kernels import corrections, noise, settle
from mstool.toolkit.md.kernels import integrate as moves
from mstool.toolkit.md.units import COULOMB
from tests.md.helpers import reference


def _separate_nonbonded(term: NonbondedForce, pos: np.ndarray, box: np.ndarray) -> tuple[float, np.ndarray]:
    """Each nonbonded part into its own zeroed array, summed afterwards (the previous path)."""
    table, counts = term.neighbors.get(pos, box)
    parts = [np.zeros_like(pos) for _ in range(4)]
    e_coul, e_lj = term.pair_kernel(
        pos, box, True, table, counts, term.charges, term.types, term.lj_a, term.lj_b, term.params,
        *term.pair_tables, parts[0],
    )  # fmt: skip
    c14, lj14 = corrections.scaled_pairs(
        pos, box, True, term.pairs14, term.charges, term.types, term.lj_a, term.lj_b,
        term.system.pair14_scee, term.system.pair14_scnb, COULOMB, parts[1],
    )  # fmt: skip
    excl = corrections.ewald_exclusions(
        pos, box, True, term.excluded, term.charges, term.alpha, COULOMB, parts[2]
    )
    recip = term.pme.energy_forces(pos, box, term.charges, parts[3])
    energy = e_coul + e_lj + c14 + lj14 + excl + term.self_energy(box) + recip
    energy += term.dispersion / float(np.prod(box))
    return energy, parts[0] + parts[1] + parts[2] + parts[3]


class SeparateArrays:
    """The force field evaluated term by term into fresh arrays, then summed."""

    def __init__(self, ff) -> None:
        self.ff = ff

    def energy_forces(self, pos, box):
        total, forces = 0.0, np.zeros_like(pos)
        for term in self.ff.terms:
            if isinstance(term, NonbondedForce):
                energy, f = _separate_nonbonded(term, pos, np.asarray(box, dtype=float))
            else:
                energy, f = term.energy_forces(pos, box)
            total += energy
            forces += f
        return total, forces


def _water_pme(n: int = 3):
    water = tip3p_box(n)
    ff = build_forcefield(water, NonbondedSettings(method="pme", cutoff=0.4, skin=0.1))
    return water, ff


def test_accumulated_forces_match_separate_arrays_on_water():
    water, ff = _water_pme()
    pos = water.positions + np.random.default_rng(1).normal(scale=0.005, size=water.positions.shape)
    e_ref, f_ref = SeparateArrays(ff).energy_forces(pos, water.box)
    energy, forces = ff.energy_forces(pos, water.box)
    assert energy == pytest.approx(e_ref, rel=1e-12)
    assert np.abs(forces - f_ref).max() <= 1e-12 * np.abs(f_ref).max()
    assert np.abs(f_ref).max() > 100.0  # the comparison is not between zeros


def test_accumulated_forces_match_separate_arrays_on_ala2_tip3p():
    top, crd, _ = reference("ala2_tip3p_ff96")
    system = load_amber(top, crd)
    ff = build_forcefield(system, NonbondedSettings(method="pme", cutoff=1.0))
    e_ref, f_ref = SeparateArrays(ff).energy_forces(system.positions, system.box)
    energy, forces = ff.energy_forces(system.positions, system.box)
    assert energy == pytest.approx(e_ref, rel=1e-12)
    assert np.abs(forces - f_ref).max() <= 1e-12 * np.abs(f_ref).max()
    assert len(ff.terms) >= 4  # bonded terms and nonbonded share the one array


def test_blocked_rattle_matches_the_per_cluster_elimination():
    """3-constraint clusters (waters, methyls) by the adjugate, the rest by elimination: the
    per-cluster Gaussian elimination's velocities to rounding, bond rates removed."""
    top, crd = reference("ala2_tip3p_ff96")[:2]
    system = load_amber(top, crd)
    cons = constraints_for(system, "hbonds")
    assert len(cons.waters) > 700 and len(cons.shake_pairs) > 0  # waters and X-H clusters
    sizes = np.diff(cons.cluster_start)
    assert (sizes == 3).sum() > 700 and (sizes != 3).any()  # both paths run
    start = maxwell_boltzmann(system.masses, 300.0, np.random.default_rng(3))
    by_cluster = start.copy()
    used = constraint_kernels.rattle_velocities_serial(
        system.positions, by_cluster, cons.pairs, cons.inv_mass, cons.cluster_start, cons.tol, cons.max_iter
    )
    assert used == 1
    scale = np.abs(start).max()
    assert np.abs(by_cluster - start).max() > 0.1 * scale  # the projection changes velocities
    vel = start.copy()
    cons.apply_velocities(system.positions, vel)
    assert np.abs(vel - by_cluster).max() <= 1e-13 * scale
    blocked = start.copy()
    assert constraint_kernels.rattle_blocked_parallel(
        system.positions, blocked, cons.pairs, cons.inv_mass, cons.cluster_start,
        cons.coupling, cons.coupling_offsets, cons.tol, 3,
    ) == 1  # fmt: skip
    assert np.array_equal(blocked, vel)
    i, j = cons.pairs[:, 0], cons.pairs[:, 1]
    bonds = system.positions[i] - system.positions[j]
    rates = np.einsum("ij,ij->i", bonds, vel[i] - vel[j])
    assert np.abs(rates).max() < 1e-12 * scale


def test_parallel_settle_and_rattle_are_bitwise_the_serial_ones():
    """Waters and clusters are independent: the thread-shared builds give the same numbers."""
    water = tip3p_box(4)  # 64 rigid waters
    cons = constraints_for(water, "hbonds")
    rng = np.random.default_rng(4)
    moved = water.positions + rng.normal(scale=0.003, size=water.positions.shape)
    settled = [moved.copy(), moved.copy()]
    settle.settle_positions_serial(settled[0], water.positions, cons.waters, *cons.water_params)
    settle.settle_positions_parallel(settled[1], water.positions, cons.waters, *cons.water_params)
    assert np.array_equal(settled[0], settled[1])
    velocities = rng.normal(size=water.positions.shape)
    projected = [velocities.copy(), velocities.copy()]
    args = (cons.pairs, cons.inv_mass, cons.cluster_start, cons.coupling, cons.coupling_offsets, cons.tol)
    constraint_kernels.rattle_blocked_serial(settled[0], projected[0], *args, 1)
    constraint_kernels.rattle_blocked_parallel(settled[0], projected[1], *args, 5)
    assert np.array_equal(projected[0], projected[1])


def test_parallel_corrections_are_bitwise_the_serial_pair_loops():
    """Alanine dipeptide's 1-4 pairs and exclusions (alpha 3/nm): pairs computed by the threads,
    added in list order, give the serial loops' forces and energies to the last bit."""
    system = load_amber(*bundled("ala2_vacuum"))
    pos = system.positions + np.random.default_rng(6).normal(scale=0.01, size=system.positions.shape)
    pairs14 = np.ascontiguousarray(system.pair14_atoms, dtype=np.int64)
    excluded = np.ascontiguousarray(system.all_excluded_pairs())
    types = np.ascontiguousarray(system.atom_types, dtype=np.int64)
    pair_args = (pairs14, system.charges, types, system.lj_a, system.lj_b,
                 system.pair14_scee, system.pair14_scnb, COULOMB)  # fmt: skip
    box, alpha = np.ones(3), 3.0
    expected = np.zeros_like(pos)
    c14, lj14 = corrections.scaled_pairs(pos, box, False, *pair_args, expected)
    excl = corrections.ewald_exclusions(pos, box, False, excluded, system.charges, alpha, COULOMB, expected)
    assert len(pairs14) and len(excluded) and c14 != 0.0 and excl != 0.0
    for kernel in (corrections.pair_corrections_serial, corrections.pair_corrections_parallel):
        forces = np.zeros_like(pos)
        work = corrections.correction_work(len(pairs14), len(excluded))
        energies = kernel(pos, box, False, *pair_args, excluded, alpha, work, forces)
        assert energies == (c14, lj14, excl) and np.array_equal(forces, expected)


def test_shake_clusters_are_contiguous_groups():
    top, crd = reference("ala2_tip3p_ff96")[:2]
    cons = constraints_for(load_amber(top, crd), "hbonds")
    seen: set[int] = set()
    for k in range(len(cons.shake_cluster_start) - 1):
        atoms = set(cons.shake_pairs[cons.shake_cluster_start[k] : cons.shake_cluster_start[k + 1]].ravel())
        assert not atoms & seen
        seen |= atoms


@pytest.mark.parametrize("kind", ["langevin_middle", "verlet"])
def test_trajectory_matches_previous_path(kind, monkeypatch):
    """Ten steps with the accumulated forces and blocked RATTLE vs separate arrays and the
    per-cluster RATTLE, same seed: equal to rounding (1e-12 relative)."""
    water, ff = _water_pme()
    runs = []
    for previous in (False, True):
        cons = constraints_for(water, "hbonds")
        if previous:
            monkeypatch.setattr(
                cons,
                "apply_velocities",
                lambda p, v, step=-1, c=cons: constraint_kernels.rattle_velocities_serial(
                    p, v, c.pairs, c.inv_mass, c.cluster_start, c.tol, c.max_iter
                ),
            )
        integ = Integrator(kind, 0.002, water.masses, cons, 300.0, 1.0, seed=5)
        vel = maxwell_boltzmann(water.masses, 300.0, np.random.default_rng(4))
        state = State(water.positions.copy(), vel, water.box)
        cons.apply_velocities(state.positions, state.velocities)
        provider = SeparateArrays(ff) if previous else ff
        for _ in range(10):
            integ.step(state, provider)
        runs.append(state)
    new, old = runs
    assert np.abs(new.positions - old.positions).max() <= 1e-12 * np.abs(old.positions).max()
    assert np.abs(new.velocities - old.velocities).max() <= 1e-11 * np.abs(old.velocities).max()
    assert new.potential == pytest.approx(old.potential, rel=1e-12)


def test_move_kernels_are_bitwise_the_numpy_moves():
    rng = np.random.default_rng(7)
    pos, vel, forces = rng.normal(size=(3, 50, 3))
    inv_mass = 1.0 / rng.uniform(1.0, 16.0, size=50)
    sigma = rng.uniform(0.1, 2.0, size=50)
    v = vel.copy()
    moves.kick(v, forces, inv_mass, 0.002)
    assert np.array_equal(v, vel + 0.002 * forces * inv_mass[:, None])
    p, old = pos.copy(), np.empty_like(pos)
    moves.drift(p, vel, 0.001, old)
    assert np.array_equal(old, pos) and np.array_equal(p, pos + vel * 0.001)
    v = vel.copy()
    moves.constraint_velocity(p, pos, v, 0.001)
    assert np.array_equal(v, vel + (p - pos) / 0.001)
    for friction_noise in (noise.friction_noise_serial, noise.friction_noise_parallel):
        v = vel.copy()
        friction_noise(v, 0.9, sigma, noise.seed_word(5), np.uint64(8))
        expected = vel * 0.9
        expected += sigma[:, None] * noise.gaussian_noise(5, 8, len(vel))
        assert np.array_equal(v, expected)
