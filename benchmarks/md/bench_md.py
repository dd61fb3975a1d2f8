"""ns/day of mstool simulate vs OpenMM (CPU platform, optionally Reference): same system, same threads.

Langevin middle, 2 fs, rigid water (hbonds), PME or NoCutoff as in the shared reference data.
Each engine runs in its own warm process through benchmarks/runner.py, OpenMM from its bench
venv; the timed call is ``steps`` integration steps, interleaved with repeats. The outputs
check compares the potential energy of the input coordinates (same system, same force field)
and the step count. Run:

    .venv/bin/python benchmarks/md/bench_md.py --systems ala2_vacuum ala2_tip3p dhfr trpzip2_truncoct \
        --steps 200 --threads 2 --openmm-python /work/bench-md/bin/python
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "data" / "md"
SYSTEMS = {  # folder (under shared/data/md, or a path from shared/data/md), topology, coordinates, method
    "ala2_vacuum": ("ala2_vacuum_ff96", "alanine-dipeptide.prmtop", "alanine-dipeptide.crd", "nocutoff"),
    "ala2_tip3p": ("ala2_tip3p_ff96", "alanine-dipeptide.prmtop", "alanine-dipeptide.crd", "pme"),
    "dhfr": ("dhfr_jac_tip3p", "JAC.prmtop", "JAC.rst7", "pme"),
    # Truncated octahedron (5,827 atoms): the box vectors come from the restart file.
    "trpzip2_truncoct": (
        "../md_breadth/trpzip2_truncoct_tip3p",
        "tz2.truncoct.parm7",
        "tz2.truncoct.rst7",
        "pme",
    ),
}
SKIN = float(os.environ.get("MSTOOL_BENCH_SKIN", "0.2"))  # nm, Verlet skin of mstool's neighbour list
DT_PS = 0.002


def system_files(system: str) -> tuple[str, str, str]:
    folder, top, crd, method = SYSTEMS[system]
    return str(SHARED / folder / top), str(SHARED / folder / crd), method


def ns_per_day(steps: int, seconds: float) -> float:
    return steps * DT_PS * 1e-3 * 86400.0 / seconds


def mstool_engine(system: str, steps: int, threads: int):
    """Runner factory: mstool's integrator, compiled and with its first neighbour list built."""
    from mstool.schemas.md import SimulateRecipe
    from mstool.toolkit.md import engine

    top, crd, method = system_files(system)
    recipe = SimulateRecipe(
        system={"topology": top, "coordinates": crd},
        steps=steps,
        dt=DT_PS,
        nonbonded={"method": method, "cutoff": 1.0, "skin": SKIN},
        constraints="hbonds",
        integrator="langevin_middle",
    )
    sim = engine.prepare(recipe, Path("."))
    digest = {
        "atoms": int(len(sim.system.positions)),
        "steps": steps,
        "initial_potential_kj_mol": sim.initial_energies()["potential"],
    }
    state = sim.initial_state()
    sim.integrator.step(state, sim.provider)  # compile and first neighbour list

    def run():
        for _ in range(steps):
            sim.integrator.step(state, sim.provider)
        return digest

    return {"run": run, "threads": threads, "settings": {"skin_nm": SKIN}}


def openmm_engine(system: str, steps: int, threads: int, platform: str = "CPU"):
    """Runner factory: OpenMM on ``platform`` with ``threads`` CPU threads (CPU platform)."""
    import openmm
    from openmm import app, unit

    top, crd, method = system_files(system)
    prmtop, inpcrd = app.AmberPrmtopFile(top), app.AmberInpcrdFile(crd)
    kwargs = {
        "nonbondedMethod": app.PME if method == "pme" else app.NoCutoff,
        "constraints": app.HBonds,
        "rigidWater": True,
    }
    if method == "pme":
        kwargs["nonbondedCutoff"] = 1.0 * unit.nanometer
    omm_system = prmtop.createSystem(**kwargs)
    integrator = openmm.LangevinMiddleIntegrator(
        300 * unit.kelvin, 1.0 / unit.picosecond, DT_PS * unit.picoseconds
    )
    props = {"Threads": str(threads)} if platform == "CPU" else {}
    context = openmm.Context(omm_system, integrator, openmm.Platform.getPlatformByName(platform), props)
    context.setPositions(inpcrd.positions)
    if inpcrd.boxVectors is not None:
        context.setPeriodicBoxVectors(*inpcrd.boxVectors)
    energy = context.getState(getEnergy=True).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
    digest = {"atoms": omm_system.getNumParticles(), "steps": steps, "initial_potential_kj_mol": energy}
    context.setVelocitiesToTemperature(300 * unit.kelvin)
    integrator.step(2)

    def run():
        integrator.step(steps)
        context.getState(getEnergy=True)  # wait for the platform to finish
        return digest

    return {"run": run, "threads": threads if platform == "CPU" else 1, "settings": {"platform": platform}}


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--systems", nargs="+", default=["ala2_vacuum", "ala2_tip3p", "dhfr"], choices=SYSTEMS
    )
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="threads of every engine")
    parser.add_argument("--openmm-python", default="/work/bench-md/bin/python")
    parser.add_argument("--reference", action="store_true", help="also OpenMM's Reference platform (slow)")
    args = runner.parse_args(parser=parser)
    if not SHARED.is_dir():
        print(f"no MD systems at {SHARED}")
        return 2
    steps = 20 if args.quick else args.steps
    systems = args.systems[:1] if args.quick else args.systems
    this = f"{Path(__file__).resolve()}"
    engines = [
        runner.Engine("mstool", f"{this}:mstool_engine", threads=args.threads, packages=("mstool", "numba")),
        runner.Engine(
            "OpenMM CPU",
            f"{this}:openmm_engine",
            python=args.openmm_python,
            threads=args.threads,
            packages=("openmm",),
        ),
    ]
    if args.reference:
        engines.append(
            runner.Engine(
                "OpenMM Reference",
                f"{this}:openmm_engine",
                python=args.openmm_python,
                threads=1,
                kwargs={"platform": "Reference"},
                packages=("openmm",),
            )
        )
    cases = [
        runner.Case(
            name, {"system": name, "steps": steps, "threads": args.threads}, units=steps, unit_name="steps"
        )
        for name in systems
    ]
    record = runner.run(
        "md",
        "bench_md",
        engines,
        cases,
        args=args,
        rtol=1e-4,
        atol=1e-3,
        reference="mstool",
        params={"steps": steps, "threads": args.threads, "dt_ps": DT_PS, "skin_nm": SKIN},
    )
    print(f"\n{'system':<14}{'engine':<20}{'ns/day':>10}  (median)  mstool speed / engine speed")
    for case in record["cases"]:
        for name, entry in case["engines"].items():
            if "wall_stats" in entry:
                speed = ns_per_day(steps, entry["wall_stats"]["median"])
                print(f"{case['label']:<14}{name:<20}{speed:>10.2f}  {case['ratios'][name]['wall']:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
