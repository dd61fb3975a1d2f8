"""The learned ala2 potential against the classical force field it was fitted to.

Stages (each writes JSON under benchmarks/results/md_ml/; trajectories go to a scratch folder):
  speed    compiled ML term (tf.function, with and without XLA) vs the same network called
           eagerly per step, interleaved rounds on the same positions
  reference  classical Langevin MD at 300 K: a long reference and a run of the ML run's length
           (the noise floor of the comparison)
  phipsi   ML-MD at 300 K; phi/psi histograms (12 x 12 bins of 30 deg), Jensen-Shannon
           distance (base 2) to the classical reference
  nve      velocity Verlet with the ML potential (and the classical one): total-energy drift in
           kT per degree of freedom per ns (least-squares slope)
Run from the repository root:
  .venv/bin/python benchmarks/md/bench_ml.py speed|reference|phipsi|nve [--model FILE.keras]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "md_ml"
RECIPE = ROOT / "recipes" / "ml_ala2.yaml"
BINS = np.linspace(-180.0, 180.0, 13)


def load(overrides: list[str]):
    from mstool.schemas.md import SimulateRecipe
    from mstool.toolkit.io import load_recipe

    return load_recipe(RECIPE, SimulateRecipe, overrides)


def run_md(overrides: list[str], scratch: Path, name: str) -> dict:
    """Run the recipe with overrides; phi/psi (deg) of every frame, energies, wall time."""
    from mstool.toolkit.md import engine
    from mstool.toolkit.md.kernels.bonded import dihedral_angles

    traj = scratch / f"{name}.h5"
    recipe = load(overrides + [f"output.trajectory={traj}", "output.checkpoint=null"])
    sim = engine.prepare(recipe, RECIPE.parent)
    t0 = time.perf_counter()
    summary = engine.run(sim, RECIPE.parent)
    wall = time.perf_counter() - t0
    names = [n.strip() for n in sim.system.atom_names]
    c0, n1, ca, c1, n2 = (names.index("C"), names.index("N"), names.index("CA"),
                          len(names) - 1 - names[::-1].index("C"), len(names) - 1 - names[::-1].index("N"))
    quads = np.array([[c0, n1, ca, c1], [n1, ca, c1, n2]])
    with h5py.File(traj) as f:
        pos = f["particles/all/position/value"][:]
        obs = {k: f[f"observables/{k}/value"][:] for k in ("total_energy", "potential_energy", "temperature")}
        obs_time = f["observables/total_energy/time"][:]
    angles = np.degrees(np.array([dihedral_angles(p.astype(float), quads) for p in pos]))
    return {"angles": angles, "wall": wall, "steps": summary.steps, "obs": obs, "time": obs_time,
            "dof": sim.dof, "ms_per_step": 1e3 * wall / max(summary.steps, 1)}


def histogram(angles: np.ndarray) -> np.ndarray:
    h, _, _ = np.histogram2d(angles[:, 0], angles[:, 1], bins=[BINS, BINS])
    return h.ravel() / h.sum()


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    from scipy.spatial.distance import jensenshannon

    return float(jensenshannon(p, q, base=2))


def stage_speed(model: str, rounds: int) -> dict:
    import tensorflow as tf

    from mstool.toolkit.md.amber import load_amber
    from mstool.toolkit.md.data import bundled
    from mstool.toolkit.md.ml import MLPotentialForce, atomic_numbers_of, load_keras_model

    system = load_amber(*bundled("ala2_vacuum"))
    z = atomic_numbers_of(system)
    keras_model = load_keras_model(model)
    terms = {"compiled": MLPotentialForce(keras_model, atomic_numbers=z),
             "compiled_xla": MLPotentialForce(keras_model, atomic_numbers=z, jit_compile=True)}
    rng = np.random.default_rng(0)
    positions = [system.positions + rng.normal(0, 0.005, system.positions.shape) for _ in range(20)]
    for term in terms.values():
        term.energy_forces(positions[0], None)  # trace / compile outside the timing
    eager_term = terms["compiled"]

    def eager(x):  # what the old hook did: the model called eagerly under a GradientTape each step
        xs, nbr, shifts, mask = eager_term.padded_inputs(x, None)
        energy, grad = eager_term._energy_and_grad(tf.constant(xs), nbr, shifts, mask)
        return float(energy.numpy()), grad.numpy()

    eager(positions[0])
    times = {"compiled": [], "compiled_xla": [], "eager": []}
    for _ in range(rounds):  # interleaved: load changes hit every variant alike
        for name, term in terms.items():
            t0 = time.perf_counter()
            for x in positions:
                term.energy_forces(x, None)
            times[name].append((time.perf_counter() - t0) / len(positions))
        t0 = time.perf_counter()
        for x in positions[:5]:
            eager(x)
        times["eager"].append((time.perf_counter() - t0) / 5)
    ms = {k: 1e3 * float(np.median(v)) for k, v in times.items()}
    return {"ms_per_evaluation_median": ms, "rounds": rounds,
            "eager_over_compiled": ms["eager"] / ms["compiled"],
            "eager_over_compiled_xla": ms["eager"] / ms["compiled_xla"],
            "load_average": os.getloadavg()}


COMMON = ["output.positions_every=50", "output.energies_every=50"]


def stage_reference(ml_steps: int, reference_steps: int, scratch: Path) -> dict:
    """Classical runs: the long reference and one of the ML run's length (the noise floor)."""
    classical = ["ml_potential.model=null", *COMMON]
    ref = run_md(classical + [f"steps={reference_steps}", "seed=11"], scratch, "ref")
    short = run_md(classical + [f"steps={ml_steps}", "seed=12"], scratch, "short")
    p_ref, p_short = histogram(ref["angles"]), histogram(short["angles"])
    return {"bins_deg": 30, "reference_steps": reference_steps, "short_steps": ml_steps,
            "js_classical_same_length_vs_reference": js_distance(p_short, p_ref),
            "ms_per_step": ref["ms_per_step"],
            "mean_temperature": float(np.mean(ref["obs"]["temperature"][10:])),
            "histograms": {"reference": p_ref.tolist(), "classical_short": p_short.tolist()},
            "load_average": os.getloadavg()}


