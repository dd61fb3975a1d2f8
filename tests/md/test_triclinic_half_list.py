"""Triclinic half neighbour lists (each pair once) against brute-force images, on the pruned
cell search and on the small-box fallback, and the half-list pair sum against a direct sum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mstool.toolkit.md.box import box_vectors
from mstool.toolkit.md.kernels import nonbonded
from mstool.toolkit.md.kernels import triclinic as triclinic_kernels
from mstool.toolkit.md.kernels.pairs import pair_settings
from mstool.toolkit.md.neighbors import NeighborList, triclinic_search

OCTAHEDRON = box_vectors(np.array([4.24388485] * 3), np.array([109.4712206] * 3))
SKEWED = box_vectors(np.array([2.724, 3.187, 3.423]), np.array([88.52, 108.53, 111.89]))
IMAGES = np.array(list(itertools.product(range(-2, 3), repeat=3)))


def _nearest(delta: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Nearest image by trying 125 lattice shifts around the rounded fractional one."""
    delta = delta - np.round(delta @ np.linalg.inv(box)) @ box
    candidates = delta[:, None, :] + (IMAGES @ box)[None, :, :]
    best = np.argmin(np.sum(candidates**2, axis=2), axis=1)
    return candidates[np.arange(len(delta)), best]


def _random_positions(box: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((n, 3)) @ box + rng.normal(scale=2.0, size=(n, 3))  # some outside the cell


@pytest.mark.parametrize(
    ("box", "cutoff", "skin"),
    [(OCTAHEDRON, 1.0, 0.2), (SKEWED, 0.9, 0.3), (SKEWED, 1.2, 0.1)],
    ids=["octahedron", "skewed", "skewed-few-cells"],
)
def test_half_list_holds_every_pair_within_reach_once(box, cutoff, skin):
    n = 500
    pos = _random_positions(box, n, seed=11)
    excluded = np.array([[0, 1], [2, 5]])
    nl = NeighborList(n, cutoff=cutoff, skin=skin, excluded=excluded, half=True)
    table, counts = nl.get(pos, box)
    listed = [tuple(sorted((i, int(j)))) for i in range(n) for j in table[i, : counts[i]]]
    assert len(listed) == len(set(listed)), "a pair is listed twice"
    i, j = np.triu_indices(n, 1)
    r = np.linalg.norm(_nearest(pos[j] - pos[i], box), axis=1)
    want = {(a, b) for a, b, d in zip(i, j, r, strict=True) if d < cutoff + skin} - {(0, 1), (2, 5)}
    assert set(listed) == want


def test_small_box_takes_the_index_filtered_search():
    _, _, distinct = triclinic_search(SKEWED, 1.3)
    assert not distinct  # the case above with cutoff 1.2 + skin 0.1 runs the fallback


def test_half_list_pair_sum_matches_a_direct_sum():
    n = 300
    rng = np.random.default_rng(5)
    pos = _random_positions(OCTAHEDRON, n, seed=5)
    charges = rng.normal(scale=0.5, size=n)
    types = rng.integers(0, 2, size=n).astype(np.int64)
    lj_a = np.array([[2e-6, 1e-6], [1e-6, 0.0]])
    lj_b = np.array([[2e-3, 1e-3], [1e-3, 0.0]])
    cutoff, alpha, kc = 1.0, 3.12, 138.935456
    g, dg = nonbonded.ewald_table(alpha, cutoff + 0.01, 2e-4)
    params = pair_settings(cutoff, nonbonded.EWALD, kc, alpha=alpha, table_spacing=2e-4)
    nl = NeighborList(n, cutoff=cutoff, skin=0.2, excluded=np.zeros((0, 2), np.int64), half=True)
    table, counts = nl.get(pos, OCTAHEDRON)
    forces = np.zeros((n, 3))
    e_coul, e_lj = triclinic_kernels.pair_forces_half_serial(
        pos,
        OCTAHEDRON,
        True,
        table,
        counts,
        charges,
        types,
        lj_a,
        lj_b,
        params,
        nonbonded.hermite_knots(g, dg),
        forces,
        1,
    )
    from scipy.special import erfc

    i, j = np.triu_indices(n, 1)
    d = _nearest(pos[i] - pos[j], OCTAHEDRON)
    r = np.linalg.norm(d, axis=1)
    near = r < cutoff
    i, j, d, r = i[near], j[near], d[near], r[near]
    a, b = lj_a[types[i], types[j]], lj_b[types[i], types[j]]
    qq = kc * charges[i] * charges[j]
    want_coul = np.sum(qq * erfc(alpha * r) / r)
    want_lj = np.sum(a / r**12 - b / r**6)
    f_over_r = qq * (erfc(alpha * r) / r + 2 * alpha / np.sqrt(np.pi) * np.exp(-((alpha * r) ** 2))) / r**2
    f_over_r += (12 * a / r**12 - 6 * b / r**6) / r**2
    want_f = np.zeros((n, 3))
    np.add.at(want_f, i, f_over_r[:, None] * d)
    np.add.at(want_f, j, -f_over_r[:, None] * d)
    assert e_coul == pytest.approx(want_coul, rel=1e-9)
    assert e_lj == pytest.approx(want_lj, rel=1e-9)
    assert np.max(np.abs(forces - want_f)) < 1e-6 * np.max(np.abs(want_f))
