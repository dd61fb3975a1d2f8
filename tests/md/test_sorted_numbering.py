"""The column-ordered numbering of half lists: the pair sum over a table numbered in space
gives the forces and energies of the same list numbered by atom index."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.forces.nonbonded import NonbondedForce, NonbondedSettings
from mstool.toolkit.md.kernels import nonbonded as kernels
from mstool.toolkit.md.neighbors import NeighborList


def _pair_sum(term: NonbondedForce, nl: NeighborList, pos: np.ndarray, box: np.ndarray, chunks: int):
    table, counts = nl.get(pos, box)
    forces = np.zeros_like(pos)
    kernel = kernels.pair_forces_half_parallel if chunks > 1 else kernels.pair_forces_half_serial
    args = (pos, box, True, table, counts, term.charges, term.types, term.lj_a, term.lj_b, term.params)
    energies = kernel(*args, kernels.hermite_knots(*term.ewald_tables), forces, nl.numbering, chunks)
    return energies, forces


@pytest.mark.parametrize("chunks", [1, 3])
def test_column_numbered_table_gives_the_same_forces(chunks):
    water = tip3p_box(7)
    rng = np.random.default_rng(2)
    pos = water.positions + rng.normal(scale=0.02, size=water.positions.shape)
    term = NonbondedForce(water, NonbondedSettings(method="pme", cutoff=0.6, skin=0.1))
    box = np.asarray(water.box, dtype=float)
    by_index = NeighborList(water.n_atoms, 0.6, 0.1, term.excluded, half=True)
    in_space = NeighborList(water.n_atoms, 0.6, 0.1, term.excluded, half=True, sorted_numbering=True)
    want_e, want_f = _pair_sum(term, by_index, pos, box, chunks)
    got_e, got_f = _pair_sum(term, in_space, pos, box, chunks)
    assert not np.array_equal(in_space.numbering, np.arange(water.n_atoms))  # rows really moved
    assert np.array_equal(by_index.numbering, np.arange(water.n_atoms))
    assert got_e == pytest.approx(want_e, rel=1e-12)
    assert np.abs(got_f - want_f).max() < 1e-9 * np.abs(want_f).max()
    assert np.abs(want_f).max() > 100.0
