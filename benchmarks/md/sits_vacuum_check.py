"""SITS diagnosis on alanine dipeptide in vacuum (22 atoms, no cutoff): phi transitions
(C7eq/beta <-> alpha-L/C7ax cores, as toolkit/md/analysis.phi_transitions) in equal-length
Langevin runs of plain MD at 300 K and at 600 K and of SITS over 300-600 K on the whole solute
(the effective potential alone, and the selective form with SoluteEnergy on :1-3).
Kinds: plainT (plain MD at T kelvin), sits, sits_selective, with @HIGH for levels 300-HIGH K.

    SITS_FREEZE=20000 .venv/bin/python benchmarks/md/sits_vacuum_check.py STEPS [SEED] [KIND,...]
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.analysis import basin_free_energy, phi_transitions
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.dihedrals import backbone_quads, dihedral_degrees
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann
from mstool.toolkit.md.sits import SITS
from mstool.toolkit.md.solute_energy import selected_energy

DT, EVERY = 0.002, 10
FREEZE = int(os.environ.get("SITS_FREEZE", 10000))


def run(kind: str, steps: int, seed: int) -> dict:
    system = load_amber(*bundled("ala2_vacuum"))
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    temperature = float(kind[5:]) if kind.startswith("plain") else 300.0
    integ = Integrator(
        "langevin_middle", DT, system.masses, constraints_for(system, "hbonds"), temperature, 1.0, seed
    )
    provider = ff
    sits = None
    if kind.startswith("sits"):
        enhanced = selected_energy(system, ff, ":1-3") if kind.startswith("sits_selective") else None
        high = float(kind.split("@")[1]) if "@" in kind else 600.0
        levels = SITS.geometric_levels(300.0, high, 20)
        sits = SITS(ff, 300.0, levels, 100, FREEZE, enhanced=enhanced)
        provider = sits
    velocities = maxwell_boltzmann(system.masses, temperature, np.random.default_rng(seed))
    state = State(system.positions.copy(), velocities, None)
    integ.compute_forces(state, provider)
    phi_atoms = np.array(backbone_quads(system)[0])
    phis, logw, factors = [], [], []
    t0 = time.perf_counter()
    for step in range(1, steps + 1):
        integ.step(state, provider)
        if step % EVERY == 0:
            phis.append(float(dihedral_degrees(state.positions[phi_atoms][None])[0]))
            if sits is not None:
                logw.append(sits.log_weight)
                factors.append(sits.force_factor)
    elapsed = time.perf_counter() - t0
    phis = np.asarray(phis)
    times = np.arange(1, len(phis) + 1) * EVERY * DT
    transitions, first = phi_transitions(phis, times)
    out = {"kind": kind, "steps": steps, "seed": seed, "transitions": transitions,
           "first_alpha_l_ps": first, "unweighted_alpha_l": float(np.mean((phis > 0) & (phis < 120))),
           "seconds": round(elapsed, 1)}
    if sits is not None:
        after = slice(FREEZE // EVERY, None)
        lw = np.asarray(logw)[after]
        est = basin_free_energy((phis[after] > 0) & (phis[after] < 120), lw, 300.0, blocks=5)
        out.update(
            mean_force_factor_after_freeze=float(np.mean(np.asarray(factors)[after])),
            effective_temperature_K=300.0 / float(np.mean(np.asarray(factors)[after])),
            reweighted_alpha_l=est.population, reweighted_alpha_l_error=est.population_error,
            effective_samples=est.effective_samples, frames_after_freeze=int(len(lw)),
            log_nk=[round(v, 2) for v in sits.log_nk.tolist()],
        )
    return out


if __name__ == "__main__":
    steps = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    default = "plain300,plain600,sits,sits_selective"
    kinds = (sys.argv[3] if len(sys.argv) > 3 else default).split(",")
    results = [run(k, steps, seed) for k in kinds]
    print(json.dumps({"runs": results, "load_average": os.getloadavg(), "dt_ps": DT}, indent=1))
