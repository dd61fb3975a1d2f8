"""SITS per-step overhead over plain MD, and the plain-vs-SITS sampling comparison on alanine
dipeptide in TIP3P (the runs of recipes/sits_ala2_tip3p.yaml).

overhead: one process builds both simulations from the shipped recipe (PME 0.9 nm, HMR 4 fs,
H-bond constraints, rigid water), then times them interleaved in blocks (plain, SITS, plain,
...), so machine load hits both alike; prints per-step medians and their ratio as JSON.

    .venv/bin/python benchmarks/md/bench_sits.py overhead [blocks] [steps_per_block]
    .venv/bin/python benchmarks/md/bench_sits.py compare PLAIN.h5 SITS.h5 [stop_step]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
RECIPE = REPO / "recipes" / "sits_ala2_tip3p.yaml"
TOPOLOGY = REPO / "recipes" / "data" / "md" / "ala2_tip3p_ff96.prmtop"


def _simulation(sits: bool):
    from mstool.schemas.md import SimulateRecipe
    from mstool.toolkit.io.recipes import load_recipe
    from mstool.toolkit.md import engine

    recipe = load_recipe(RECIPE, SimulateRecipe, [f"sits.enabled={str(sits).lower()}"])
    sim = engine.prepare(recipe, RECIPE.parent)
    state = sim.initial_state()
    sim.integrator.compute_forces(state, sim.provider)
    return sim, state


def overhead(blocks: int, steps: int) -> dict:
    runs = {"plain": _simulation(False), "sits": _simulation(True)}
    for sim, state in runs.values():  # warm-up: numba kernels, neighbour lists
        for _ in range(steps):
            sim.integrator.step(state, sim.provider)
    times: dict[str, list[float]] = {"plain": [], "sits": []}
    for _ in range(blocks):
        for name, (sim, state) in runs.items():
            t0 = time.perf_counter()
            for _ in range(steps):
                sim.integrator.step(state, sim.provider)
            times[name].append((time.perf_counter() - t0) / steps)
    plain, sits = np.array(times["plain"]), np.array(times["sits"])
    return {
        "plain_ms_per_step_median": 1e3 * float(np.median(plain)),
        "sits_ms_per_step_median": 1e3 * float(np.median(sits)),
        "overhead_percent_median_of_ratios": 100.0 * (float(np.median(sits / plain)) - 1.0),
        "blocks": blocks,
        "steps_per_block": steps,
        "numba_threads": os.environ.get("NUMBA_NUM_THREADS", "default"),
        "load_average": os.getloadavg(),
    }


def compare(plain_h5: str, sits_h5: str, stop: int | None) -> dict:
    from mstool.toolkit.md.analysis import analyze_trajectory

    out = {}
    for name, path in (("plain", plain_h5), ("sits", sits_h5)):
        # Populations from the same window in both: after the SITS weights froze.
        result = analyze_trajectory(path, TOPOLOGY, start_step=10000, stop_step=stop, blocks=5)
        result.pop("histogram")
        out[name] = result
    return out


if __name__ == "__main__":
    if sys.argv[1] == "overhead":
        args = [int(a) for a in sys.argv[2:4]]
        print(json.dumps(overhead(*(args or [8, 25])), indent=2))
    else:
        stop = int(sys.argv[4]) if len(sys.argv) > 4 else None
        print(json.dumps(compare(sys.argv[2], sys.argv[3], stop), indent=2))
