"""Numba kernels for bond constraints, solved per cluster with small dense systems.

Constraints are grouped into clusters (connected components: one per rigid water, one per
X-H group). Velocities (RATTLE) are projected exactly by one linear solve per cluster;
positions (SHAKE) use Newton iterations on the same matrix (matrix SHAKE), which
converge in a few steps. Both return the largest iteration count used, or -1 when a
cluster did not converge.
"""

from __future__ import annotations

import numba
import numpy as np

from mstool.toolkit.md.kernels import compile_variants


@numba.njit(cache=True, error_model="numpy", inline="always")
def _sigma(atom, i_q, j_q):
    if atom == i_q:
        return 1.0
    if atom == j_q:
        return -1.0
    return 0.0


@numba.njit(cache=True, error_model="numpy")
def _solve(a, b, m):
    """Solve a[:m, :m] x = b[:m] in place by Gaussian elimination with partial pivoting."""
    for col in range(m):
        piv = col
        for row in range(col + 1, m):
            if abs(a[row, col]) > abs(a[piv, col]):
                piv = row
        if piv != col:
            for k in range(m):
                a[col, k], a[piv, k] = a[piv, k], a[col, k]
            b[col], b[piv] = b[piv], b[col]
        for row in range(col + 1, m):
            f = a[row, col] / a[col, col]
            for k in range(col, m):
                a[row, k] -= f * a[col, k]
            b[row] -= f * b[col]
    for col in range(m - 1, -1, -1):
        s = b[col]
        for k in range(col + 1, m):
            s -= a[col, k] * b[k]
        b[col] = s / a[col, col]


@numba.njit(cache=True, error_model="numpy")
def _coupling(pairs, inv_mass, c0, p, q):
    i_p, j_p = pairs[c0 + p, 0], pairs[c0 + p, 1]
    i_q, j_q = pairs[c0 + q, 0], pairs[c0 + q, 1]
    return _sigma(i_p, i_q, j_q) * inv_mass[i_p] - _sigma(j_p, i_q, j_q) * inv_mass[j_p]


def shake(pos, ref, pairs, lengths, inv_mass, cluster_start, tol, max_iter):
    """Move ``pos`` so each |x_i - x_j| equals its length, moving along the bonds in ``ref``."""
    n_clusters = cluster_start.shape[0] - 1
    used = np.zeros(n_clusters, dtype=np.int64)
    for k in numba.prange(n_clusters):
        c0, c1 = cluster_start[k], cluster_start[k + 1]
        m = c1 - c0
        jac = np.empty((m, m))
        rhs = np.empty(m)
        used[k] = -1
        for it in range(max_iter):
            done = True
            for p in range(m):
                i, j = pairs[c0 + p, 0], pairs[c0 + p, 1]
                r2 = 0.0
                for d in range(3):
                    r2 += (pos[i, d] - pos[j, d]) ** 2
                d2 = lengths[c0 + p] ** 2
                rhs[p] = d2 - r2
                if abs(rhs[p]) > 2.0 * tol * d2:
                    done = False
            if done:
                used[k] = it
                break
            for p in range(m):
                i_p, j_p = pairs[c0 + p, 0], pairs[c0 + p, 1]
                for q in range(m):
                    i_q, j_q = pairs[c0 + q, 0], pairs[c0 + q, 1]
                    dot = 0.0
                    for d in range(3):
                        dot += (pos[i_p, d] - pos[j_p, d]) * (ref[i_q, d] - ref[j_q, d])
                    jac[p, q] = 2.0 * dot * _coupling(pairs, inv_mass, c0, p, q)
            _solve(jac, rhs, m)
            for q in range(m):
                i_q, j_q = pairs[c0 + q, 0], pairs[c0 + q, 1]
                for d in range(3):
                    s = ref[i_q, d] - ref[j_q, d]
                    pos[i_q, d] += rhs[q] * s * inv_mass[i_q]
                    pos[j_q, d] -= rhs[q] * s * inv_mass[j_q]
    return -1 if used.min() < 0 else used.max()


