"""ns/day of mstool simulate vs OpenMM (CPU and Reference platforms) on the same system, same threads.

Langevin middle, 2 fs, rigid water (hbonds), PME or NoCutoff as in the shared reference data.
Run in the bench venv: .venv-bench-md/bin/python benchmarks/md/bench_md.py [ala2_vacuum|ala2_tip3p] [steps]
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time

import numpy as np

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "md")
SYSTEMS = {
    "ala2_vacuum": ("ala2_vacuum_ff96", "alanine-dipeptide.prmtop", "alanine-dipeptide.crd", "nocutoff"),
    "ala2_tip3p": ("ala2_tip3p_ff96", "alanine-dipeptide.prmtop", "alanine-dipeptide.crd", "pme"),
    "dhfr": ("dhfr_jac_tip3p", "JAC.prmtop", "JAC.rst7", "pme"),
}
THREADS = os.environ.get("NUMBA_NUM_THREADS", "2")
SKIN = float(os.environ.get("MSTOOL_BENCH_SKIN", "0.2"))  # nm, Verlet skin of mstool's neighbour list


def ns_per_day(steps: int, dt_ps: float, seconds: float) -> float:
    return steps * dt_ps * 1e-3 * 86400.0 / seconds


def run_mstool(top: str, crd: str, method: str, steps: int, profile: bool) -> tuple[float, float]:
    from pathlib import Path

    from mstool.schemas.md import SimulateRecipe
    from mstool.toolkit.md import engine

    recipe = SimulateRecipe(
        system={"topology": top, "coordinates": crd},
        steps=steps,
        dt=0.002,
        nonbonded={"method": method, "cutoff": 1.0, "skin": SKIN},
        constraints="hbonds",
        integrator="langevin_middle",
    )
    sim = engine.prepare(recipe, Path("."))
    state = sim.initial_state()
    sim.integrator.step(state, sim.provider)  # compile and first neighbour list
    t0 = time.perf_counter()
    c0 = time.process_time()
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    for _ in range(steps):
        sim.integrator.step(state, sim.provider)
    if prof:
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(8)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(f"  mstool: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return ns_per_day(steps, 0.002, wall), ns_per_day(steps, 0.002, cpu)


def run_openmm(top: str, crd: str, method: str, steps: int, platform_name: str) -> tuple[float, float]:
    import openmm
    from openmm import app, unit

    prmtop = app.AmberPrmtopFile(top)
    inpcrd = app.AmberInpcrdFile(crd)
    kwargs = {
        "nonbondedMethod": app.PME if method == "pme" else app.NoCutoff,
        "constraints": app.HBonds,
        "rigidWater": True,
    }
    if method == "pme":
        kwargs["nonbondedCutoff"] = 1.0 * unit.nanometer
    system = prmtop.createSystem(**kwargs)
    integ = openmm.LangevinMiddleIntegrator(
        300 * unit.kelvin, 1.0 / unit.picosecond, 0.002 * unit.picoseconds
    )
    platform = openmm.Platform.getPlatformByName(platform_name)
    props = {"Threads": THREADS} if platform_name == "CPU" else {}
    ctx = openmm.Context(system, integ, platform, props)
    ctx.setPositions(inpcrd.positions)
    if inpcrd.boxVectors is not None:
        ctx.setPeriodicBoxVectors(*inpcrd.boxVectors)
    ctx.setVelocitiesToTemperature(300 * unit.kelvin)
    integ.step(2)
    t0 = time.perf_counter()
    c0 = time.process_time()
    integ.step(steps)
    ctx.getState(getEnergy=True)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(f"  OpenMM {platform_name}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return ns_per_day(steps, 0.002, wall), ns_per_day(steps, 0.002, cpu)


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "ala2_tip3p"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    folder, top, crd, method = SYSTEMS[name]
    top, crd = os.path.join(SHARED, folder, top), os.path.join(SHARED, folder, crd)
    print(f"{name}: {steps} steps, {THREADS} threads")
    ours = run_mstool(top, crd, method, steps, profile="--profile" in sys.argv)
    cpu = run_openmm(top, crd, method, steps, "CPU")
    ref = run_openmm(top, crd, method, max(10, steps // 10), "Reference")
    # Ratios by wall time and, for loaded machines, by CPU time (ns/day per CPU-second).
    print(f"{'engine':<20}{'ns/day':>10}{'mstool ratio':>14}{'ratio by CPU':>14}")
    print(f"{'mstool':<20}{ours[0]:>10.2f}{1.0:>14.2f}{1.0:>14.2f}")
    print(f"{'OpenMM CPU':<20}{cpu[0]:>10.2f}{ours[0] / cpu[0]:>14.3f}{ours[1] / cpu[1]:>14.3f}")
    print(f"{'OpenMM Reference':<20}{ref[0]:>10.2f}{ours[0] / ref[0]:>14.2f}{ours[1] / ref[1]:>14.2f}")
    _ = np


if __name__ == "__main__":
    main()
