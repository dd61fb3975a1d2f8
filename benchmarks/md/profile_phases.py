"""Wall and CPU time (all threads) per step of each phase of an MD step: pair kernel, PME
parts, list check and rebuild, corrections, bonded terms, constraints, integrator moves.

Wraps the phases of a prepared simulation (the settings of bench_md.py) in timers, runs
``steps`` steps after a warm-up and prints one JSON document; the sum of the top-level phases
against the whole step shows the time spent between kernels. Run:

    NUMBA_NUM_THREADS=2 .venv/bin/python benchmarks/md/profile_phases.py trpzip2_truncoct 30
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_md  # noqa: E402
import numba  # noqa: E402
import scipy.fft  # noqa: E402

from mstool.schemas.md import SimulateRecipe  # noqa: E402
from mstool.toolkit.md import engine  # noqa: E402
from mstool.toolkit.md import integrators as integrator_module  # noqa: E402
from mstool.toolkit.md.forces import pme as pme_force  # noqa: E402
from mstool.toolkit.md.kernels import pme as pme_kernels  # noqa: E402

PME_PARTS = ("spline_chunks", "spread_padded", "fold_padding", "grid_dot", "pad_periodic", "gather_padded",
             "fractional_positions", "add_cartesian_forces")


class Timers:
    """Accumulated wall and process CPU seconds and calls per phase name."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - t0
                self.cpu[name] += time.process_time() - c0
                self.calls[name] += 1

        return timed

    def patch(self, owner, attribute: str, name: str) -> None:
        setattr(owner, attribute, self.wrap(name, getattr(owner, attribute)))

    def clear(self) -> None:
        self.wall.clear()
        self.cpu.clear()
        self.calls.clear()


def instrument(sim, timers: Timers) -> None:
    integ, ff = sim.integrator, sim.provider
    nb = ff.nonbonded
    for term in ff.terms:
        if term is not nb:
            timers.patch(term, "add_forces", "bonded " + type(term).__name__)
    timers.patch(nb.neighbors, "get", "list check + rebuild")
    timers.patch(nb.neighbors, "build", "  list rebuild")
    timers.patch(nb, "pair_kernel", "pair kernel")
    timers.patch(nb, "_corrections", "1-4 + exclusion corrections")
    if nb.pme is not None:
        timers.patch(nb.pme, "energy_forces", "PME")
        for name in dir(pme_kernels):
            if name.startswith(PME_PARTS):
                part = name.removesuffix("_parallel").removesuffix("_serial")
                timers.patch(pme_kernels, name, "  PME " + part)
        fft = type(sys)("timed_fft")
        fft.rfftn = timers.wrap("  PME FFT", scipy.fft.rfftn)
        fft.irfftn = timers.wrap("  PME FFT", scipy.fft.irfftn)
        pme_force.scipy = type(sys)("timed_scipy")
        pme_force.scipy.fft = fft
    if ff.virtual_sites is not None:
        timers.patch(ff.virtual_sites, "place", "virtual sites")
        timers.patch(ff.virtual_sites, "spread", "virtual sites")
    timers.patch(ff, "energy_forces", "forces (all terms)")
    timers.patch(integ.constraints, "apply_positions", "constraints: positions")
    timers.patch(integ.constraints, "apply_velocities", "constraints: velocities")
    integrator_module.check_finite = timers.wrap("state check", integrator_module.check_finite)
    integ._moves = tuple((None if move is None else timers.wrap("move " + move.__name__, move), fraction)
                         for move, fraction in integ._moves)


def main(system: str, steps: int) -> dict:
    top, crd, method = bench_md.system_files(system)
    recipe = SimulateRecipe(
        system={"topology": top, "coordinates": crd},
        steps=steps,
        dt=bench_md.DT_PS,
        nonbonded={"method": method, "cutoff": 1.0, "skin": bench_md.SKIN},
        constraints="hbonds",
        integrator="langevin_middle",
    )
    sim = engine.prepare(recipe, Path("."))
    state = sim.initial_state()
    timers = Timers()
    instrument(sim, timers)
    for _ in range(5):  # compile, first list
        sim.integrator.step(state, sim.provider)
    timers.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        sim.integrator.step(state, sim.provider)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    per_step = {name: {"wall_ms": 1e3 * timers.wall[name] / steps, "cpu_ms": 1e3 * timers.cpu[name] / steps,
                       "calls_per_step": timers.calls[name] / steps} for name in sorted(timers.wall)}
    return {"system": system, "threads": numba.get_num_threads(), "threading_layer": numba.threading_layer(),
            "steps": steps, "step_wall_ms": 1e3 * wall / steps, "step_cpu_ms": 1e3 * cpu / steps,
            "phases": per_step}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30), indent=1))
