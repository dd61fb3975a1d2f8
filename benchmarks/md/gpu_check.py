"""GPU check for mstool simulate: numba.cuda pair forces and kick/drift vs the CPU kernels.

Builds a TIP3P box (about 24,000 atoms), compares PME-direct forces from the CUDA and CPU
pair kernels (max error), times both, and exits non-zero on a mismatch. No TensorFlow.
Run: python benchmarks/md/gpu_check.py
"""

from __future__ import annotations

import sys
import time

import numpy as np


def _time(fn, repeats: int = 5) -> float:
    fn()
    best = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best.append(time.perf_counter() - t0)
    return float(np.median(best))


def _time_device_kernel(cuda_module, args) -> float:
    """Median time of the pair kernel alone, inputs resident on the device."""
    from numba import cuda

    n = args[0].shape[0]
    device_args = [cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in args]
    forces = cuda.device_array((n, 3))
    energies = cuda.device_array((n, 2))
    blocks = (n + 127) // 128

    def launch() -> None:
        cuda_module._pair_kernel[blocks, 128](*device_args, forces, energies)
        cuda.synchronize()

    return _time(launch)


def main() -> int:
    if not hasattr(np, "row_stack"):
        # numba-cuda releases built against numpy < 2.5 still register an overload of
        # np.row_stack at import time; give them the alias numpy removed.
        np.row_stack = np.vstack
    from mstool.toolkit.md.builders import tip3p_box
    from mstool.toolkit.md.forces.nonbonded import NonbondedForce, NonbondedSettings
    from mstool.toolkit.md.kernels import cuda, nonbonded

    if not cuda.available():
        print("numba.cuda: no GPU available")
        return 2
    water = tip3p_box(20)  # 8,000 waters, 24,000 atoms, 6.2 nm box
    term = NonbondedForce(water, NonbondedSettings(method="pme", cutoff=0.9))
    table, counts = term.neighbors.get(water.positions, water.box)
    args = (
        water.positions,
        water.box,
        True,
        table,
        counts,
        term.charges,
        term.types,
        term.lj_a,
        term.lj_b,
        term.params,
        *term.ewald_tables,
    )
    f_cpu = np.zeros_like(water.positions)
    f_gpu = np.zeros_like(water.positions)
    e_cpu = nonbonded.pair_forces_parallel(*args, f_cpu)
    e_gpu = cuda.pair_forces(*args, f_gpu)
    force_err = float(np.abs(f_cpu - f_gpu).max())
    energy_err = abs(sum(e_cpu) - sum(e_gpu)) / abs(sum(e_cpu))
    t_cpu = _time(lambda: nonbonded.pair_forces_parallel(*args, np.zeros_like(water.positions)))
    t_gpu = _time(lambda: cuda.pair_forces(*args, np.zeros_like(water.positions)))
    t_kernel = _time_device_kernel(cuda, args)
    pos, vel = water.positions.copy(), np.ones_like(water.positions)
    inv_m = 1.0 / water.masses
    ref_v = vel + 0.001 * f_cpu * inv_m[:, None]
    ref_x = pos + 0.002 * ref_v
    cuda.kick_drift(pos, vel, f_cpu, inv_m, 0.001, 0.002)
    update_err = float(max(np.abs(vel - ref_v).max(), np.abs(pos - ref_x).max()))
    print(f"{'check':<28}{'value':>14}")
    print(f"{'atoms':<28}{water.n_atoms:>14d}")
    print(f"{'pair energy rel. error':<28}{energy_err:>14.2e}")
    print(f"{'pair force max abs error':<28}{force_err:>14.2e}  kJ/mol/nm")
    print(f"{'kick/drift max abs error':<28}{update_err:>14.2e}")
    print(f"{'CPU pair kernel (s)':<28}{t_cpu:>14.4f}")
    print(f"{'CUDA pair kernel (s)':<28}{t_gpu:>14.4f}  (incl. host<->device copies)")
    print(f"{'CUDA kernel only (s)':<28}{t_kernel:>14.4f}  (arrays already on the GPU)")
    print(f"{'speed-up (with copies)':<28}{t_cpu / t_gpu:>14.2f}x")
    print(f"{'speed-up (kernel only)':<28}{t_cpu / t_kernel:>14.2f}x")
    ok = force_err < 1e-6 and energy_err < 1e-10 and update_err < 1e-12
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
