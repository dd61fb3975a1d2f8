"""SITS weight convergence on ala2 in vacuum: ln n_k of the top level every 5,000 steps and each
level's mean weight p_k after the freeze (uniform: 1/levels). SITS on the whole potential,
300-600 K, 20 levels, n_k updated every 100 steps.

    .venv/bin/python benchmarks/md/sits_weight_probe.py SEED STEPS FREEZE
"""

from __future__ import annotations

import sys

import numpy as np

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann
from mstool.toolkit.md.sits import SITS


def probe(seed: int, steps: int, freeze: int) -> None:
    system = load_amber(*bundled("ala2_vacuum"))
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    constraints = constraints_for(system, "hbonds")
    integ = Integrator("langevin_middle", 0.002, system.masses, constraints, 300.0, 1.0, seed)
    sits = SITS(ff, 300.0, SITS.geometric_levels(300.0, 600.0, 20), 100, freeze)
    velocities = maxwell_boltzmann(system.masses, 300.0, np.random.default_rng(seed))
    state = State(system.positions.copy(), velocities, None)
    integ.compute_forces(state, sits)
    shares, frames, energies = np.zeros(20), 0, []
    for step in range(1, steps + 1):
        integ.step(state, sits)
        if step % 5000 == 0:
            print(step, f"log_nk[-1]={sits.log_nk[-1]:.2f} log_nk[10]={sits.log_nk[10]:.2f}", flush=True)
        if step > freeze:
            terms = sits.log_nk - sits.betas * sits.raw_potential
            w = np.exp(terms - terms.max())
            shares += w / w.sum()
            frames += 1
            energies.append(sits.raw_potential)
    print("mean p_k after freeze", np.round(shares / frames, 3).tolist())
    print("U mean/std", np.mean(energies), np.std(energies))


if __name__ == "__main__":
    probe(*(int(a) for a in sys.argv[1:4]))
