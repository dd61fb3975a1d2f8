"""Numba CPU kernels for bonded terms: harmonic bonds, harmonic angles, periodic torsions.

Kernels use numpy's error model (no Python zero-division checks in inner loops).
Each kernel adds forces into ``forces`` (in place) and returns the energy.
"""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, error_model="numpy")
def harmonic_bonds(pos, atoms, k, r0, forces):
    """E = sum k (r - r0)^2 over bonds; forces accumulated into ``forces``."""
    energy = 0.0
    for b in range(atoms.shape[0]):
        i, j = atoms[b, 0], atoms[b, 1]
        dx = pos[j, 0] - pos[i, 0]
        dy = pos[j, 1] - pos[i, 1]
        dz = pos[j, 2] - pos[i, 2]
        r = math.sqrt(dx * dx + dy * dy + dz * dz)
        dr = r - r0[b]
        energy += k[b] * dr * dr
        if r > 0.0:
            coef = -2.0 * k[b] * dr / r
            forces[j, 0] += coef * dx
            forces[j, 1] += coef * dy
            forces[j, 2] += coef * dz
            forces[i, 0] -= coef * dx
            forces[i, 1] -= coef * dy
            forces[i, 2] -= coef * dz
    return energy


@numba.njit(cache=True, error_model="numpy")
def harmonic_angles(pos, atoms, k, theta0, forces):
    """E = sum k (theta - theta0)^2 over angles i-j-k (j the vertex)."""
    energy = 0.0
    for a in range(atoms.shape[0]):
        i, j, m = atoms[a, 0], atoms[a, 1], atoms[a, 2]
        u = pos[i] - pos[j]
        v = pos[m] - pos[j]
        ru = math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2])
        rv = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        cos_t = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (ru * rv)
        cos_t = min(1.0, max(-1.0, cos_t))
        theta = math.acos(cos_t)
        dt = theta - theta0[a]
        energy += k[a] * dt * dt
        sin_t = math.sqrt(max(1.0 - cos_t * cos_t, 1e-24))
        # dE/dtheta * dtheta/dcos = 2 k dt * (-1/sin)
        de_dcos = -2.0 * k[a] * dt / sin_t
        for d in range(3):
            dcos_du = v[d] / (ru * rv) - cos_t * u[d] / (ru * ru)
            dcos_dv = u[d] / (ru * rv) - cos_t * v[d] / (rv * rv)
            fi = -de_dcos * dcos_du
            fm = -de_dcos * dcos_dv
            forces[i, d] += fi
            forces[m, d] += fm
            forces[j, d] -= fi + fm
    return energy


@numba.njit(cache=True, error_model="numpy")
def periodic_torsions(pos, atoms, k, periodicity, phase, forces):
    """E = sum k (1 + cos(n phi - phase)) over torsions i-j-k-l (proper and improper)."""
    energy = 0.0
    for t in range(atoms.shape[0]):
        i, j, m, n4 = atoms[t, 0], atoms[t, 1], atoms[t, 2], atoms[t, 3]
        b1 = pos[j] - pos[i]
        b2 = pos[m] - pos[j]
        b3 = pos[n4] - pos[m]
        c1 = np.cross(b1, b2)
        c2 = np.cross(b2, b3)
        n1 = c1[0] * c1[0] + c1[1] * c1[1] + c1[2] * c1[2]
        n2 = c2[0] * c2[0] + c2[1] * c2[1] + c2[2] * c2[2]
        rb2 = math.sqrt(b2[0] * b2[0] + b2[1] * b2[1] + b2[2] * b2[2])
        if n1 < 1e-30 or n2 < 1e-30:
            continue
        x = c1[0] * c2[0] + c1[1] * c2[1] + c1[2] * c2[2]
        cc = np.cross(c1, c2)
        y = (cc[0] * b2[0] + cc[1] * b2[1] + cc[2] * b2[2]) / rb2
        phi = math.atan2(y, x)
        n = periodicity[t]
        energy += k[t] * (1.0 + math.cos(n * phi - phase[t]))
        de_dphi = -k[t] * n * math.sin(n * phi - phase[t])
        # Standard torsion gradient (Blondel & Karplus form).
        f_i = de_dphi * rb2 / n1 * c1
        f_l = -de_dphi * rb2 / n2 * c2
        p = (b1[0] * b2[0] + b1[1] * b2[1] + b1[2] * b2[2]) / (rb2 * rb2)
        q = (b3[0] * b2[0] + b3[1] * b2[1] + b3[2] * b2[2]) / (rb2 * rb2)
        for d in range(3):
            forces[i, d] += f_i[d]
            forces[n4, d] += f_l[d]
            forces[j, d] += -f_i[d] - p * f_i[d] + q * f_l[d]
            forces[m, d] += -f_l[d] + p * f_i[d] - q * f_l[d]
    return energy


