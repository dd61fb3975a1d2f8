"""Numba kernels for virtual sites (extra points): place each site from its three parents and
hand the force on a site back to those parents.

A site is ``p0 + w1 (p1 - p0) + w2 (p2 - p0) + wc (p1 - p0) x (p2 - p0)``: with ``wc = 0`` it is
OpenMM's three-particle average (4-site water), with ``wc != 0`` the out-of-plane site (TIP5P).
"""

from __future__ import annotations

import numba


@numba.njit(cache=True, error_model="numpy")
def place_sites(pos, sites, weights):
    """Overwrite the rows ``sites[:, 0]`` of ``pos`` from the parents ``sites[:, 1:4]``."""
    for k in range(sites.shape[0]):
        s, a, b, c = sites[k, 0], sites[k, 1], sites[k, 2], sites[k, 3]
        w1, w2, wc = weights[k, 0], weights[k, 1], weights[k, 2]
        ux = pos[b, 0] - pos[a, 0]
        uy = pos[b, 1] - pos[a, 1]
        uz = pos[b, 2] - pos[a, 2]
        vx = pos[c, 0] - pos[a, 0]
        vy = pos[c, 1] - pos[a, 1]
        vz = pos[c, 2] - pos[a, 2]
        pos[s, 0] = pos[a, 0] + w1 * ux + w2 * vx + wc * (uy * vz - uz * vy)
        pos[s, 1] = pos[a, 1] + w1 * uy + w2 * vy + wc * (uz * vx - ux * vz)
        pos[s, 2] = pos[a, 2] + w1 * uz + w2 * vz + wc * (ux * vy - uy * vx)


@numba.njit(cache=True, error_model="numpy")
def spread_site_forces(pos, forces, sites, weights):
    """Move the force on every site onto its parents (chain rule of :func:`place_sites`);
    the site rows end at zero."""
    for k in range(sites.shape[0]):
        s, a, b, c = sites[k, 0], sites[k, 1], sites[k, 2], sites[k, 3]
        w1, w2, wc = weights[k, 0], weights[k, 1], weights[k, 2]
        fx, fy, fz = forces[s, 0], forces[s, 1], forces[s, 2]
        ux = pos[b, 0] - pos[a, 0]
        uy = pos[b, 1] - pos[a, 1]
        uz = pos[b, 2] - pos[a, 2]
        vx = pos[c, 0] - pos[a, 0]
        vy = pos[c, 1] - pos[a, 1]
        vz = pos[c, 2] - pos[a, 2]
        # d(u x v)/du applied to F is v x F; d(u x v)/dv applied to F is F x u.
        f1x = w1 * fx + wc * (vy * fz - vz * fy)
        f1y = w1 * fy + wc * (vz * fx - vx * fz)
        f1z = w1 * fz + wc * (vx * fy - vy * fx)
        f2x = w2 * fx + wc * (fy * uz - fz * uy)
        f2y = w2 * fy + wc * (fz * ux - fx * uz)
        f2z = w2 * fz + wc * (fx * uy - fy * ux)
        forces[b, 0] += f1x
        forces[b, 1] += f1y
        forces[b, 2] += f1z
        forces[c, 0] += f2x
        forces[c, 1] += f2y
        forces[c, 2] += f2z
        forces[a, 0] += fx - f1x - f2x
        forces[a, 1] += fy - f1y - f2y
        forces[a, 2] += fz - f1z - f2z
        forces[s, 0] = 0.0
        forces[s, 1] = 0.0
        forces[s, 2] = 0.0
