"""PME spreading, convolution and gathering against a plain numpy implementation of the same sums.

The reference evaluates the cardinal B-spline from its closed form, places charges with
``np.add.at`` on periodic indices and gathers forces point by point, so the padded-grid kernels
are checked to rounding on odd, non-cubic and small grids (a few points more than the spline order).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mstool.toolkit.md.forces.pme import PMEReciprocal
from mstool.toolkit.md.kernels import pme as kernels
from mstool.toolkit.md.units import COULOMB


def cardinal_bspline(x, order):
    """M_p(x) = 1/(p-1)! sum_k (-1)^k C(p, k) (x - k)_+^(p-1), and its derivative."""
    value = np.zeros_like(x)
    deriv = np.zeros_like(x)
    for k in range(order + 1):
        sign = (-1) ** k * math.comb(order, k)
        shifted = np.maximum(x - k, 0.0)
        value += sign * shifted ** (order - 1)
        deriv += sign * (order - 1) * shifted ** (order - 2)
    return value / math.factorial(order - 1), deriv / math.factorial(order - 1)


def reference_pme(pos, box, charges, alpha, grid, order):
    grid = np.asarray(grid)
    u = (pos / box - np.floor(pos / box)) * grid
    base = np.floor(u).astype(int)
    frac = u - base
    m = np.arange(order)
    theta, dtheta = cardinal_bspline(frac[:, :, None] + m[None, None, :], order)  # (n, 3, p)
    idx = (base[:, :, None] - m[None, None, :]) % grid[None, :, None]
    q_grid = np.zeros(grid)
    for i in range(len(pos)):
        w = charges[i] * np.einsum("a,b,c->abc", theta[i, 0], theta[i, 1], theta[i, 2])
        np.add.at(q_grid, np.ix_(idx[i, 0], idx[i, 1], idx[i, 2]), w)
    pme = PMEReciprocal(alpha, list(grid), order, COULOMB)
    influence = pme._influence_function(box)
    potential = np.fft.irfftn(np.fft.rfftn(q_grid) * influence, s=q_grid.shape, axes=(0, 1, 2))
    energy = 0.5 * float(np.sum(q_grid * potential))
    forces = np.zeros_like(pos)
    for i in range(len(pos)):
        phi = potential[np.ix_(idx[i, 0], idx[i, 1], idx[i, 2])]
        t, dt = theta[i], dtheta[i]
        grad = np.array(
            [
                np.einsum("abc,a,b,c->", phi, dt[0], t[1], t[2]),
                np.einsum("abc,a,b,c->", phi, t[0], dt[1], t[2]),
                np.einsum("abc,a,b,c->", phi, t[0], t[1], dt[2]),
            ]
        )
        forces[i] = -charges[i] * grad * grid / box
    return energy, forces


@pytest.mark.parametrize(
    ("grid", "order"),
    [([27, 27, 26], 5), ([9, 13, 10], 4), ([5, 7, 6], 5), ([16, 15, 4], 4)],
)
def test_padded_kernels_match_numpy_reference(grid, order):
    rng = np.random.default_rng(sum(grid) + order)
    box = np.array([2.1, 2.4, 1.9])
    pos = rng.uniform(-1.0, 2.0, size=(60, 3)) * box  # also outside the box
    charges = rng.normal(size=60)
    charges -= charges.mean()
    alpha = 3.0
    forces = np.zeros_like(pos)
    energy = PMEReciprocal(alpha, grid, order, COULOMB).energy_forces(pos, box, charges, forces)
    expected_e, expected_f = reference_pme(pos, box, charges, alpha, grid, order)
    assert energy == pytest.approx(expected_e, rel=1e-11)
    assert np.abs(forces - expected_f).max() < 1e-10 * np.abs(expected_f).max()


def test_parallel_spread_and_gather_match_serial():
    rng = np.random.default_rng(4)
    box = np.array([3.0, 3.1, 2.9])
    pos = rng.uniform(0, 1, size=(500, 3)) * box
    charges = rng.normal(size=500)
    grid = np.array([20, 21, 18])
    start = np.empty((500, 3), dtype=np.int64)
    lanes = kernels.LANES
    theta, dtheta = np.empty((500, 3, lanes)), np.empty((500, 3, lanes))
    kernels.spline_data(pos, box, grid, 5, start, theta, dtheta)
    assert np.all(theta[:, :, 5:] == 0) and np.allclose(theta.sum(axis=2), 1.0)
    padded = (grid[0] + 4, grid[1] + 4, grid[2] + lanes - 1)
    serial = np.full((1, *padded), np.nan)  # stale contents must be cleared
    chunked = np.full((3, *padded), np.nan)
    kernels.spread_padded_serial(charges, start, theta, 5, serial)
    kernels.spread_padded_parallel(charges, start, theta, 5, chunked)
    assert np.abs(serial[0] - chunked[0]).max() < 1e-12
    potential = np.empty(padded)
    kernels.pad_periodic_serial(rng.normal(size=tuple(grid)), 5, potential)
    f1, f3 = np.zeros_like(pos), np.zeros_like(pos)
    kernels.gather_padded_serial(potential, box, charges, grid, start, theta, dtheta, 5, f1)
    kernels.gather_padded_parallel(potential, box, charges, grid, start, theta, dtheta, 5, f3)
    assert np.array_equal(f1, f3)



def test_weights_split_over_workers_match_spline_data():
    rng = np.random.default_rng(5)
    box = np.array([3.0, 3.1, 2.9])
    n = 700  # several weight blocks per worker
    pos = rng.uniform(-1, 4, size=(n, 3))
    grid = np.array([20, 21, 18])
    lanes = kernels.LANES
    start = np.empty((n, 3), dtype=np.int64)
    theta, dtheta = np.empty((n, 3, lanes)), np.empty((n, 3, lanes))
    kernels.spline_data(pos, box, grid, 5, start, theta, dtheta)
    for chunks, splines in ((1, kernels.spline_chunks_serial), (3, kernels.spline_chunks_parallel)):
        start2 = np.full_like(start, -1)
        theta2, dtheta2 = np.full_like(theta, np.nan), np.full_like(dtheta, np.nan)
        splines(pos, box, grid, 5, start2, theta2, dtheta2, chunks)
        assert np.array_equal(start2, start)
        assert np.array_equal(theta2, theta) and np.array_equal(dtheta2, dtheta)


@pytest.mark.parametrize("grid", [(7, 9, 6), (12, 10, 11)])
def test_fold_and_grid_dot_are_the_periodic_sums_on_any_thread_count(grid):
    """The padded grid folded onto the periodic one (each point the sum of its aliases, in
    padded order) and the energy's grid dot product, serial and parallel builds alike."""
    rng = np.random.default_rng(11)
    order = 5
    padded = rng.normal(size=(grid[0] + order - 1, grid[1] + order - 1, grid[2] + kernels.LANES - 1))
    expected = np.zeros(grid)
    for x in range(padded.shape[0]):
        for y in range(padded.shape[1]):
            for z in range(padded.shape[2]):
                expected[(x - order + 1) % grid[0], (y - order + 1) % grid[1], (z - order + 1) % grid[2]] += (
                    padded[x, y, z]
                )
    folded = [np.full(grid, np.nan) for _ in range(2)]  # stale contents must be cleared
    kernels.fold_padding_serial(padded, order, folded[0])
    kernels.fold_padding_parallel(padded, order, folded[1])
    assert np.array_equal(folded[0], expected) and np.array_equal(folded[1], expected)
    other = rng.normal(size=grid)
    dots = kernels.grid_dot_serial(expected, other), kernels.grid_dot_parallel(expected, other)
    assert dots[0] == dots[1] and dots[0] == pytest.approx(float(np.sum(expected * other)), rel=1e-13)
