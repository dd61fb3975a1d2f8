"""Numba CPU kernels for the integrator's per-atom moves: kick, drift, the velocity change that
a position constraint implies (the O step's friction + noise is in :mod:`.noise`).

Each does in one pass what the numpy formulation does in several (with temporaries), with the
same operations in the same order, so the results are the same to the last bit.
"""

from __future__ import annotations

import numba


@numba.njit(cache=True, error_model="numpy")
def kick(vel, forces, inv_mass, h):
    """``vel += h * forces * inv_mass`` (``inv_mass`` per atom)."""
    for i in range(vel.shape[0]):
        for d in range(3):
            vel[i, d] += h * forces[i, d] * inv_mass[i]


@numba.njit(cache=True, error_model="numpy")
def drift(pos, vel, h, old):
    """``old[:] = pos`` then ``pos += vel * h``."""
    for i in range(pos.shape[0]):
        for d in range(3):
            old[i, d] = pos[i, d]
            pos[i, d] += vel[i, d] * h


@numba.njit(cache=True, error_model="numpy")
def constraint_velocity(pos, unconstrained, vel, h):
    """``vel += (pos - unconstrained) / h``: the velocity of the constraint displacement."""
    for i in range(pos.shape[0]):
        for d in range(3):
            vel[i, d] += (pos[i, d] - unconstrained[i, d]) / h

