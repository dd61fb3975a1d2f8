"""Energy minimisation: a few steepest-descent steps, then L-BFGS (scipy)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize


def minimise(
    provider,
    positions: np.ndarray,
    box: np.ndarray | None,
    sd_steps: int = 50,
    max_iterations: int = 500,
    tolerance: float = 10.0,
) -> tuple[np.ndarray, float, float]:
    """Lower the energy of ``positions``; returns (positions, energy, largest force).

    >>> from mstool.toolkit.md.forces.bonded import HarmonicBondForce
    >>> f = HarmonicBondForce(np.array([[0, 1]]), np.array([1000.0]), np.array([0.1]))
    >>> pos, e, fmax = minimise(f, np.array([[0.0, 0, 0], [0.15, 0, 0]]), None, tolerance=1e-3)
    >>> e < 1e-3
    True
    """
    pos = np.array(positions, dtype=float)
    energy, forces = provider.energy_forces(pos, box)
    step = 0.01  # nm, adaptive
    for _ in range(sd_steps):
        fmax = float(np.abs(forces).max())
        if fmax < tolerance:
            break
        trial = pos + forces * (step / fmax)
        e_trial, f_trial = provider.energy_forces(trial, box)
        if np.isfinite(e_trial) and e_trial < energy:
            pos, energy, forces = trial, e_trial, f_trial
            step *= 1.2
        else:
            step *= 0.5
    shape = pos.shape

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        # A copy: the provider may place virtual sites in the array it is given.
        e, f = provider.energy_forces(x.reshape(shape).copy(), box)
        return float(e), -f.ravel()

    if max_iterations > 0:
        result = minimize(
            fun,
            pos.ravel(),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": max_iterations, "gtol": tolerance},
        )
        if result.fun <= energy:
            pos = result.x.reshape(shape)
    energy, forces = provider.energy_forces(pos, box)
    return pos, float(energy), float(np.abs(forces).max())