def rattle_velocities(pos, vel, pairs, inv_mass, cluster_start, tol, max_iter):
    """Remove every constrained bond's relative velocity along the bond (exact linear solve)."""
    n_clusters = cluster_start.shape[0] - 1
    used = np.zeros(n_clusters, dtype=np.int64)
    for k in numba.prange(n_clusters):
        c0, c1 = cluster_start[k], cluster_start[k + 1]
        m = c1 - c0
        mat = np.empty((m, m))
        rhs = np.empty(m)
        for p in range(m):
            i_p, j_p = pairs[c0 + p, 0], pairs[c0 + p, 1]
            dot = 0.0
            for d in range(3):
                dot += (pos[i_p, d] - pos[j_p, d]) * (vel[i_p, d] - vel[j_p, d])
            rhs[p] = dot
            for q in range(m):
                i_q, j_q = pairs[c0 + q, 0], pairs[c0 + q, 1]
                rr = 0.0
                for d in range(3):
                    rr += (pos[i_p, d] - pos[j_p, d]) * (pos[i_q, d] - pos[j_q, d])
                mat[p, q] = rr * _coupling(pairs, inv_mass, c0, p, q)
        _solve(mat, rhs, m)
        for q in range(m):
            i_q, j_q = pairs[c0 + q, 0], pairs[c0 + q, 1]
            for d in range(3):
                r = pos[i_q, d] - pos[j_q, d]
                vel[i_q, d] -= rhs[q] * r * inv_mass[i_q]
                vel[j_q, d] += rhs[q] * r * inv_mass[j_q]
        used[k] = 1
        for p in range(m):
            i_p, j_p = pairs[c0 + p, 0], pairs[c0 + p, 1]
            dot = 0.0
            r2 = 0.0
            for d in range(3):
                r = pos[i_p, d] - pos[j_p, d]
                dot += r * (vel[i_p, d] - vel[j_p, d])
                r2 += r * r
            if not abs(dot) <= max(tol, 1e-9) * r2:
                used[k] = -1
    return -1 if used.min() < 0 else used.max()


@numba.njit(cache=True, error_model="numpy")
def cluster_couplings(pairs, inv_mass, cluster_start):
    """Each cluster's constant m x m mass coupling matrix, flattened, and the blocks' offsets."""
    n_clusters = cluster_start.shape[0] - 1
    offsets = np.zeros(n_clusters + 1, dtype=np.int64)
    for k in range(n_clusters):
        m = cluster_start[k + 1] - cluster_start[k]
        offsets[k + 1] = offsets[k] + m * m
    flat = np.empty(offsets[n_clusters])
    for k in range(n_clusters):
        c0 = cluster_start[k]
        m = cluster_start[k + 1] - c0
        for p in range(m):
            for q in range(m):
                flat[offsets[k] + p * m + q] = _coupling(pairs, inv_mass, c0, p, q)
    return flat, offsets


@numba.njit(cache=True, error_model="numpy", inline="always")
def _project_cluster(pos, vel, pairs, inv_mass, c0, m, coupling, offset, mat, rhs, bond, tol):
    """:func:`rattle_velocities` for one cluster with its couplings given and the work arrays
    passed in; the same arithmetic in the same order. True when the projection held."""
    for p in range(m):
        i_p, j_p = pairs[c0 + p, 0], pairs[c0 + p, 1]
        dot = 0.0
        for d in range(3):
            bond[p, d] = pos[i_p, d] - pos[j_p, d]
            dot += bond[p, d] * (vel[i_p, d] - vel[j_p, d])
        rhs[p] = dot
    for p in range(m):
        for q in range(m):
            rr = 0.0
            for d in range(3):
                rr += bond[p, d] * bond[q, d]
            mat[p, q] = rr * coupling[offset + p * m + q]
    _solve(mat, rhs, m)
    for q in range(m):
        i_q, j_q = pairs[c0 + q, 0], pairs[c0 + q, 1]
        for d in range(3):
            vel[i_q, d] -= rhs[q] * bond[q, d] * inv_mass[i_q]
            vel[j_q, d] += rhs[q] * bond[q, d] * inv_mass[j_q]
    held = True
    for p in range(m):
        i_p, j_p = pairs[c0 + p, 0], pairs[c0 + p, 1]
        dot = 0.0
        r2 = 0.0
        for d in range(3):
            dot += bond[p, d] * (vel[i_p, d] - vel[j_p, d])
            r2 += bond[p, d] * bond[p, d]
        if not abs(dot) <= max(tol, 1e-9) * r2:
            held = False
    return held


@numba.njit(cache=True, error_model="numpy", inline="always")
def _bond(pos, pairs, row):
    i, j = pairs[row, 0], pairs[row, 1]
    return (pos[i, 0] - pos[j, 0], pos[i, 1] - pos[j, 1], pos[i, 2] - pos[j, 2])


@numba.njit(cache=True, error_model="numpy", inline="always")
def _bond_rate(vel, pairs, row, r):
    i, j = pairs[row, 0], pairs[row, 1]
    return r[0] * (vel[i, 0] - vel[j, 0]) + r[1] * (vel[i, 1] - vel[j, 1]) + r[2] * (vel[i, 2] - vel[j, 2])


@numba.njit(cache=True, error_model="numpy", inline="always")
def _remove(vel, inv_mass, pairs, row, lam, r):
    i, j = pairs[row, 0], pairs[row, 1]
    for d in range(3):
        vel[i, d] -= lam * r[d] * inv_mass[i]
        vel[j, d] += lam * r[d] * inv_mass[j]


