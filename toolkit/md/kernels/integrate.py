"""Numba CPU kernels for the integrator's per-atom moves: kick, drift and the velocity change
that a position constraint implies (the O step's friction + noise is in :mod:`.noise`).

Each does in one pass what the numpy formulation does in several (with temporaries), with the
same operations in the same order, so the results are the same to the last bit; atoms are
independent, so the ``_parallel`` builds (chosen by :func:`~.pick` for large systems) give the
same numbers as the ``_serial`` ones.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from mstool.toolkit.md.kernels import PARALLEL_MIN_ATOMS, compile_variants


def kick(vel, forces, inv_mass, h):
    """``vel += h * forces * inv_mass`` (``inv_mass`` per atom)."""
    for i in numba.prange(vel.shape[0]):
        for d in range(3):
            vel[i, d] += h * forces[i, d] * inv_mass[i]


def drift(pos, vel, h, old):
    """``old[:] = pos`` then ``pos += vel * h``."""
    for i in numba.prange(pos.shape[0]):
        for d in range(3):
            old[i, d] = pos[i, d]
            pos[i, d] += vel[i, d] * h


def constraint_velocity(pos, unconstrained, vel, h):
    """``vel += (pos - unconstrained) / h``: the velocity of the constraint displacement."""
    for i in numba.prange(pos.shape[0]):
        for d in range(3):
            vel[i, d] += (pos[i, d] - unconstrained[i, d]) / h


kick_parallel, kick_serial = compile_variants(kick, error_model="numpy")
drift_parallel, drift_serial = compile_variants(drift, error_model="numpy")
constraint_velocity_parallel, constraint_velocity_serial = compile_variants(
    constraint_velocity, error_model="numpy"
)


def scan_chunks(positions, forces, velocities, n_chunks, bad, fastest, top):
    """Per chunk of atoms: the first atom with a non-finite position, force or velocity (or
    -1), the atom of the largest speed (the first of equals) and its squared speed."""
    n = positions.shape[0]
    for t in numba.prange(n_chunks):
        bad[t] = -1
        fastest[t] = 0
        top[t] = -1.0
        for i in range(t * n // n_chunks, (t + 1) * n // n_chunks):
            v2 = 0.0
            ok = True
            for d in range(3):
                ok = ok and math.isfinite(positions[i, d]) and math.isfinite(forces[i, d])
                ok = ok and math.isfinite(velocities[i, d])
                v2 += velocities[i, d] * velocities[i, d]
            if not ok and bad[t] < 0:
                bad[t] = i
            if v2 > top[t]:
                top[t] = v2
                fastest[t] = i


scan_chunks_parallel, scan_chunks_serial = compile_variants(scan_chunks, error_model="numpy")


def scan_state(positions, forces, velocities):
    """(first atom with a non-finite position, force or velocity, or -1; atom of the largest
    speed, the first of equals; its squared speed), in one pass, shared by the threads for
    large systems (the same answer either way).

    >>> pos = np.zeros((4, 3)); vel = np.zeros((4, 3)); vel[2, 0] = 3.0; pos[3, 1] = np.nan
    >>> scan_state(pos, pos, vel)
    (3, 2, 9.0)
    """
    if positions.shape[0] >= PARALLEL_MIN_ATOMS and numba.get_num_threads() > 1:
        kernel, n_chunks = scan_chunks_parallel, 4 * numba.get_num_threads()
    else:
        kernel, n_chunks = scan_chunks_serial, 1
    bad = np.empty(n_chunks, dtype=np.int64)
    fastest = np.empty(n_chunks, dtype=np.int64)
    top = np.empty(n_chunks)
    kernel(positions, forces, velocities, n_chunks, bad, fastest, top)
    first_bad = next((int(b) for b in bad if b >= 0), -1)
    best = int(np.argmax(top))  # the first chunk of the largest speed, as a serial scan finds
    return first_bad, int(fastest[best]), float(top[best])