@numba.njit(cache=True, error_model="numpy")
def dihedral_angles(pos, atoms):
    """Dihedral angles (radians, -pi..pi) of the given atom quadruples."""
    out = np.empty(atoms.shape[0])
    for t in range(atoms.shape[0]):
        b1 = pos[atoms[t, 1]] - pos[atoms[t, 0]]
        b2 = pos[atoms[t, 2]] - pos[atoms[t, 1]]
        b3 = pos[atoms[t, 3]] - pos[atoms[t, 2]]
        c1 = np.cross(b1, b2)
        c2 = np.cross(b2, b3)
        rb2 = math.sqrt(b2[0] * b2[0] + b2[1] * b2[1] + b2[2] * b2[2])
        cc = np.cross(c1, c2)
        x = c1[0] * c2[0] + c1[1] * c2[1] + c1[2] * c2[2]
        y = (cc[0] * b2[0] + cc[1] * b2[1] + cc[2] * b2[2]) / rb2
        out[t] = math.atan2(y, x)
    return out


@numba.njit(cache=True, error_model="numpy")
def harmonic_impropers(pos, atoms, k, psi0, forces):
    """E = sum k (psi - psi0)^2 over CHARMM impropers i-j-k-l, psi - psi0 taken in (-pi, pi]."""
    energy = 0.0
    for t in range(atoms.shape[0]):
        i, j, m, n4 = atoms[t, 0], atoms[t, 1], atoms[t, 2], atoms[t, 3]
        b1 = pos[j] - pos[i]
        b2 = pos[m] - pos[j]
        b3 = pos[n4] - pos[m]
        c1 = np.cross(b1, b2)
        c2 = np.cross(b2, b3)
        n1 = c1[0] * c1[0] + c1[1] * c1[1] + c1[2] * c1[2]
        n2 = c2[0] * c2[0] + c2[1] * c2[1] + c2[2] * c2[2]
        rb2 = math.sqrt(b2[0] * b2[0] + b2[1] * b2[1] + b2[2] * b2[2])
        if n1 < 1e-30 or n2 < 1e-30:
            continue
        x = c1[0] * c2[0] + c1[1] * c2[1] + c1[2] * c2[2]
        cc = np.cross(c1, c2)
        y = (cc[0] * b2[0] + cc[1] * b2[1] + cc[2] * b2[2]) / rb2
        delta = math.atan2(y, x) - psi0[t]
        delta -= 2.0 * math.pi * math.floor(delta / (2.0 * math.pi) + 0.5)
        energy += k[t] * delta * delta
        de_dphi = 2.0 * k[t] * delta
        f_i = de_dphi * rb2 / n1 * c1
        f_l = -de_dphi * rb2 / n2 * c2
        p = (b1[0] * b2[0] + b1[1] * b2[1] + b1[2] * b2[2]) / (rb2 * rb2)
        q = (b3[0] * b2[0] + b3[1] * b2[1] + b3[2] * b2[2]) / (rb2 * rb2)
        for d in range(3):
            forces[i, d] += f_i[d]
            forces[n4, d] += f_l[d]
            forces[j, d] += -f_i[d] - p * f_i[d] + q * f_l[d]
            forces[m, d] += -f_l[d] + p * f_i[d] - q * f_l[d]
    return energy
