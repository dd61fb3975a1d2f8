"""The column-search neighbour list against the all-pairs builder: same pair sets, half and full."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.kernels import neighbors as kernels
from mstool.toolkit.md.neighbors import NeighborList, column_grid, column_steps, exclusion_csr


def _random_system(n, box, seed):
    """Atoms in and around the box (negative, beyond the edge, exactly on it) and random exclusions."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-0.5, 1.5, size=(n, 3)) * box
    pos[:4] = [[0.0, 0.0, 0.0], box, [box[0], 0.0, -box[2]], [-1e-17, 0.5 * box[1], 2 * box[2]]]
    pairs = rng.integers(0, n, size=(n // 2, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    return pos, pairs


def _pair_set(table, counts, half):
    pairs = [(i, int(j)) for i in range(len(counts)) for j in table[i, : counts[i]]]
    if half:
        ordered = [(min(p), max(p)) for p in pairs]
        assert len(ordered) == len(set(ordered))  # each pair once
        return set(ordered)
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == {(j, i) for i, j in pairs}  # a full list is symmetric
    return set(pairs)


def _reference(pos, box, rlist, pairs, half):
    start, flat = exclusion_csr(len(pos), pairs)
    table, counts = kernels.all_pairs_list_serial(pos, box, True, rlist, start, flat, len(pos), half)
    return _pair_set(table, counts, half)


@pytest.mark.parametrize(
    ("box", "rlist", "reach"),
    [
        (np.array([3.3, 3.1, 2.9]), 0.9, 3),
        (np.array([2.05, 2.6, 1.95]), 0.9, 4),
        (np.array([2.5, 1.92, 3.0]), 0.9, 8),
    ],
)
@pytest.mark.parametrize("half", [True, False])
def test_column_list_matches_all_pairs(box, rlist, reach, half):
    pos, pairs = _random_system(700, box, seed=int(10 * box[0]) + half)
    assert column_grid(box, rlist)[0] == reach
    nl = NeighborList(len(pos), cutoff=rlist - 0.1, skin=0.1, excluded=pairs, half=half)
    table, counts = nl.get(pos, box)
    assert nl.order is not None  # the column path ran
    assert _pair_set(table, counts, half) == _reference(pos, box, rlist, pairs, half)
    # A rebuild after a move starts from the previous column order and must agree as well.
    moved = pos + np.random.default_rng(1).normal(scale=0.2, size=pos.shape)
    nl.build(moved, box)
    assert _pair_set(nl.table, nl.counts, half) == _reference(moved, box, rlist, pairs, half)


def test_parallel_chunks_match_serial():
    box = np.array([3.0, 3.2, 3.4])
    pos, pairs = _random_system(900, box, seed=5)
    reach, ncol = column_grid(box, 1.0)
    steps = column_steps(reach, box[:2] / ncol, 1.0, True)
    start, flat = exclusion_csr(len(pos), pairs)
    columns = kernels.sort_into_columns(pos, box, ncol, np.arange(len(pos)))
    args = (*columns, box, ncol, steps, 1.0, start, flat)
    t1, c1 = kernels.column_list_serial(*args, np.empty((900, 400), np.int32), True, 1)
    t7, c7 = kernels.column_list_parallel(*args, np.full((900, 400), -1, np.int32), True, 7)
    assert np.array_equal(c1, c7)
    for i in range(len(pos)):
        assert np.array_equal(t1[i, : c1[i]], t7[i, : c7[i]])


def test_columns_sorted_by_z_and_capacity_grows():
    box = np.array([3.0, 3.0, 3.0])
    pos, pairs = _random_system(800, box, seed=9)
    reach, ncol = column_grid(box, 1.0)
    order, start, scol, rank, sx, sy, sz = kernels.sort_into_columns(
        pos, box, ncol, np.arange(len(pos))[::-1]
    )
    assert sorted(order.tolist()) == list(range(len(pos)))
    assert np.array_equal(rank[order], np.arange(len(pos)))
    for c in range(len(start) - 1):
        assert np.all(np.diff(sz[start[c] : start[c + 1]]) >= 0)
        assert np.all(scol[start[c] : start[c + 1]] == c)
    assert sz.min() >= 0 and sz.max() < box[2]
    nl = NeighborList(len(pos), cutoff=0.9, skin=0.1, excluded=pairs, half=True)
    nl.capacity = 4  # too small: the builder must grow it and rebuild
    table, counts = nl.get(pos, box)
    assert nl.capacity >= counts.max() > 4
    assert _pair_set(table, counts, True) == _reference(pos, box, 1.0, pairs, True)


def test_small_box_falls_back_to_all_pairs():
    box = np.array([2.2, 2.2, 2.2])
    assert column_grid(box, 1.1) is None
    pos, pairs = _random_system(200, box, seed=2)
    nl = NeighborList(len(pos), cutoff=1.0, skin=0.1, excluded=pairs, half=True)
    table, counts = nl.get(pos, box)
    assert nl.order is None
    assert _pair_set(table, counts, True) == _reference(pos, box, 1.1, pairs, True)


def test_two_largest_displacements():
    rng = np.random.default_rng(3)
    ref = rng.normal(size=(300, 3))
    pos = ref + rng.normal(scale=0.1, size=ref.shape)
    moved = np.sort(np.linalg.norm(pos - ref, axis=1))
    first, second = kernels.two_largest_displacements(pos, ref)
    assert (first, second) == pytest.approx((moved[-1], moved[-2]), rel=1e-12)


def test_list_kept_between_rebuilds_holds_every_pair_within_cutoff():
    box = np.array([3.0, 3.1, 2.9])
    pos, pairs = _random_system(600, box, seed=8)
    cutoff, skin = 0.8, 0.1
    nl = NeighborList(len(pos), cutoff=cutoff, skin=skin, excluded=pairs, half=True)
    rng = np.random.default_rng(0)
    for _ in range(30):
        pos = pos + rng.normal(scale=0.008, size=pos.shape)
        pos[:5] += 0.02  # a few fast atoms decide the rebuilds
        table, counts = nl.get(pos, box)
        listed = _pair_set(table, counts, True)
        assert _reference(pos, box, cutoff, pairs, True) <= listed
    assert 2 <= nl.builds < 30
