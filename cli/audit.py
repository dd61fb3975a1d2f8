"""``mstool audit``: attack a classifier with adversarial methods and natural perturbations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mstool.cli.options import (
    JsonOption,
    ProcessesOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    apply_local_json,
    recipe_overrides,
)
from mstool.cli.output import emit, progress_bar, warn
from mstool.toolkit.extras import require_extra

HELP = """Audit a classifier's robustness: white-box and black-box attacks and natural perturbations,
an AutoAttack-style standard evaluation, defences, and adversarial training with a re-audit.

Writes report.json, report.md, report.html and audit-report.h5 (adversarial examples);
a recipe with a harden: section also writes the hardened model.

\b
Example: mstool audit recipes/audit.yaml
Example: mstool audit --model m.keras --data d.npz --attack pgd --eps 0.1
Example: mstool audit --model m.keras --data d.npz --standard --eps 0.1
Example: mstool audit --model m.keras --data d.npz --detector mahalanobis --eps 0.1
Example: mstool audit recipes/adversarial_digits.yaml   (model -> hardened model -> re-audit)
Example: mstool audit recipes/audit.yaml --processes 4   (attacks x sample batches on 4 processes)
"""


def _shell_overrides(
    model: Path | None,
    data: Path | None,
    attacks: list[str],
    eps: list[float],
    perturbations: list[str],
    limit: int | None,
    seed: int | None,
    queries: int | None,
    input_range: str | None,
    output: Path | None,
    standard: bool = False,
    detector: str | None = None,
) -> dict[str, Any]:
    """Shell options as typed recipe overrides, so recipe and shell go through one validation."""
    items = [{"name": a, "eps": list(eps), **({"queries": queries} if queries else {})} for a in attacks]
    budget = None
    if standard and eps:
        budget = {"eps": float(eps[0]), **({"queries": queries} if queries else {})}
    return {
        "model.path": model, "data.path": data, "data.limit": limit, "seed": seed,
        "preprocess.input_range": _parse_range(input_range), "report.dir": output,
        "standard": budget,
        "detector.name": detector_name(detector) if detector else None,
        "detector.eps": float(eps[0]) if detector and eps else None,
        "attacks": items or None, "perturbations": [{"name": p} for p in perturbations] or None,
    }


def detector_name(text: str) -> str:
    """``--detector``'s value as a detector name (hyphens or underscores), checked.

    >>> detector_name("feature-squeezing")
    'feature_squeezing'
    """
    from mstool.toolkit.audit.detectors import check_detector_name

    return check_detector_name(text.replace("-", "_"), where="--detector")


def _parse_range(text: str | None) -> list[float] | None:
    if text is None:
        return None
    from mstool.toolkit.errors import InputError

    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise InputError(f"expects LOW,HIGH (two numbers), got '{text}'", where="--input-range") from None


def _render(result: dict[str, Any], console: Console) -> None:
    from mstool.toolkit.audit.report import TABLE_COLUMNS

    console.print(
        f"[bold]clean accuracy[/bold] {result['clean_accuracy']:.3f} on {result['samples']} samples "
        f"({result['model_format']}, {'white-box' if result['whitebox'] else 'black-box'})"
    )
    table = Table(*TABLE_COLUMNS, title="robustness audit")
    for row in result["table"]:
        table.add_row(*row)
    console.print(table)
    summary = result["summary"]
    standard = result.get("standard")
    if standard:
        console.print(
            f"[bold]standard evaluation[/bold] ({standard['norm']} eps {standard['eps']:g}, "
            + " + ".join(a["attack"] for a in standard["attacks"])
            + f"): robust accuracy [bold]{standard['robust_accuracy']:.3f}[/bold]"
        )
        for check in standard["checks"]:
            mark = "ok  " if check["passed"] else "FAIL"
            console.print(f"  {mark} {check['check']}: {check['detail']}")
    detection = result.get("detection")
    if detection:
        console.print(
            f"[bold]detector[/bold] {detection['detector']}: "
            + ", ".join(f"{a['attack']} ROC AUC {a['roc_auc']:.3f}" for a in detection["attacks"]
                        if not a["adaptive"] and a["roc_auc"] is not None)
            + f"; guarded robust accuracy [bold]{detection['guarded_robust_accuracy']:.3f}[/bold]"
        )
    if summary.get("worst_accuracy") is not None:
        console.print(f"accuracy under the strongest attack: [bold]{summary['worst_accuracy']:.3f}[/bold]")
    if summary.get("mean_corruption_accuracy") is not None:
        console.print(
            f"mean corruption accuracy: {summary['mean_corruption_accuracy']:.3f} "
            f"({summary['relative_corruption_accuracy']:.3f} of clean)"
        )
    console.print(f"report: {result['files'].get('html', '')}")


def robust_accuracy(report: Any) -> float:
    """The number ``--fail-under`` gates on: the standard evaluation's robust accuracy, else the
    worst accuracy under attack, else under perturbation."""
    if report.robust_accuracy is not None:
        return report.robust_accuracy
    if report.summary.worst_accuracy is not None:
        return report.summary.worst_accuracy
    if report.results:
        return min(r.accuracy for r in report.results)
    return report.clean_accuracy


def _check_shell_args(recipe: Path | None, model: Path | None, data: Path | None, attacks: list[str],
                      eps: list[float], perturbations: list[str], standard: bool,
                      detector: str | None = None) -> None:
    from mstool.toolkit.audit.attacks import get_attack
    from mstool.toolkit.errors import InputError

    if recipe is None and (model is None or data is None):
        raise InputError("give a recipe, or --model and --data (see mstool audit --help)")
    if recipe is None and not attacks and not perturbations and not standard and not detector:
        raise InputError("give --standard, --detector, or at least one --attack or --perturbation")
    if standard and len(eps) > 1:
        raise InputError("--standard evaluates at one budget: give a single --eps")
    if standard and not eps and recipe is None:
        raise InputError("--standard needs --eps (the Linf budget in data units)")
    if detector and not eps and recipe is None:
        raise InputError("--detector needs --eps (the Linf budget of the attacks it is scored against)")
    if attacks and not eps and any(get_attack(a, where="--attack").budget == "eps" for a in attacks):
        raise InputError("--attack needs --eps for bounded attacks")


def audit_command(
    recipe: Annotated[
        Path | None, typer.Argument(help="Audit recipe (YAML); optional with --model/--data.")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Model: .keras, .h5, .onnx, SavedModel folder (with --trust-model) "
                     "or mstool convert folder."),
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Data: .npz (x, y) or an images artifact.")
    ] = None,
    attack: Annotated[list[str] | None, typer.Option("--attack", help="Attack name (repeatable).")] = None,
    eps: Annotated[list[float] | None, typer.Option("--eps", help="Budget (repeatable).")] = None,
    perturbation: Annotated[
        list[str] | None,
        typer.Option("--perturbation", help="Natural perturbation (repeatable), all five severities."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Number of samples (stratified, seeded).")
    ] = None,
    queries: Annotated[
        int | None, typer.Option("--queries", help="Query budget per sample (black-box).")
    ] = None,
    input_range: Annotated[
        str | None, typer.Option("--input-range", help="Valid data range 'LOW,HIGH'.")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output folder (reports).")] = None,
    fail_under: Annotated[
        float | None, typer.Option("--fail-under", help="Exit 1 when robust accuracy is below this.")
    ] = None,
    standard: Annotated[
        bool,
        typer.Option("--standard", help="AutoAttack-style standard evaluation at --eps "
                     "(APGD-CE, APGD-T, DeepFool, Square; per-sample worst case)."),
    ] = False,
    quick: Annotated[
        bool,
        typer.Option("--quick", help="Cheaper attack defaults (PGD 10 steps, 1 start) for a first look."),
    ] = False,
    detector: Annotated[
        str | None,
        typer.Option("--detector", help="Adversarial-example detector: feature-squeezing or mahalanobis; "
                     "ROC AUC against PGD (at the first --eps) and CW, and the guarded accuracy under "
                     "adaptive PGD and CW that also evade it."),
    ] = None,
    trust_model: Annotated[
        bool,
        typer.Option("--trust-model", help="Allow a SavedModel: it is a program and can run any graph op."),
    ] = False,
    seed: SeedOption = None,
    scheduler: SchedulerOption = None,
    processes: ProcessesOption = None,
    overrides: SetOption = None,
    json_output: JsonOption = False,
) -> None:
    """Audit a classifier's robustness against attacks and natural perturbations."""
    require_extra("audit", "mstool audit")
    from mstool.schemas.audit import AuditRecipe
    from mstool.toolkit.audit.report import table_rows, write_reports
    from mstool.toolkit.audit.runner import run_audit, total_steps
    from mstool.toolkit.errors import WorkFailed
    from mstool.toolkit.io import load_recipe, recipe_dir
    from mstool.toolkit.workers import engine_from_options

    apply_local_json(json_output)
    engine = engine_from_options(scheduler, processes)
    if not engine.in_process:
        require_extra("dask", f"mstool audit on Dask ({engine.describe()})")
    _check_shell_args(recipe, model, data, attack or [], eps or [], perturbation or [], standard, detector)
    sets = recipe_overrides(_shell_overrides(
        model, data, attack or [], eps or [], perturbation or [], limit, seed, queries, input_range, output,
        standard, detector,
    ), overrides)
    spec = load_recipe(recipe, AuditRecipe, sets)
    if standard and spec.standard is None:
        from mstool.toolkit.errors import InputError

        raise InputError("--standard needs --eps, or a standard: {eps: ...} section in the recipe")
    if quick:
        spec.quick = True
    if trust_model:
        for section in (spec.model, spec.second_model):
            if section is not None:
                section.trust = True
    base = recipe_dir(recipe)
    with progress_bar("audit", total_steps(spec)) as advance:
        outcome = run_audit(spec, base, step=lambda text, amount=1: advance(amount, info=text), engine=engine)
    report = outcome.report
    for line in report.warnings:
        warn(line)
    out_dir = Path(spec.report.dir)
    files = write_reports(
        out_dir,
        report,
        outcome.x,
        outcome.y,
        outcome.clean_pred,
        outcome.perturbed,
        spec.report.examples,
        spec.report.save_adversarials,
    )
    result = {**report.model_dump(mode="json"), "files": files, "table": table_rows(report)}
    emit(result, lambda console: _render(result, console))
    gate = fail_under if fail_under is not None else spec.fail_under
    if gate is not None and robust_accuracy(report) < gate:
        raise WorkFailed(f"robust accuracy {robust_accuracy(report):.3f} is below --fail-under {gate:g}")


def register(app: typer.Typer) -> None:
    app.command("audit", help=HELP)(audit_command)
