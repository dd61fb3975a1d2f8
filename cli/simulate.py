"""``mstool simulate RECIPE``: molecular dynamics from Amber inputs (SPONGE-style recipe);
``mstool simulate fit RECIPE`` trains the built-in ML potential on classical energies and forces.

Heavy imports (numba kernels) happen inside the command so ``mstool --help`` stays fast.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer

from mstool.cli.options import (
    DeviceOption,
    JsonOption,
    OverwriteOption,
    ProcessesOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    apply_local_json,
    recipe_overrides,
)
from mstool.cli.output import emit, key_value_table, log, progress_bar
from mstool.cli.preprocess import DefaultRunGroup

HELP = """Run molecular dynamics on an Amber system (parm7 + rst7) as a sponge.yaml recipe describes.
Needs the md extra (scipy, MDAnalysis): pip install 'mstool[md]'.

\b
--set steps=0 prints the initial energy per term (kJ/mol) and writes nothing.
--overwrite keeps the previous trajectory and checkpoint in OUT.mstool-backup/ until the new
run's first checkpoint; a run killed before that gets them back at the next run on OUT.
One run at a time per trajectory (OUT.lock): a second one stops with exit 2.
A .dcd or .xtc trajectory (or output.format) is written through MDAnalysis: pip install 'mstool[md]'.
Example: mstool simulate recipes/sponge.yaml --set steps=500 --set output.trajectory=ala2.h5
Example: mstool --json simulate recipes/sponge.yaml --set steps=0
Example: mstool simulate recipes/sponge.yaml --set output.trajectory=run.xtc
Example: mstool simulate recipes/sponge.yaml --set implicit_solvent.model=obc2 --set restraints.selection=@CA
Example: mstool simulate fit recipes/ml_ala2_fit.yaml   (then: mstool simulate recipes/ml_ala2.yaml)
Example: mstool simulate recipes/sponge.yaml --replicas 4 --processes 2 --set output.trajectory=runs/ala2.h5
Example: mstool simulate analyze ala2_sits.h5 --topology recipes/data/md/ala2_tip3p_ff96.prmtop
"""

ANALYZE_HELP = """Reweighted phi/psi statistics of a trajectory (plain MD or SITS) at its temperature.

\b
Populations of the phi basins C7eq/beta and alpha-L/C7ax (0 < phi < 120 deg), the free-energy
difference between them with block-averaging errors, the number of phi transitions and the
time of the first alpha-L visit. SITS frames are reweighted with observables/sits_log_weight;
by default only the frames after sits.fixed_weights_after count for the populations.
Example: mstool --json simulate analyze ala2_sits.h5 --topology recipes/data/md/ala2_tip3p_ff96.prmtop
"""


def _energy_table(energies: dict[str, float], title: str):
    from rich.table import Table

    table = Table(title=title)
    table.add_column("term")
    table.add_column("kJ/mol", justify="right")
    for key, value in energies.items():
        table.add_row(key, f"{value:.6f}")
    return table


def _summary_renderer(result: dict[str, Any]):
    from mstool.cli.output import key_value_table

    def render(console) -> None:
        if "energies" in result and "run" not in result:
            console.print(_energy_table(result["energies"], "initial energies"))
            return
        run = result["run"]
        rows = {
            k: run[k]
            for k in (
                "steps",
                "frames",
                "trajectory",
                "ns_per_day",
                "mean_temperature",
                "wall_seconds",
                "resumed_from",
            )
            if run.get(k) is not None
        }
        console.print(key_value_table(rows, title="simulation"))
        console.print(_energy_table(result["energies"], "final energies"))

    return render


def simulate(
    recipe: Annotated[
        Path | None, typer.Argument(help="sponge.yaml recipe (defaults: bundled alanine dipeptide).")
    ] = None,
    set_: SetOption = None,
    seed: SeedOption = None,
    device: DeviceOption = "cpu",
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the last checkpoint.")] = False,
    overwrite: OverwriteOption = False,
    replicas: Annotated[int | None, typer.Option(
        "--replicas", min=1, help="Run N independent replicas (seeds seed..seed+N-1) as tasks, each "
        "writing TRAJECTORY-without-suffix/replica-K.h5 and its checkpoint; --resume skips finished "
        "ones.")] = None,
    scheduler: SchedulerOption = None,
    processes: ProcessesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run molecular dynamics on an Amber system as a sponge.yaml recipe describes."""
    apply_local_json(json_output)
    if replicas is not None:
        _run_replicas(recipe, set_, seed, device, resume, overwrite, replicas, scheduler, processes)
        return
    if scheduler is not None or processes is not None:
        from mstool.toolkit.errors import InputError

        raise InputError("--scheduler/--processes run replicas: add --replicas N", where="--processes")
    from mstool.schemas.md import SimulateRecipe
    from mstool.toolkit.extras import require
    from mstool.toolkit.io.locks import output_lock
    from mstool.toolkit.io.recipes import load_recipe, recipe_dir
    from mstool.toolkit.md.outputs import output_paths

    require("scipy", "md", "mstool simulate")
    options = {"seed": seed, "device": device if device != "cpu" else None}
    model = load_recipe(recipe, SimulateRecipe, recipe_overrides(options, set_))
    base = recipe_dir(recipe) if recipe is not None else _bundled_base()
    writes = model.steps > 0 or resume
    if writes:
        _check_trajectory_format(model)
    # Lock before building the system, so a second run on this trajectory stops at once.
    with output_lock(output_paths(model)[0]) if writes else contextlib.nullcontext():
        _prepare_and_run(model, base, resume, overwrite)


