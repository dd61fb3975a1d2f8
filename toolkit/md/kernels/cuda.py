"""numba.cuda kernels: the nonbonded pair sum and the velocity/position updates.

Same signatures as the CPU kernels; run under ``NUMBA_ENABLE_CUDASIM=1`` for tests.
"""

from __future__ import annotations

import math

import numpy as np

from mstool.toolkit.backend import cuda_available
from mstool.toolkit.md.kernels.pairs import (
    COULOMB_CONSTANT,
    COULOMB_MODE,
    CUTOFF,
    EWALD,
    INV_TABLE_SPACING,
    REACTION_FIELD,
    RF_C,
    RF_K,
    SWITCH_DISTANCE,
)

try:
    from numba import cuda
except ImportError:  # pragma: no cover - numba without CUDA support
    cuda = None

_THREADS = 128


def available() -> bool:
    """True when numba.cuda can run kernels (a GPU, or the simulator): the shared probe."""
    return cuda is not None and cuda_available()


if cuda is not None:

    @cuda.jit
    def _pair_kernel(
        pos,
        box,
        periodic,
        table,
        counts,
        charges,
        types,
        lj_a,
        lj_b,
        params,
        table_g,
        table_dg,
        forces,
        energies,
    ):
        i = cuda.grid(1)
        if i >= pos.shape[0]:
            return
        rcut = params[CUTOFF]
        mode = int(params[COULOMB_MODE])
        inv_h = params[INV_TABLE_SPACING]
        k_rf = params[RF_K]
        c_rf = params[RF_C]
        kc = params[COULOMB_CONSTANT]
        rc2 = rcut * rcut if rcut > 0 else 1e300
        fx = 0.0
        fy = 0.0
        fz = 0.0
        ec = 0.0
        el = 0.0
        qi = charges[i] * kc
        ti = types[i]
        for s in range(counts[i]):
            j = table[i, s]
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            if periodic:
                dx -= box[0] * math.floor(dx / box[0] + 0.5)
                dy -= box[1] * math.floor(dy / box[1] + 0.5)
                dz -= box[2] * math.floor(dz / box[2] + 0.5)
            r2 = dx * dx + dy * dy + dz * dz
            if r2 >= rc2:
                continue
            inv_r2 = 1.0 / r2
            r = math.sqrt(r2)
            inv_r = 1.0 / r
            qq = qi * charges[j]
            if mode == EWALD:
                # Cubic Hermite lookup of erfc(alpha r) / r, the same table as the CPU kernels.
                x = r * inv_h
                k = int(x)
                t = x - k
                t2 = t * t
                h = 1.0 / inv_h
                value = (
                    (1.0 + 2.0 * t) * (1.0 - t) * (1.0 - t) * table_g[k]
                    + t * (1.0 - t) * (1.0 - t) * h * table_dg[k]
                    + t2 * (3.0 - 2.0 * t) * table_g[k + 1]
                    + t2 * (t - 1.0) * h * table_dg[k + 1]
                )
                slope = (
                    (6.0 * t2 - 6.0 * t) * (table_g[k] - table_g[k + 1]) * inv_h
                    + (3.0 * t2 - 4.0 * t + 1.0) * table_dg[k]
                    + (3.0 * t2 - 2.0 * t) * table_dg[k + 1]
                )
                e = qq * value
                f_over_r = -qq * slope * inv_r
            elif mode == REACTION_FIELD:
                e = qq * (inv_r + k_rf * r2 - c_rf)
                f_over_r = qq * (inv_r * inv_r2 - 2.0 * k_rf)
            else:
                e = qq * inv_r
                f_over_r = e * inv_r2
            ec += e
            a = lj_a[ti, types[j]]
            b = lj_b[ti, types[j]]
            inv_r6 = inv_r2 * inv_r2 * inv_r2
            el += (a * inv_r6 - b) * inv_r6
            f_over_r += (12.0 * a * inv_r6 - 6.0 * b) * inv_r6 * inv_r2
            fx += f_over_r * dx
            fy += f_over_r * dy
            fz += f_over_r * dz
        forces[i, 0] = fx
        forces[i, 1] = fy
        forces[i, 2] = fz
        energies[i, 0] = 0.5 * ec
        energies[i, 1] = 0.5 * el

    @cuda.jit
    def _kick_drift_kernel(pos, vel, forces, inv_mass, kick, drift):
        i = cuda.grid(1)
        if i >= pos.shape[0]:
            return
        for d in range(3):
            vel[i, d] += kick * forces[i, d] * inv_mass[i]
            pos[i, d] += drift * vel[i, d]


def pair_forces(
    pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, table_g, table_dg, forces
):
    """GPU version of :func:`mstool.toolkit.md.kernels.nonbonded.pair_forces` (full list).

    LJ switching is not implemented on the GPU; with a switch distance the CPU kernel runs.
    """
    n = pos.shape[0]
    if params[SWITCH_DISTANCE] > 0.0:
        from mstool.toolkit.md.kernels.nonbonded import pair_forces_serial

        return pair_forces_serial(
            pos, box, periodic, table, counts, charges, types, lj_a, lj_b, params, table_g, table_dg, forces
        )
    d_forces = cuda.device_array((n, 3), dtype=np.float64)
    d_energies = cuda.device_array((n, 2), dtype=np.float64)
    blocks = (n + _THREADS - 1) // _THREADS
    _pair_kernel[blocks, _THREADS](
        cuda.to_device(pos),
        cuda.to_device(box),
        periodic,
        cuda.to_device(table),
        cuda.to_device(counts),
        cuda.to_device(charges),
        cuda.to_device(types),
        cuda.to_device(lj_a),
        cuda.to_device(lj_b),
        cuda.to_device(params),
        cuda.to_device(table_g),
        cuda.to_device(table_dg),
        d_forces,
        d_energies,
    )
    forces[:] = d_forces.copy_to_host()
    energies = d_energies.copy_to_host()
    return float(energies[:, 0].sum()), float(energies[:, 1].sum())


def kick_drift(pos, vel, forces, inv_mass, kick, drift):
    """v += kick F/m, then x += drift v, on the GPU (arrays updated in place)."""
    n = pos.shape[0]
    d_pos, d_vel = cuda.to_device(pos), cuda.to_device(vel)
    blocks = (n + _THREADS - 1) // _THREADS
    _kick_drift_kernel[blocks, _THREADS](
        d_pos, d_vel, cuda.to_device(forces), cuda.to_device(inv_mass), float(kick), float(drift)
    )
    pos[:] = d_pos.copy_to_host()
    vel[:] = d_vel.copy_to_host()
