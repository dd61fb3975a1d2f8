"""The md_breadth table: every system of ../shared/data/md_breadth against its OpenMM references
(worst relative error per energy group, relative RMS force error on real atoms) and, with
``--steps N``, N steps of Langevin dynamics (2 fs, H-bond constraints + rigid water, PME 0.9 nm
or OBC2 implicit solvent for the non-periodic inputs) after the short minimisation the
README notes for unminimised builds.

    .venv/bin/python benchmarks/md/breadth_check.py [--steps 1000] [SYSTEM ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mstool.toolkit.md.constraints import constraints_for  # noqa: E402
from mstool.toolkit.md.forcefield import build_forcefield  # noqa: E402
from mstool.toolkit.md.forces.gb import ImplicitSolventSettings  # noqa: E402
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings  # noqa: E402
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann, temperature_of  # noqa: E402
from mstool.toolkit.md.minimize import minimise  # noqa: E402
from tests.md.breadth import breadth_system, compare  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "md_breadth"
NEEDS_MINIMISATION = {
    "lysozyme_les_triclinic",
    "ala3_charmm36_chamber_kcl",
    "protein18_ff19sb_cmap_kcl",
    "dna_gb_mbondi3",  # strained covalent geometry (README: max force 4.1e4 kJ/mol/nm)
}


def stability(name: str, steps: int) -> tuple[bool, float, float]:
    """(stable, mean temperature over the last quarter, seconds)."""
    system, _, _ = breadth_system(name)
    method = "pme" if system.is_periodic else "nocutoff"
    # Non-periodic inputs run in the implicit solvent they were built for (OBC2).
    solvent = None if system.is_periodic or system.gb_radii is None else ImplicitSolventSettings()
    ff = build_forcefield(system, NonbondedSettings(method=method, cutoff=0.9), implicit_solvent=solvent)
    positions = system.positions.copy()
    if name in NEEDS_MINIMISATION:
        positions, _, _ = minimise(ff, positions, system.box, 50, 100, 10.0)
    constraints = constraints_for(system, "hbonds")
    integ = Integrator("langevin_middle", 0.002, system.masses, constraints, 300.0, 1.0, seed=20261128)
    state = State(positions, maxwell_boltzmann(system.masses, 300.0, integ.rng), system.box)
    constraints.apply_positions(state.positions, state.positions.copy())
    constraints.apply_velocities(state.positions, state.velocities)
    dof = system.degrees_of_freedom(constraints.count)
    temps, t0 = [], time.perf_counter()
    try:
        for _ in range(steps):
            integ.step(state, ff)
            temps.append(temperature_of(integ.kinetic_energy(state), dof))
    except Exception as err:  # a blow-up is a result here, not a crash of the table
        print(f"  {name}: {err}", file=sys.stderr)
        return False, float("nan"), time.perf_counter() - t0
    mean = float(np.mean(temps[-max(1, steps // 4) :]))
    low = 150.0 if name in NEEDS_MINIMISATION else 250.0
    return bool(np.all(np.isfinite(temps)) and low <= mean <= 350.0), mean, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("systems", nargs="*")
    parser.add_argument("--steps", type=int, default=0)
    args = parser.parse_args()
    names = args.systems or sorted(p.name for p in DATA.iterdir() if p.is_dir())
    print("| system | atoms | bond | angle | torsion | cmap | nonbonded | total | force RMS | stable (T) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        errors, rms = compare(name)
        atoms = json.loads((DATA / name / "reference_energies.json").read_text())["n_atoms"]
        cells = [f"{errors[k]:.0e}" if k in errors else "-" for k in ("bond", "angle", "torsion", "cmap")]
        cells += [f"{errors['nonbonded']:.0e}", f"{errors['total']:.0e}", f"{rms:.0e}"]
        stable = "-"
        if args.steps:
            ok, mean, seconds = stability(name, args.steps)
            stable = f"{'yes' if ok else 'NO'} ({mean:.0f} K, {args.steps} steps, {seconds:.0f} s)"
        print(f"| {name} | {atoms:,} | " + " | ".join(cells) + f" | {stable} |", flush=True)


if __name__ == "__main__":
    main()
