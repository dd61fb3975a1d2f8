"""Numba kernels for bond constraints: SHAKE on positions and RATTLE on velocities.

Constraints are grouped into clusters (connected components: one per rigid water, one per
X-H group); each cluster iterates Gauss-Seidel sweeps on its own until every bond is within
``tol`` (relative), clusters in parallel. Both return the largest iteration count used, or
-1 when a cluster did not converge.
"""

from __future__ import annotations

import numba
import numpy as np


def shake(pos, ref, pairs, lengths, inv_mass, cluster_start, tol, max_iter):
    """Move ``pos`` so each |x_i - x_j| equals its length, along the directions in ``ref``."""
    n_clusters = cluster_start.shape[0] - 1
    used = np.zeros(n_clusters, dtype=np.int64)
    for k in numba.prange(n_clusters):
        used[k] = -1
        for it in range(max_iter):
            done = True
            for c in range(cluster_start[k], cluster_start[k + 1]):
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
                        break
                    g = diff / (2.0 * dot * (inv_mass[i] + inv_mass[j]))
                    pos[i, 0] += g * sx * inv_mass[i]
                    pos[i, 1] += g * sy * inv_mass[i]
                    pos[i, 2] += g * sz * inv_mass[i]
                    pos[j, 0] -= g * sx * inv_mass[j]
                    pos[j, 1] -= g * sy * inv_mass[j]
                    pos[j, 2] -= g * sz * inv_mass[j]
            if done:
                used[k] = it
                break
    return -1 if used.min() < 0 else used.max()


def rattle_velocities(pos, vel, pairs, inv_mass, cluster_start, tol, max_iter):
    """Remove each constrained bond's relative velocity component along the bond."""
    n_clusters = cluster_start.shape[0] - 1
    used = np.zeros(n_clusters, dtype=np.int64)
    for k in numba.prange(n_clusters):
        used[k] = -1
        for it in range(max_iter):
            done = True
            for c in range(cluster_start[k], cluster_start[k + 1]):
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
                    g = dot / (r2 * (inv_mass[i] + inv_mass[j]))
                    vel[i, 0] -= g * rx * inv_mass[i]
                    vel[i, 1] -= g * ry * inv_mass[i]
                    vel[i, 2] -= g * rz * inv_mass[i]
                    vel[j, 0] += g * rx * inv_mass[j]
                    vel[j, 1] += g * ry * inv_mass[j]
                    vel[j, 2] += g * rz * inv_mass[j]
            if done:
                used[k] = it
                break
    return -1 if used.min() < 0 else used.max()


shake_parallel = numba.njit(cache=True, error_model="numpy", parallel=True)(shake)
shake_serial = numba.njit(cache=True, error_model="numpy")(shake)
rattle_velocities_parallel = numba.njit(cache=True, error_model="numpy", parallel=True)(rattle_velocities)
rattle_velocities_serial = numba.njit(cache=True, error_model="numpy")(rattle_velocities)
