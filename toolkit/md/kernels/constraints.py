"""Numba kernels for bond constraints: SHAKE on positions and RATTLE on velocities.

Gauss-Seidel iterations over the constraint list until every bond is within ``tol``
(relative); both return the number of iterations used, or -1 when they did not converge.
"""

from __future__ import annotations

import numba


@numba.njit(cache=True, error_model="numpy")
def shake(pos, ref, pairs, lengths, inv_mass, tol, max_iter):
    """Move ``pos`` so each |x_i - x_j| equals its length, along the directions in ``ref``."""
    for it in range(max_iter):
        done = True
        for c in range(pairs.shape[0]):
            i, j = pairs[c, 0], pairs[c, 1]
            rx = pos[i, 0] - pos[j, 0]
            ry = pos[i, 1] - pos[j, 1]
            rz = pos[i, 2] - pos[j, 2]
            d2 = lengths[c] * lengths[c]
            diff = d2 - (rx * rx + ry * ry + rz * rz)
            if abs(diff) > 2.0 * tol * d2:
                done = False
                sx = ref[i, 0] - ref[j, 0]
                sy = ref[i, 1] - ref[j, 1]
                sz = ref[i, 2] - ref[j, 2]
                dot = rx * sx + ry * sy + rz * sz
                if dot < 1e-6 * d2:
                    return -1
                g = diff / (2.0 * dot * (inv_mass[i] + inv_mass[j]))
                pos[i, 0] += g * sx * inv_mass[i]
                pos[i, 1] += g * sy * inv_mass[i]
                pos[i, 2] += g * sz * inv_mass[i]
                pos[j, 0] -= g * sx * inv_mass[j]
                pos[j, 1] -= g * sy * inv_mass[j]
                pos[j, 2] -= g * sz * inv_mass[j]
        if done:
            return it
    return -1


@numba.njit(cache=True, error_model="numpy")
def rattle_velocities(pos, vel, pairs, inv_mass, tol, max_iter):
    """Remove each constrained bond's relative velocity component along the bond."""
    for it in range(max_iter):
        done = True
        for c in range(pairs.shape[0]):
            i, j = pairs[c, 0], pairs[c, 1]
            rx = pos[i, 0] - pos[j, 0]
            ry = pos[i, 1] - pos[j, 1]
            rz = pos[i, 2] - pos[j, 2]
            vx = vel[i, 0] - vel[j, 0]
            vy = vel[i, 1] - vel[j, 1]
            vz = vel[i, 2] - vel[j, 2]
            r2 = rx * rx + ry * ry + rz * rz
            dot = rx * vx + ry * vy + rz * vz
            if abs(dot) > tol * r2:
                done = False
                k = dot / (r2 * (inv_mass[i] + inv_mass[j]))
                vel[i, 0] -= k * rx * inv_mass[i]
                vel[i, 1] -= k * ry * inv_mass[i]
                vel[i, 2] -= k * rz * inv_mass[i]
                vel[j, 0] += k * rx * inv_mass[j]
                vel[j, 1] += k * ry * inv_mass[j]
                vel[j, 2] += k * rz * inv_mass[j]
        if done:
            return it
    return -1