def stage_phipsi(model: str, ml_steps: int, scratch: Path) -> dict:
    """ML-MD at 300 K against the classical reference (run the reference stage first)."""
    ml = run_md([f"ml_potential.model={model}"] + COMMON + [f"steps={ml_steps}", "seed=12"], scratch, "ml")
    p_ml = histogram(ml["angles"])
    (RESULTS / "phipsi_ml_histogram.json").write_text(json.dumps(
        {"histogram": p_ml.tolist(), "ms_per_step": ml["ms_per_step"],
         "mean_temperature": float(np.mean(ml["obs"]["temperature"][10:]))}))
    while not (RESULTS / "reference.json").exists():  # the reference stage may still be running
        time.sleep(10)
    reference = json.loads((RESULTS / "reference.json").read_text())
    p_ref = np.array(reference["histograms"]["reference"])
    return {"bins_deg": 30, "ml_steps": ml_steps, "reference_steps": reference["reference_steps"],
            "js_ml_vs_reference": js_distance(p_ml, p_ref),
            "js_classical_same_length_vs_reference": reference["js_classical_same_length_vs_reference"],
            "ms_per_step": {"ml": ml["ms_per_step"], "classical": reference["ms_per_step"]},
            "mean_temperature": {"ml": float(np.mean(ml["obs"]["temperature"][10:])),
                                 "classical": reference["mean_temperature"]},
            "histograms": {"ml": p_ml.tolist()}, "load_average": os.getloadavg()}


def drift(run: dict, temperature: float = 300.0) -> dict:
    from mstool.toolkit.md.units import BOLTZMANN

    t_ns = run["time"] * 1e-3
    total = run["obs"]["total_energy"]
    slope = float(np.polyfit(t_ns, total, 1)[0])  # kJ/mol/ns
    kt = BOLTZMANN * temperature
    return {"slope_kj_mol_ns": slope, "kt_per_dof_per_ns": slope / (kt * run["dof"]), "dof": run["dof"],
            "total_energy_std": float(np.std(total)), "ps": float(run["time"][-1])}


def stage_nve(model: str, steps: int, dt: float, scratch: Path) -> dict:
    common = ["integrator=verlet", f"dt={dt}", f"steps={steps}", "output.positions_every=0",
              "output.energies_every=10", "seed=5"]
    ml = run_md([f"ml_potential.model={model}"] + common, scratch, "nve_ml")
    classical = run_md(["ml_potential.model=null"] + common, scratch, "nve_classical")
    return {"dt_ps": dt, "steps": steps, "ml": drift(ml), "classical": drift(classical),
            "load_average": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["speed", "reference", "phipsi", "nve"])
    parser.add_argument("--model", default=str(ROOT / "recipes" / "data" / "md" / "ala2_ani.keras"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ml-steps", type=int, default=40000)
    parser.add_argument("--reference-steps", type=int, default=500000)
    parser.add_argument("--nve-steps", type=int, default=10000)
    parser.add_argument("--nve-dt", type=float, default=0.001)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    model = str(Path(args.model).resolve())
    with tempfile.TemporaryDirectory() as scratch:
        if args.stage == "speed":
            out = stage_speed(model, args.rounds)
        elif args.stage == "reference":
            out = stage_reference(args.ml_steps, args.reference_steps, Path(scratch))
        elif args.stage == "phipsi":
            out = stage_phipsi(model, args.ml_steps, Path(scratch))
        else:
            out = stage_nve(model, args.nve_steps, args.nve_dt, Path(scratch))
    out["model"] = os.path.relpath(model, ROOT)
    (RESULTS / f"{args.stage}.json").write_text(json.dumps(out, indent=1))
    print(json.dumps({k: v for k, v in out.items() if k != "histograms"}, indent=1))


if __name__ == "__main__":
    main()
