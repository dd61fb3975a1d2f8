"""CMAP correction maps: bicubic interpolation of an energy grid over (phi, psi).

Grid derivatives come from periodic cubic splines along each axis (as OpenMM does);
``grid[i, j]`` is the energy at phi = -pi + i h, psi = -pi + j h, h = 2 pi / n.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import CubicSpline

from mstool.toolkit.md.kernels.bonded import dihedral_angles

# Inverse of the bicubic system (Numerical Recipes' weight matrix).
_WT = np.array(
    [
        [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
        [-3, 0, 0, 3, 0, 0, 0, 0, -2, 0, 0, -1, 0, 0, 0, 0],
        [2, 0, 0, -2, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0, -3, 0, 0, 3, 0, 0, 0, 0, -2, 0, 0, -1],
        [0, 0, 0, 0, 2, 0, 0, -2, 0, 0, 0, 0, 1, 0, 0, 1],
        [-3, 3, 0, 0, -2, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, -3, 3, 0, 0, -2, -1, 0, 0],
        [9, -9, 9, -9, 6, 3, -3, -6, 6, -6, -3, 3, 4, 2, 1, 2],
        [-6, 6, -6, 6, -4, -2, 2, 4, -3, 3, 3, -3, -2, -1, -1, -2],
        [2, -2, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 2, -2, 0, 0, 1, 1, 0, 0],
        [-6, 6, -6, 6, -3, -3, 3, 3, -4, 4, 2, -2, -2, -2, -1, -1],
        [4, -4, 4, -4, 2, 2, -2, -2, 2, -2, -2, 2, 1, 1, 1, 1],
    ],
    dtype=float,
)


def _periodic_derivative(values: np.ndarray, h: float, axis: int) -> np.ndarray:
    n = values.shape[axis]
    x = np.arange(n + 1) * h
    closed = np.concatenate([values, np.take(values, [0], axis=axis)], axis=axis)
    spline = CubicSpline(x, closed, axis=axis, bc_type="periodic")
    return np.take(spline(x, 1), np.arange(n), axis=axis)


def patch_coefficients(grid: np.ndarray) -> np.ndarray:
    """Bicubic coefficients c[i, j, 4, 4] for each grid patch (local coords in units of h).

    >>> grid = np.cos(np.linspace(-np.pi, np.pi, 24, endpoint=False))[:, None] * np.ones(24)
    >>> c = patch_coefficients(grid)
    >>> bool(abs(c[3, 5, 0, 0] - grid[3, 5]) < 1e-12)
    True
    """
    n = grid.shape[0]
    h = 2.0 * math.pi / n
    d1 = _periodic_derivative(grid, h, 0)
    d2 = _periodic_derivative(grid, h, 1)
    d12 = _periodic_derivative(d1, h, 1)
    coeffs = np.empty((n, n, 4, 4))
    for i in range(n):
        for j in range(n):
            corners = [(i, j), ((i + 1) % n, j), ((i + 1) % n, (j + 1) % n), (i, (j + 1) % n)]
            vec = np.array(
                [grid[c] for c in corners]
                + [d1[c] * h for c in corners]
                + [d2[c] * h for c in corners]
                + [d12[c] * h * h for c in corners]
            )
            coeffs[i, j] = (_WT @ vec).reshape(4, 4)
    return coeffs


class CMAPForce:
    """Sum of CMAP corrections over (phi, psi) torsion pairs given by 5 atoms each."""

    energy_groups = ("cmap",)

    def __init__(self, atoms: np.ndarray, map_index: np.ndarray, grids: list[np.ndarray]) -> None:
        self.atoms = np.ascontiguousarray(atoms, dtype=np.int64)
        self.map_index = np.asarray(map_index, dtype=np.int64)
        self.coeffs = [patch_coefficients(np.asarray(g, dtype=float)) for g in grids]
        self.sizes = [np.asarray(g).shape[0] for g in grids]

    def _value(self, k: int, phi: float, psi: float) -> tuple[float, float, float]:
        n = self.sizes[k]
        h = 2.0 * math.pi / n
        u = (phi + math.pi) / h
        v = (psi + math.pi) / h
        i, j = int(math.floor(u)) % n, int(math.floor(v)) % n
        t, s = u - math.floor(u), v - math.floor(v)
        c = self.coeffs[k][i, j]
        tp, sp = t ** np.arange(4), s ** np.arange(4)
        dtp = np.array([0.0, 1.0, 2 * t, 3 * t * t])
        dsp = np.array([0.0, 1.0, 2 * s, 3 * s * s])
        return float(tp @ c @ sp), float(dtp @ c @ sp) / h, float(tp @ c @ dsp) / h

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; the forces are added into ``forces``."""
        phis = dihedral_angles(positions, np.ascontiguousarray(self.atoms[:, :4]))
        psis = dihedral_angles(positions, np.ascontiguousarray(self.atoms[:, 1:]))
        energy = 0.0
        for term, (phi, psi) in enumerate(zip(phis, psis, strict=True)):
            e, de_dphi, de_dpsi = self._value(int(self.map_index[term]), phi, psi)
            energy += e
            _add_torsion_force(positions, self.atoms[term, :4], de_dphi, forces)
            _add_torsion_force(positions, self.atoms[term, 1:], de_dpsi, forces)
        return energy


def _add_torsion_force(pos: np.ndarray, quad: np.ndarray, de_dphi: float, forces: np.ndarray) -> None:
    i, j, k, m = quad
    b1, b2, b3 = pos[j] - pos[i], pos[k] - pos[j], pos[m] - pos[k]
    c1, c2 = np.cross(b1, b2), np.cross(b2, b3)
    rb2 = float(np.linalg.norm(b2))
    n1, n2 = float(c1 @ c1), float(c2 @ c2)
    f_i = de_dphi * rb2 / n1 * c1
    f_l = -de_dphi * rb2 / n2 * c2
    p, q = float(b1 @ b2) / rb2**2, float(b3 @ b2) / rb2**2
    forces[i] += f_i
    forces[m] += f_l
    forces[j] += -f_i - p * f_i + q * f_l
    forces[k] += -f_l + p * f_i - q * f_l