def _run_replicas(recipe, set_, seed, device, resume, overwrite, count, scheduler, processes) -> None:
    from mstool.cli.output import key_value_table
    from mstool.schemas.md import SimulateRecipe
    from mstool.toolkit.errors import InputError
    from mstool.toolkit.io.recipes import load_recipe, recipe_dir
    from mstool.toolkit.md.replicas import run_replicas
    from mstool.toolkit.workers import engine_from_options

    engine = engine_from_options(scheduler, processes)
    options = {"seed": seed, "device": device if device != "cpu" else None}
    model = load_recipe(recipe, SimulateRecipe, recipe_overrides(options, set_))
    if model.steps == 0:
        raise InputError("replicas need steps > 0", where="--replicas")
    _check_trajectory_format(model)
    base = recipe_dir(recipe) if recipe is not None else _bundled_base()
    log(f"{count} replicas of {model.steps} steps ({engine.describe()})")
    with progress_bar("simulate replicas", count) as advance:
        rows = run_replicas(model, base, count, engine=engine, resume=resume, overwrite=overwrite,
                            progress=advance)
    keys = ("replica", "seed", "skipped", "steps", "frames", "ns_per_day", "trajectory")
    result = {"replicas": [{k: row.get(k) for k in (*keys, "resumed_from", "mean_temperature")}
                           for row in rows], "engine": engine.describe()}
    emit(result, lambda console: [console.print(key_value_table({k: row.get(k) for k in keys},
                                                                title=f"replica {row['replica']}"))
                                  for row in rows])


def _check_trajectory_format(model) -> None:
    """Refuse a format/suffix mismatch, or DCD/XTC without MDAnalysis, before any work."""
    from mstool.toolkit.extras import require_extra
    from mstool.toolkit.md.trajectory_formats import trajectory_format

    fmt = trajectory_format(model.output.trajectory, model.output.format)
    if fmt != "h5md":
        require_extra("md", f"{fmt.upper()} trajectory output")


def _prepare_and_run(model, base: Path, resume: bool, overwrite: bool) -> None:
    from mstool.toolkit.md import engine

    sim = engine.prepare(model, base, device=model.device)
    if model.steps == 0 and not resume:
        energies = sim.initial_energies()
        emit(
            {"energies": energies, "n_atoms": sim.system.n_atoms, "nonbonded_method": model.nonbonded.method},
            _summary_renderer({"energies": energies}),
        )
        return
    log(
        f"{sim.system.n_atoms} atoms, {model.steps} steps of {model.dt} ps ({model.integrator}, "
        f"{model.nonbonded.method})"
    )
    with progress_bar("simulate", model.steps) as advance:
        last = [0]

        def report(step: int, elapsed: float, done: int) -> None:
            ns_day = done * model.dt * 1e-3 * 86400.0 / elapsed if elapsed > 0 else 0.0
            advance(step - last[0], info=f"{ns_day:.2f} ns/day")
            last[0] = step

        summary = engine.run(sim, base, resume=resume, overwrite=overwrite or resume, progress=report)
    result = {"run": summary.__dict__, "energies": summary.final_energies, "n_atoms": sim.system.n_atoms}
    emit(result, _summary_renderer(result))


def _bundled_base() -> Path:
    from mstool.toolkit.md.data import data_dir

    return data_dir().parent.parent


FIT_HELP = """Train the built-in ML potential (symmetry functions + per-element networks): sample
configurations with the classical force field, label them with its energies and forces, split
train/validation/held-out, fit, and write the .keras model and OUTPUT.fit.json (metrics).
Needs the train extra (TensorFlow): pip install 'mstool[train]'.
Example: mstool simulate fit recipes/ml_ala2_fit.yaml --set training.epochs=5 --set output=ala2.keras
"""


