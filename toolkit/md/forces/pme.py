"""Smooth particle-mesh Ewald: parameters from an error tolerance (as OpenMM chooses them)
and the reciprocal-space energy and forces with numpy FFTs.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import scipy.fft

from mstool.toolkit.backend import use_parallel
from mstool.toolkit.errors import InputError
from mstool.toolkit.md.box import box_volume
from mstool.toolkit.md.kernels import pick
from mstool.toolkit.md.kernels import pme as kernels

# Below this many grid points one FFT thread beats several (measured: 27x27x26 is slower on 2).
FFT_THREADS_MIN_POINTS = 100_000


def legal_fft_size(minimum: int) -> int:
    """Smallest n >= minimum whose only prime factors are 2, 3, 5 and 7.

    >>> legal_fft_size(26), legal_fft_size(121)
    (27, 125)
    """
    n = max(1, minimum)
    while True:
        rest = n
        for factor in (2, 3, 5, 7):
            while rest % factor == 0:
                rest //= factor
        if rest == 1:
            return n
        n += 1


def pme_parameters(cutoff: float, box: np.ndarray, tolerance: float) -> tuple[float, list[int]]:
    """Ewald alpha (1/nm) and grid size from an error tolerance, OpenMM's formulas.

    The grid is ``ceil(2 alpha L / (3 tol^(1/5)))`` per edge, the size OpenMM's
    Reference platform reports; numpy's FFT takes any size.

    >>> alpha, grid = pme_parameters(1.0, np.array([3.2852863, 3.2861648, 3.1855098]), 5e-4)
    >>> round(alpha, 6), grid
    (2.628261, [27, 27, 26])
    """
    alpha = math.sqrt(-math.log(2.0 * tolerance)) / cutoff
    grid = [max(1, math.ceil(2.0 * alpha * edge / (3.0 * tolerance**0.2))) for edge in box]
    return alpha, grid


def bspline_moduli(size: int, order: int) -> np.ndarray:
    """|sum_k M_p(k+1) exp(2 pi i m k / K)|^2 for m = 0..K-1, zeros patched like OpenMM."""
    values = np.zeros(order)
    derivs = np.zeros(order)
    kernels.bspline_weights(0.0, order, values, derivs)
    # values[m] = M_p(m); the sum runs over M_p(k + 1), k = 0..p-2.
    data = np.zeros(size)
    for k in range(order - 1):
        data[k] = values[k + 1]
    moduli = np.abs(np.fft.fft(data)) ** 2
    for m in range(size):
        if moduli[m] < 1e-7:
            moduli[m] = 0.5 * (moduli[(m - 1) % size] + moduli[(m + 1) % size])
    return moduli


class PMEReciprocal:
    """Reciprocal-space Ewald sum on a ``grid`` with B-splines of ``order`` (4 or 5)."""

    def __init__(self, alpha: float, grid: list[int], order: int, coulomb: float) -> None:
        if not 2 <= order <= kernels.LANES:
            raise InputError(f"nonbonded.pme_order: {order} is not supported; use 2 to {kernels.LANES}")
        self.alpha = alpha
        self.grid = np.asarray(grid, dtype=np.int64)
        self.order = order
        self.coulomb = coulomb
        self._influence_box: np.ndarray | None = None
        self._influence: np.ndarray | None = None
        self.moduli = [bspline_moduli(int(n), order) for n in self.grid]
        self._buffer_key: tuple[int, int] | None = None
        self._buffers_cache: dict[str, np.ndarray] = {}
        self._fractional_cache: dict[str, np.ndarray] | None = None

    def _influence_function(self, box: np.ndarray) -> np.ndarray:
        if self._influence_box is not None and np.array_equal(box, self._influence_box):
            return self._influence
        kx, ky, kz = self.grid
        mx = np.fft.fftfreq(kx, d=1.0 / kx)
        my = np.fft.fftfreq(ky, d=1.0 / ky)
        mz = np.arange(kz // 2 + 1, dtype=float)
        if np.ndim(box) == 2:
            # Wave vector m1 a* + m2 b* + m3 c*, the reciprocal vectors being the columns of box^-1.
            recip = np.linalg.inv(box)
            m2 = np.zeros((kx, ky, kz // 2 + 1))
            for d in range(3):
                component = (
                    mx[:, None, None] * recip[d, 0]
                    + my[None, :, None] * recip[d, 1]
                    + mz[None, None, :] * recip[d, 2]
                )
                m2 += component * component
        else:
            mx, my, mz = mx / box[0], my / box[1], mz / box[2]
            m2 = mx[:, None, None] ** 2 + my[None, :, None] ** 2 + mz[None, None, :] ** 2
        m2[0, 0, 0] = 1.0
        volume = box_volume(box)
        b = (
            self.moduli[0][:, None, None]
            * self.moduli[1][None, :, None]
            * self.moduli[2][None, None, : kz // 2 + 1]
        )
        influence = np.exp(-(math.pi**2) * m2 / self.alpha**2) / (m2 * b)
        influence[0, 0, 0] = 0.0
        # phi = (Ntot / (pi V)) * irfftn(C * rfftn(Q)), times the Coulomb constant.
        influence *= self.coulomb * float(kx * ky * kz) / (math.pi * volume)
        self._influence_box = np.array(box, dtype=float)
        self._influence = influence
        return influence

    def _buffers(self, n_atoms: int, chunks: int) -> dict[str, np.ndarray]:
        """Work arrays kept between steps: fresh large arrays cost page faults on every call."""
        key = (n_atoms, chunks)
        if self._buffer_key != key:
            order, grid = self.order, tuple(int(k) for k in self.grid)
            padded = (grid[0] + order - 1, grid[1] + order - 1, grid[2] + kernels.LANES - 1)
            self._buffers_cache = {
                "start": np.empty((n_atoms, 3), dtype=np.int64),
                "theta": np.empty((n_atoms, 3, kernels.LANES)),
                "dtheta": np.empty((n_atoms, 3, kernels.LANES)),
                "grids": np.empty((chunks, *padded)),
                "q_grid": np.empty(grid),
                "potential": np.empty(padded),
            }
            self._buffer_key = key
        return self._buffers_cache

    def energy_forces(
        self, positions: np.ndarray, box: np.ndarray, charges: np.ndarray, forces: np.ndarray
    ) -> float:
        """Reciprocal energy; forces are added into ``forces``."""
        if np.ndim(box) == 2:
            return self._triclinic_energy_forces(positions, box, charges, forces)
        return self._mesh_energy_forces(positions, box, charges, forces, self._influence_function(box))

    def _triclinic_energy_forces(
        self, positions: np.ndarray, box: np.ndarray, charges: np.ndarray, forces: np.ndarray
    ) -> float:
        """The mesh sum in fractional coordinates s = r box^-1 (a unit cube to the kernels);
        fractional forces -dE/ds map back to Cartesian ones through box^-T."""
        n = len(charges)
        recip = np.linalg.inv(box)
        buf = self._triclinic_buffers(n)
        fractional, frac_forces = buf["fractional"], buf["frac_forces"]
        kernels.fractional_positions(positions, recip, fractional)
        frac_forces[:] = 0.0
        influence = self._influence_function(box)
        energy = self._mesh_energy_forces(fractional, np.ones(3), charges, frac_forces, influence)
        kernels.add_cartesian_forces(frac_forces, recip, forces)
        return energy

    def _triclinic_buffers(self, n_atoms: int) -> dict[str, np.ndarray]:
        """Fractional positions and forces, kept between steps."""
        kept = self._fractional_cache
        if kept is None or len(kept["fractional"]) != n_atoms:
            kept = {"fractional": np.empty((n_atoms, 3)), "frac_forces": np.empty((n_atoms, 3))}
            self._fractional_cache = kept
        return kept

    def _mesh_energy_forces(
        self, positions: np.ndarray, box: np.ndarray, charges: np.ndarray, forces: np.ndarray, influence
    ) -> float:
        """Spread, transform, multiply by ``influence``, transform back and gather (edges ``box``)."""
        n = len(charges)
        spread = pick(kernels, "spread_padded", n)
        chunks = numba.get_num_threads() if spread is kernels.spread_padded_parallel else 1
        buf = self._buffers(n, chunks)
        start, theta, dtheta = buf["start"], buf["theta"], buf["dtheta"]
        splines = kernels.spline_chunks_parallel if chunks > 1 else kernels.spline_chunks_serial
        splines(positions, box, self.grid, self.order, start, theta, dtheta, chunks)
        spread(charges, start, theta, self.order, buf["grids"])
        q_grid = buf["q_grid"]
        # Grid passes share the threads on large grids only (DHFR's, not ala2_tip3p's 27x27x26).
        by_grid = "_parallel" if use_parallel(q_grid.size, FFT_THREADS_MIN_POINTS) else "_serial"
        getattr(kernels, "fold_padding" + by_grid)(buf["grids"][0], self.order, q_grid)
        workers = numba.get_num_threads() if q_grid.size >= FFT_THREADS_MIN_POINTS else 1
        transformed = scipy.fft.rfftn(q_grid, workers=workers)
        transformed *= influence
        potential = scipy.fft.irfftn(transformed, s=q_grid.shape, overwrite_x=True, workers=workers)
        energy = 0.5 * getattr(kernels, "grid_dot" + by_grid)(q_grid, potential)
        pick(kernels, "pad_periodic", n)(potential, self.order, buf["potential"])
        gather = pick(kernels, "gather_padded", n)
        gather(buf["potential"], box, charges, self.grid, start, theta, dtheta, self.order, forces)
        return energy
