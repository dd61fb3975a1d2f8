"""In-process A/B of one MD step (Integrator + ForceField) on ala2 in vacuum: a reference
checkout's integrators.py and forcefield.py (folder in MAIN_MD, e.g. a worktree of main's
toolkit/md) against the installed ones, interleaved rounds, CPU time of the calling thread.

    NUMBA_NUM_THREADS=1 MAIN_MD=/path/to/main/toolkit/md python ab_step.py KIND ROUNDS STEPS
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time

import numpy as np

from mstool.toolkit.md import forcefield as branch_forcefield
from mstool.toolkit.md import integrators as branch_integrators
from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings


def load(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def setup(system, constraints, kind, integrators, forcefield):
    ff = forcefield.build_forcefield(system, NonbondedSettings(method="nocutoff"))
    for term in ff.terms:
        term.group = term.energy_groups[0]  # main's ForceField books energies by ``group``
    integ = integrators.Integrator(kind, 0.002, system.masses, constraints, 300.0, 1.0, seed=3)
    velocities = branch_integrators.maxwell_boltzmann(system.masses, 300.0, integ.rng)
    state = integrators.State(system.positions.copy(), velocities, None)
    constraints.apply_positions(state.positions, state.positions.copy(), 0)
    constraints.apply_velocities(state.positions, state.velocities, 0)
    return integ, ff, state


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else "langevin_middle"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    main_md = os.environ["MAIN_MD"]
    main_integrators = load("main_integrators", os.path.join(main_md, "integrators.py"))
    main_forcefield = load("main_forcefield", os.path.join(main_md, "forcefield.py"))
    system = load_amber(*bundled("ala2_vacuum"))
    constraints = constraints_for(system, "hbonds")
    runs = {
        "main": setup(system, constraints, kind, main_integrators, main_forcefield),
        "branch": setup(system, constraints, kind, branch_integrators, branch_forcefield),
    }
    for integ, ff, state in runs.values():
        for _ in range(200):  # warm-up
            integ.step(state, ff)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for r in range(rounds):
        for name in list(runs) if r % 2 == 0 else list(runs)[::-1]:
            integ, ff, state = runs[name]
            t0 = time.thread_time()
            for _ in range(steps):
                integ.step(state, ff)
            times[name].append((time.thread_time() - t0) / steps * 1e6)
    a, b = np.array(times["main"]), np.array(times["branch"])
    ratios = b / a
    rng = np.random.default_rng(0)
    boot = [np.median(rng.choice(ratios, len(ratios))) for _ in range(2000)]
    print(f"{kind}: load {os.getloadavg()[0]:.2f}; us/step median main {np.median(a):.1f} branch "
          f"{np.median(b):.1f}; ratio branch/main median of per-round ratios {np.median(ratios):.3f} "
          f"(min round {b.min():.1f} vs {a.min():.1f})")
    print(f"  per-round ratio median {np.median(ratios):.3f}, 95% bootstrap interval "
          f"{np.percentile(boot, 2.5):.3f}-{np.percentile(boot, 97.5):.3f}; total-time ratio "
          f"{b.sum() / a.sum():.3f}")


if __name__ == "__main__":
    main()