@numba.njit(cache=True, error_model="numpy", inline="always")
def _project_three(pos, vel, pairs, inv_mass, c0, coupling, at, tol):
    """:func:`_project_cluster` for a 3-constraint cluster (rigid water, methyl) in registers,
    the 3 x 3 system solved by its adjugate. True when the projection held."""
    r0, r1, r2 = _bond(pos, pairs, c0), _bond(pos, pairs, c0 + 1), _bond(pos, pairs, c0 + 2)
    b0, b1, b2 = (
        _bond_rate(vel, pairs, c0, r0),
        _bond_rate(vel, pairs, c0 + 1, r1),
        _bond_rate(vel, pairs, c0 + 2, r2),
    )
    d00 = r0[0] * r0[0] + r0[1] * r0[1] + r0[2] * r0[2]
    d11 = r1[0] * r1[0] + r1[1] * r1[1] + r1[2] * r1[2]
    d22 = r2[0] * r2[0] + r2[1] * r2[1] + r2[2] * r2[2]
    d01 = r0[0] * r1[0] + r0[1] * r1[1] + r0[2] * r1[2]
    d02 = r0[0] * r2[0] + r0[1] * r2[1] + r0[2] * r2[2]
    d12 = r1[0] * r2[0] + r1[1] * r2[1] + r1[2] * r2[2]
    m00, m01, m02 = d00 * coupling[at], d01 * coupling[at + 1], d02 * coupling[at + 2]
    m10, m11, m12 = d01 * coupling[at + 3], d11 * coupling[at + 4], d12 * coupling[at + 5]
    m20, m21, m22 = d02 * coupling[at + 6], d12 * coupling[at + 7], d22 * coupling[at + 8]
    a00, a01, a02 = m11 * m22 - m12 * m21, m02 * m21 - m01 * m22, m01 * m12 - m02 * m11
    a10, a11, a12 = m12 * m20 - m10 * m22, m00 * m22 - m02 * m20, m02 * m10 - m00 * m12
    a20, a21, a22 = m10 * m21 - m11 * m20, m01 * m20 - m00 * m21, m00 * m11 - m01 * m10
    inv_det = 1.0 / (m00 * a00 + m01 * a10 + m02 * a20)
    lam0 = (a00 * b0 + a01 * b1 + a02 * b2) * inv_det
    lam1 = (a10 * b0 + a11 * b1 + a12 * b2) * inv_det
    lam2 = (a20 * b0 + a21 * b1 + a22 * b2) * inv_det
    _remove(vel, inv_mass, pairs, c0, lam0, r0)
    _remove(vel, inv_mass, pairs, c0 + 1, lam1, r1)
    _remove(vel, inv_mass, pairs, c0 + 2, lam2, r2)
    limit = max(tol, 1e-9)
    held = abs(_bond_rate(vel, pairs, c0, r0)) <= limit * d00
    held = held and abs(_bond_rate(vel, pairs, c0 + 1, r1)) <= limit * d11
    return held and abs(_bond_rate(vel, pairs, c0 + 2, r2)) <= limit * d22


def rattle_velocities_blocked(pos, vel, pairs, inv_mass, cluster_start, coupling, offsets, tol, n_chunks):
    """:func:`rattle_velocities` with the couplings precomputed (:func:`cluster_couplings`) and
    one set of work arrays per chunk of clusters instead of per cluster. Returns 1, or -1
    when a cluster's projection did not hold."""
    n_clusters = cluster_start.shape[0] - 1
    m_max = 1
    for k in range(n_clusters):
        m_max = max(m_max, cluster_start[k + 1] - cluster_start[k])
    failed = np.zeros(n_chunks, dtype=np.int64)
    for t in numba.prange(n_chunks):
        mat = np.empty((m_max, m_max))
        rhs = np.empty(m_max)
        bond = np.empty((m_max, 3))
        for k in range(t * n_clusters // n_chunks, (t + 1) * n_clusters // n_chunks):
            c0 = cluster_start[k]
            m = cluster_start[k + 1] - c0
            at = offsets[k]
            if m == 3:  # rigid waters and methyls
                held = _project_three(pos, vel, pairs, inv_mass, c0, coupling, at, tol)
            else:
                held = _project_cluster(pos, vel, pairs, inv_mass, c0, m, coupling, at, mat, rhs, bond, tol)
            if not held:
                failed[t] = 1
    return -1 if failed.max() > 0 else 1


shake_parallel, shake_serial = compile_variants(shake, error_model="numpy")
rattle_blocked_parallel, rattle_blocked_serial = compile_variants(
    rattle_velocities_blocked, error_model="numpy"
)
rattle_velocities_parallel, rattle_velocities_serial = compile_variants(
    rattle_velocities, error_model="numpy"
)