def fit(
    recipe: Annotated[Path, typer.Argument(help="simulate.fit recipe (see recipes/ml_ala2_fit.yaml).")],
    set_: SetOption = None,
    seed: SeedOption = None,
    json_output: JsonOption = False,
) -> None:
    """Train the built-in ML potential on classical energies and forces."""
    apply_local_json(json_output)
    from mstool.toolkit.extras import require

    require("tensorflow", "train", "mstool simulate fit")
    from mstool.schemas.md import MLFitRecipe
    from mstool.toolkit.io.atomic import check_writable
    from mstool.toolkit.io.locks import output_lock
    from mstool.toolkit.io.recipes import load_recipe, recipe_dir
    from mstool.toolkit.md.ml_fit import run_fit

    model = load_recipe(recipe, MLFitRecipe, recipe_overrides({"seed": seed}, set_))
    check_writable(model.output)
    with output_lock(Path(model.output)), progress_bar("fit", None) as advance:

        def report(stage: str, done: int, total: int, info: str) -> None:
            advance(0, info=f"{stage} {done}/{total} {info}")

        metrics = run_fit(model, recipe_dir(recipe), report)
    held = metrics["held_out"]
    result = {k: v for k, v in metrics.items() if k != "history"}
    rows = {"model": metrics["model"], "configurations": metrics["configurations"],
            "held-out force RMSE (kJ/mol/nm)": f"{held['force_rmse']:.2f}",
            "held-out force RMSE / std": f"{held['force_rmse_ratio']:.3f}",
            "held-out energy RMSE (kJ/mol)": f"{held['energy_rmse']:.2f}",
            "best epoch": metrics["best_epoch"], "train seconds": f"{metrics['train_seconds']:.0f}"}
    emit(result, lambda console: console.print(key_value_table(rows, title="simulate fit")))


def analyze(
    trajectory: Annotated[Path, typer.Argument(help="H5MD trajectory written by mstool simulate.")],
    topology: Annotated[
        Path | None, typer.Option("--topology", help="The run's prmtop (default: the stored path).")
    ] = None,
    start: Annotated[
        int | None, typer.Option("--start", help="First step in the populations (default: when n_k froze).")
    ] = None,
    stop: Annotated[int | None, typer.Option("--stop", help="Last step read (equal-length runs).")] = None,
    blocks: Annotated[int, typer.Option("--blocks", min=2, help="Blocks for the error bars.")] = 5,
    histogram: Annotated[
        Path | None, typer.Option("--histogram", help="Write the reweighted phi/psi histogram (JSON).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Reweighted phi basin populations and free energies of a trajectory."""
    apply_local_json(json_output)
    from mstool.toolkit.md.analysis import analyze_trajectory, stored_topology

    top = topology if topology is not None else stored_topology(trajectory)
    result = analyze_trajectory(trajectory, top, start_step=start, blocks=blocks, stop_step=stop)
    grid = result.pop("histogram")
    if histogram is not None:
        from mstool.toolkit.io.atomic import atomic_write_text
        from mstool.toolkit.md.analysis import histogram_json

        atomic_write_text(histogram, histogram_json(grid, result["temperature"]))
        result["histogram"] = str(histogram)
    emit(result, _analysis_renderer(result))


def _analysis_renderer(result: dict[str, Any]):
    from mstool.cli.output import key_value_table

    basin = result["basin"]
    first = result["first_alpha_l_ps"]
    rows = {
        "frames (populations)": f"{result['frames']} from step {result['start_step']}",
        "phi transitions": result["phi_transitions"],
        "first alpha-L visit": "never" if first is None else f"{first:.1f} ps",
        "P(alpha-L/C7ax)": f"{basin['population']:.4f} +- {basin['population_error']:.4f}",
        "dG (alpha-L - C7eq), kJ/mol": "undefined (one basin empty)"
        if basin["delta_g"] is None
        else f"{basin['delta_g']:.2f} +- {basin['delta_g_error']:.2f}",
        "effective samples": f"{basin['effective_samples']:.1f}",
    }

    def render(console) -> None:
        console.print(key_value_table(rows, title=f"phi basins at {result['temperature']:g} K"))

    return render


class _SimulateGroup(DefaultRunGroup):
    """``mstool simulate`` with no verb (or no arguments at all) runs a simulation."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, args or ["run"])


def register(app: typer.Typer) -> None:
    sub = typer.Typer(cls=_SimulateGroup, help=HELP)
    sub.command("run", help=HELP)(simulate)
    sub.command("fit", help=FIT_HELP)(fit)
    sub.command("analyze", help=ANALYZE_HELP)(analyze)
    app.add_typer(sub, name="simulate")
