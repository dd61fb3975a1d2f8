"""SETTLE (Miyamoto & Kollman, 1992): the analytic position constraint for rigid 3-site water.

For each water (O, H1, H2) the new positions are rotated about the centre of mass so that
the O-H and H-H distances match exactly, with the displacement along the old geometry's
constraint directions, as SHAKE would converge to.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants


@numba.njit(cache=True, error_model="numpy", inline="always")
def _row(pos, i):
    return (pos[i, 0], pos[i, 1], pos[i, 2])


@numba.njit(cache=True, error_model="numpy", inline="always")
def _sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


@numba.njit(cache=True, error_model="numpy", inline="always")
def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


@numba.njit(cache=True, error_model="numpy", inline="always")
def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


@numba.njit(cache=True, error_model="numpy", inline="always")
def _unit(a):
    norm = math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])
    return (a[0] / norm, a[1] / norm, a[2] / norm)


@numba.njit(cache=True, error_model="numpy")
def _place(pos, i, com, ex, ey, ez, x, y, z):
    """pos[i] = com + x ex + y ey + z ez for the local frame (ex, ey, ez). (Not inlined: the
    parallel build's array analysis mistakes the inlined tuples for array shapes.)"""
    for d in range(3):
        pos[i, d] = com[d] + x * ex[d] + y * ey[d] + z * ez[d]


def settle_positions(pos, ref, waters, d_oh, d_hh, m_o, m_h):
    """Constrain ``pos`` of every (O, H1, H2) row of ``waters``; ``ref`` holds the old positions.

    Returns the number of waters whose geometry could not be restored (0 on success).
    """
    total = m_o + 2.0 * m_h
    rc = 0.5 * d_hh
    height = math.sqrt(d_oh * d_oh - rc * rc)
    ra = 2.0 * m_h * height / total
    rb = height - ra
    failures = np.zeros(waters.shape[0], dtype=np.int64)
    for w in numba.prange(waters.shape[0]):
        o, h1, h2 = waters[w, 0], waters[w, 1], waters[w, 2]
        po, p1, p2 = _row(pos, o), _row(pos, h1), _row(pos, h2)
        com = (
            (m_o * po[0] + m_h * (p1[0] + p2[0])) / total,
            (m_o * po[1] + m_h * (p1[1] + p2[1])) / total,
            (m_o * po[2] + m_h * (p1[2] + p2[2])) / total,
        )
        a1 = _sub(po, com)
        b1 = _sub(p1, com)
        c1 = _sub(p2, com)
        b0 = _sub(_row(ref, h1), _row(ref, o))
        c0 = _sub(_row(ref, h2), _row(ref, o))
        ez = _unit(_cross(b0, c0))
        ex = _unit(_cross(a1, ez))
        ey = _unit(_cross(ez, ex))
        xb0, yb0 = _dot(b0, ex), _dot(b0, ey)
        xc0, yc0 = _dot(c0, ex), _dot(c0, ey)
        za1 = _dot(a1, ez)
        xb1, yb1, zb1 = _dot(b1, ex), _dot(b1, ey), _dot(b1, ez)
        xc1, yc1, zc1 = _dot(c1, ex), _dot(c1, ey), _dot(c1, ez)
        sinphi = za1 / ra
        if abs(sinphi) >= 1.0:
            failures[w] = 1
            continue
        cosphi = math.sqrt(1.0 - sinphi * sinphi)
        sinpsi = (zb1 - zc1) / (2.0 * rc * cosphi)
        if abs(sinpsi) >= 1.0:
            failures[w] = 1
            continue
        cospsi = math.sqrt(1.0 - sinpsi * sinpsi)
        ya2 = ra * cosphi
        xb2 = -rc * cospsi
        t1 = -rb * cosphi
        t2 = rc * sinpsi * sinphi
        yb2 = t1 - t2
        yc2 = t1 + t2
        alpha = xb2 * (xb0 - xc0) + yb0 * yb2 + yc0 * yc2
        beta = xb2 * (yc0 - yb0) + xb0 * yb2 + xc0 * yc2
        gamma = xb0 * yb1 - xb1 * yb0 + xc0 * yc1 - xc1 * yc0
        a2b2 = alpha * alpha + beta * beta
        if gamma * gamma > a2b2:
            failures[w] = 1
            continue
        sintheta = (alpha * gamma - beta * math.sqrt(a2b2 - gamma * gamma)) / a2b2
        costheta = math.sqrt(1.0 - sintheta * sintheta)
        _place(pos, o, com, ex, ey, ez, -ya2 * sintheta, ya2 * costheta, za1)
        x1, y1 = xb2 * costheta - yb2 * sintheta, xb2 * sintheta + yb2 * costheta
        _place(pos, h1, com, ex, ey, ez, x1, y1, zb1)
        x2, y2 = -xb2 * costheta - yc2 * sintheta, -xb2 * sintheta + yc2 * costheta
        _place(pos, h2, com, ex, ey, ez, x2, y2, zc1)
    return int(failures.sum())


settle_positions_parallel, settle_positions_serial = compile_variants(settle_positions, error_model="numpy")
