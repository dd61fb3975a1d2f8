"""Numba CPU kernels for smooth PME: B-spline weights, charge spreading and force gathering.

For a fractional grid coordinate ``u = floor(u) + w``, grid point ``floor(u) - m`` gets
weight ``M_p(w + m)`` (m = 0..p-1), the cardinal B-spline of order p.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants


@numba.njit(cache=True, error_model="numpy")
def bspline_weights(w, order, values, derivs):
    """Fill ``values[m] = M_p(w + m)`` and ``derivs[m] = M_p'(w + m)`` for m = 0..p-1.

    The recursion M_k(x) = (x M_{k-1}(x) + (k - x) M_{k-1}(x - 1)) / (k - 1) runs in place
    in ``values``, highest m first, so nothing is allocated per call."""
    values[0] = w
    values[1] = 1.0 - w
    for k in range(3, order + 1):
        if k == order:
            for m in range(order):
                left = values[m] if m < k - 1 else 0.0
                right = values[m - 1] if m >= 1 else 0.0
                derivs[m] = left - right
        for m in range(k - 1, -1, -1):
            x = w + m
            left = values[m] if m < k - 1 else 0.0
            right = values[m - 1] if m >= 1 else 0.0
            values[m] = (x * left + (k - x) * right) / (k - 1)
    if order == 2:
        derivs[0] = 1.0
        derivs[1] = -1.0


@numba.njit(cache=True, error_model="numpy")
def _fractional(pos, box, grid):
    n = pos.shape[0]
    base = np.empty((n, 3), dtype=np.int64)
    frac = np.empty((n, 3))
    for i in range(n):
        for d in range(3):
            u = pos[i, d] / box[d]
            u -= math.floor(u)
            u *= grid[d]
            f = math.floor(u)
            base[i, d] = int(f) % grid[d]
            frac[i, d] = u - f
    return base, frac


@numba.njit(cache=True, error_model="numpy", inline="always")
def _wrap_down(start, step, size):
    """(start - step) mod size for 0 <= start < size and step >= 0, without a division."""
    g = start - step
    while g < 0:
        g += size
    return g


@numba.njit(cache=True, error_model="numpy")
def spread_charges(pos, box, charges, grid, order):
    """The charge grid Q (shape ``grid``) and per-atom spline data for :func:`gather_forces`."""
    n = pos.shape[0]
    base, frac = _fractional(pos, box, grid)
    theta = np.empty((n, 3, order))
    dtheta = np.empty((n, 3, order))
    for i in range(n):
        for d in range(3):
            bspline_weights(frac[i, d], order, theta[i, d], dtheta[i, d])
    q_grid = np.zeros((grid[0], grid[1], grid[2]))
    for i in range(n):
        q = charges[i]
        for a in range(order):
            ga = _wrap_down(base[i, 0], a, grid[0])
            wa = q * theta[i, 0, a]
            for b in range(order):
                gb = _wrap_down(base[i, 1], b, grid[1])
                wab = wa * theta[i, 1, b]
                for c in range(order):
                    q_grid[ga, gb, _wrap_down(base[i, 2], c, grid[2])] += wab * theta[i, 2, c]
    return q_grid, base, theta, dtheta


def gather_forces(potential, box, charges, grid, order, base, theta, dtheta, forces):
    """Add -q grad(sum phi * weights) to ``forces`` from the convolved potential grid."""
    n = charges.shape[0]
    for i in numba.prange(n):
        gx = 0.0
        gy = 0.0
        gz = 0.0
        for a in range(order):
            ga = _wrap_down(base[i, 0], a, grid[0])
            for b in range(order):
                gb = _wrap_down(base[i, 1], b, grid[1])
                for c in range(order):
                    gc = _wrap_down(base[i, 2], c, grid[2])
                    phi = potential[ga, gb, gc]
                    gx += phi * dtheta[i, 0, a] * theta[i, 1, b] * theta[i, 2, c]
                    gy += phi * theta[i, 0, a] * dtheta[i, 1, b] * theta[i, 2, c]
                    gz += phi * theta[i, 0, a] * theta[i, 1, b] * dtheta[i, 2, c]
        q = charges[i]
        forces[i, 0] -= q * gx * grid[0] / box[0]
        forces[i, 1] -= q * gy * grid[1] / box[1]
        forces[i, 2] -= q * gz * grid[2] / box[2]


gather_forces_parallel, gather_forces_serial = compile_variants(gather_forces, error_model="numpy")
