"""The CPU half-list pair kernel against the plain full-list kernel (pair by pair, no packing).

Both compute the same direct-space sum; the full-list kernel is the simple reference the CUDA
kernel mirrors, so any packing, indexing or vectorisation slip in the fast path shows here.
"""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.forces.nonbonded import NonbondedForce, NonbondedSettings
from mstool.toolkit.md.kernels import nonbonded as kernels
from mstool.toolkit.md.neighbors import NeighborList

SETTINGS = {
    "ewald": NonbondedSettings(method="pme", cutoff=0.8),
    "ewald_switch": NonbondedSettings(method="pme", cutoff=0.8, switch_distance=0.7),
    "reaction_field": NonbondedSettings(method="cutoff", cutoff=0.8),
    "plain": NonbondedSettings(method="nocutoff"),
}


def _water():
    water = tip3p_box(6)
    rng = np.random.default_rng(5)
    return water, water.positions + rng.normal(scale=0.01, size=water.positions.shape)


def _arguments(term: NonbondedForce, table, counts, positions, box):
    return (
        positions,
        box,
        term.periodic,
        table,
        counts,
        term.charges,
        term.types,
        term.lj_a,
        term.lj_b,
        term.params,
    )


@pytest.mark.parametrize("name", list(SETTINGS))
def test_half_list_kernel_matches_full_list_kernel(name):
    water, pos = _water()
    term = NonbondedForce(water, SETTINGS[name])
    box = water.box if term.periodic else np.ones(3)
    rlist = term.settings.cutoff + 0.2 if term.periodic else 1e6
    full = NeighborList(water.n_atoms, rlist, 0.0, term.excluded, half=False)
    half = NeighborList(water.n_atoms, rlist, 0.0, term.excluded, half=True, sorted_numbering=True)
    nl_box = box if term.periodic else None
    ref_forces = np.zeros_like(pos)
    e_ref = kernels.pair_forces_serial(
        *_arguments(term, *full.get(pos, nl_box), pos, box), *term.ewald_tables, ref_forces
    )
    knots = kernels.hermite_knots(*term.ewald_tables)
    for kernel, chunks in ((kernels.pair_forces_half_serial, 1), (kernels.pair_forces_half_parallel, 3)):
        forces = np.zeros_like(pos)
        args = _arguments(term, *half.get(pos, nl_box), pos, box)
        energies = kernel(*args, knots, forces, half.numbering, chunks)
        assert energies[0] == pytest.approx(e_ref[0], rel=1e-11)
        assert energies[1] == pytest.approx(e_ref[1], rel=1e-11)
        assert np.abs(forces - ref_forces).max() < 1e-8 * np.abs(ref_forces).max()
    assert np.abs(ref_forces).max() > 100.0  # the comparison is not between zeros
    # TIP3P hydrogens have no LJ: the kernel's LJ-free row path is exercised too.
    assert any(not a.any() and not b.any() for a, b in zip(term.lj_a, term.lj_b, strict=True))


@pytest.mark.parametrize("n_chunks", [1, 2, 3, 7])
def test_balanced_rows_split_the_pairs_evenly(n_chunks):
    """Contiguous parts cover every row once and differ from the fair share by under one row."""
    counts = np.random.default_rng(n_chunks).integers(0, 400, size=5000)
    bounds = kernels.balanced_rows(counts, n_chunks)
    assert bounds[0] == 0 and bounds[-1] == len(counts) and np.all(np.diff(bounds) >= 0)
    shares = np.array([counts[bounds[t] : bounds[t + 1]].sum() for t in range(n_chunks)])
    assert np.abs(shares - counts.sum() / n_chunks).max() <= counts.max()
