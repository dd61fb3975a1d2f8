"""Run an audit recipe: load model and data, run every attack and perturbation at every
budget, and collect the rows of the report and the perturbed samples.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from mstool.schemas.audit import AttackSection, AuditRecipe, AuditReport, ModelSection, ResultRow, Summary
from mstool.toolkit.audit.attacks import attack_norm, get_attack, within_threshold
from mstool.toolkit.audit.attacks.base import random_targets, resolve_params
from mstool.toolkit.audit.attacks.perturbations import get_perturbation
from mstool.toolkit.audit.data import check_range, declared_range, load_images, select_samples
from mstool.toolkit.audit.defences import defended_classifier, get_transform
from mstool.toolkit.audit.detectors import check_detector_name, evaluate_detection, keras_layer_features
from mstool.toolkit.audit.metrics import clever_scores, evaluate, transfer
from mstool.toolkit.audit.models import Classifier, Preprocess, check_compatible, load_classifier
from mstool.toolkit.audit.standard import check_budget, standard_evaluation
from mstool.toolkit.audit.tasks import (
    SAMPLES_PER_TASK,
    AttackTask,
    ModelSource,
    PerturbationTask,
    TaskResult,
    run_task,
    sample_batches,
)
from mstool.toolkit.errors import InputError
from mstool.toolkit.io.recipes import resolve_path
from mstool.toolkit.workers import EngineSpec, map_tasks


@dataclass
class AuditOutcome:
    """The report plus the arrays behind it (for the artifact and the HTML examples)."""

    report: AuditReport
    x: np.ndarray
    y: np.ndarray
    clean_pred: np.ndarray
    perturbed: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)


@dataclass
class _Context:
    recipe: AuditRecipe
    clf: Classifier
    x: np.ndarray
    y: np.ndarray
    clean_pred: np.ndarray
    second: Classifier | None
    second_pred: np.ndarray | None
    outcome_rows: list[ResultRow] = field(default_factory=list)
    standard: dict | None = None
    detection: dict | None = None
    perturbed: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: ModelSource | None = None  # how a worker process loads ``clf`` itself
    detector_inputs: tuple = (None, None)  # Mahalanobis: (features_tf, clean training samples)


def _preprocess(recipe: AuditRecipe) -> Preprocess:
    pre = recipe.preprocess
    return Preprocess(pre.scale, pre.mean, pre.std, pre.layout, tuple(pre.input_range))


def _load_model(section: ModelSection, recipe: AuditRecipe, base: Path, notes: list[str],
                x: np.ndarray, y: np.ndarray, where: str) -> Classifier:
    """Load and check a model against the data; conversion fallbacks become report warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = load_classifier(
            resolve_path(section.path, base),
            _preprocess(recipe),
            section.format,
            section.outputs,
            section.whitebox,
            recipe.batch_size,
            section.trust,
        )
        check_compatible(clf, x, y, where)
    notes.extend(str(w.message) for w in caught if issubclass(w.category, UserWarning))
    return clf


def _validate_sections(recipe: AuditRecipe) -> None:
    """Names and budgets are checked before any work starts."""
    for i, section in enumerate(recipe.attacks):
        spec = get_attack(section.name, where=f"attacks[{i}].name")
        resolve_params(spec, section.params, where=f"attacks[{i}].params", quick=recipe.quick)
        if spec.budget == "eps" and not section.eps:
            raise InputError(f"attack '{spec.name}' needs at least one eps budget", where=f"attacks[{i}].eps")
        if any(e <= 0 for e in section.eps):
            raise InputError("eps budgets must be positive", where=f"attacks[{i}].eps")
        if section.targeted and not spec.targeted:
            raise InputError(f"attack '{spec.name}' has no targeted mode", where=f"attacks[{i}].targeted")
    for i, section in enumerate(recipe.perturbations):
        get_perturbation(section.name, where=f"perturbations[{i}].name")
    if recipe.defence is not None:
        get_transform(recipe.defence.name, recipe.defence.params, where="defence")
    if recipe.detector is not None:
        check_detector_name(recipe.detector.name)


def _needs_gradients(recipe: AuditRecipe) -> bool:
    white = any(get_attack(s.name).family == "whitebox" for s in recipe.attacks)
    return white or recipe.standard is not None or recipe.detector is not None


def _defend(clf: Classifier, recipe: AuditRecipe, notes: list[str]) -> Classifier:
    """Put the recipe's input transformation in front of the model (adaptive: BPDA gradients)."""
    defence = recipe.defence
    if not clf.whitebox and _needs_gradients(recipe):
        reason = "; ".join(notes) or "model.whitebox is false"
        raise InputError(
            f"defence '{defence.name}' needs a model with gradients for adaptive (BPDA) evaluation, "
            f"but {recipe.model.path} is audited black-box ({reason}); use black-box attacks only",
            where="defence",
        )
    return defended_classifier(clf, defence.name, defence.params, defence.adaptive)


def _refuse_blackbox_detector(recipe: AuditRecipe, notes: list[str]) -> None:
    section = recipe.detector
    reason = "; ".join(notes) or "model.whitebox is false"
    needs = "PGD, CW and the adaptive attack on the detector" if section.adaptive else "PGD and CW"
    raise InputError(
        f"detector '{section.name}' needs a model with gradients ({needs} run white-box), "
        f"but {recipe.model.path} is audited black-box ({reason})",
        where="detector.adaptive" if section.adaptive else "detector",
    )


def prepare(recipe: AuditRecipe, base: Path) -> _Context:
    """Load, check and sample: every bad input fails here, before the attacks run."""
    _validate_sections(recipe)
    notes: list[str] = []
    data_path = resolve_path(recipe.data.path, base)
    x, y = load_images(data_path, recipe.data.layout)
    artifact_range = declared_range(data_path)
    if artifact_range is not None and "input_range" not in recipe.preprocess.model_fields_set:
        recipe.preprocess.input_range = artifact_range  # the artifact says what its values span
    idx = select_samples(y, recipe.data.limit, recipe.seed, recipe.data.stratified)
    x, y = x[idx], y[idx]
    check_range(x, recipe.preprocess.input_range, str(data_path))
    clf = _load_model(recipe.model, recipe, base, notes, x, y, str(data_path))
    if recipe.defence is not None:
        clf = _defend(clf, recipe, notes)
    if recipe.detector is not None and not clf.whitebox:
        _refuse_blackbox_detector(recipe, notes)
    second, second_pred = None, None
    if recipe.second_model is not None:
        second = _load_model(recipe.second_model, recipe, base, notes, x, y, str(data_path))
        second_pred = second.predict(x, count=False)
    if recipe.standard is not None:
        check_budget(recipe.standard.eps, recipe.standard.norm, clf, x.shape[1:], "standard.eps")
    for i, section in enumerate(recipe.attacks):
        spec = get_attack(section.name)
        norm = attack_norm(spec, resolve_params(spec, section.params, "attacks"))
        if spec.budget == "eps" and norm in ("linf", "l2"):
            for eps in section.eps:
                check_budget(eps, norm, clf, x.shape[1:], f"attacks[{i}].eps")
    model = recipe.model
    source = ModelSource.describe(clf, resolve_path(model.path, base), model.format, model.whitebox,
                                  recipe.batch_size, model.trust, recipe.defence)
    detector_inputs = _detector_inputs(recipe, clf, base) if recipe.detector is not None else (None, None)
    return _Context(recipe, clf, x, y, clf.predict(x, count=False), second, second_pred, warnings=notes,
                    source=source, detector_inputs=detector_inputs)


def _row_from(
    ctx: _Context,
    method: str,
    kind: str,
    norm: str,
    budget: float | None,
    x_adv: np.ndarray,
    seconds: float,
    queries: int,
    targets: np.ndarray | None,
    targeted: bool,
) -> ResultRow:
    ev = evaluate(ctx.clf, ctx.x, ctx.y, x_adv, ctx.clean_pred, norm, targets)
    transfer_acc, transfer_rate = (None, None)
    if ctx.second is not None and kind != "perturbation":
        transfer_acc, transfer_rate = transfer(ctx.second, x_adv, ctx.y, ev.success, ctx.second_pred)
    ctx.perturbed.append((x_adv, ev.pred))
    return ResultRow(
        method=method,
        kind=kind,
        norm=norm,
        budget=budget,
        targeted=targeted,
        accuracy=ev.accuracy,
        success_rate=ev.success_rate,
        queries=queries,
        seconds=round(seconds, 4),
        transfer_accuracy=transfer_acc,
        transfer_rate=transfer_rate,
        **ev.stats,
    )


@dataclass
class _MethodTasks:
    """The tasks of one method at one budget, and what turns their results into report rows."""

    kind: str  # the attack's family, or "perturbation"
    name: str
    norm: str
    budget: float | None
    rows: np.ndarray  # the samples the tasks cover, in task order
    tasks: list
    thresholds: list[float | None] = field(default_factory=list)  # minimal attacks: eps thresholds
    targets: np.ndarray | None = None
    targeted: bool = False


def _attack_tasks(ctx: _Context, index: int, section: AttackSection) -> list[_MethodTasks]:
    spec = get_attack(section.name)
    if spec.family == "whitebox" and not ctx.clf.whitebox:
        ctx.warnings.append(f"skipped white-box attack '{spec.name}': the model is audited black-box")
        return []
    params = resolve_params(spec, section.params, where=f"attacks[{index}].params", quick=ctx.recipe.quick)
    norm = attack_norm(spec, params)
    attacked = np.flatnonzero(ctx.clean_pred == ctx.y)
    rng_targets = np.random.default_rng([ctx.recipe.seed, index, 7])
    targets_all = random_targets(ctx.y, ctx.clf.num_classes, rng_targets) if section.targeted else None
    batches = sample_batches(attacked, SAMPLES_PER_TASK if spec.per_sample else max(len(attacked), 1))
    budgets: list[float | None] = list(section.eps) if spec.budget == "eps" else [None]
    planned = []
    for j, eps in enumerate(budgets):
        tasks = [
            AttackTask(spec.name, dict(params), norm, eps, (ctx.recipe.seed, index, j), b, ctx.x[rows],
                       ctx.y[rows], None if targets_all is None else targets_all[rows], section.queries)
            for b, rows in enumerate(batches)
        ]
        thresholds = [eps] if spec.budget == "eps" else (section.eps or [None])
        planned.append(_MethodTasks(spec.family, spec.name, norm, eps, attacked, tasks, list(thresholds),
                                    targets_all, section.targeted))
    return planned


def _perturbation_tasks(ctx: _Context) -> list[_MethodTasks]:
    low, high = ctx.recipe.preprocess.input_range
    every = np.arange(len(ctx.x))
    batches = sample_batches(every, SAMPLES_PER_TASK)
    planned = []
    for i, section in enumerate(ctx.recipe.perturbations):
        name = get_perturbation(section.name)
        for severity in section.severities:
            tasks = [PerturbationTask(name, severity, low, high, (ctx.recipe.seed, 1000 + i, severity), b,
                                      ctx.x[rows]) for b, rows in enumerate(batches)]
            planned.append(_MethodTasks("perturbation", name, "l2", float(severity), every, tasks))
    return planned


def _add_rows(ctx: _Context, method: _MethodTasks, results: list[TaskResult]) -> None:
    """Report rows of one method at one budget from its tasks' results (evaluated here)."""
    seconds = sum(r.seconds for r in results)
    x_adv = ctx.x.copy()
    if len(method.rows):
        x_adv[method.rows] = np.concatenate([r.x for r in results])
    if method.kind == "perturbation":
        ctx.outcome_rows.append(
            _row_from(ctx, method.name, "perturbation", "l2", method.budget, x_adv, seconds, 0, None, False))
        return
    queries = sum(r.queries for r in results)
    per_sample = int(round(queries / max(len(method.rows), 1))) if method.kind == "blackbox" else 0
    bounded = get_attack(method.name).budget == "eps"
    for threshold in method.thresholds:
        limited = x_adv if bounded else within_threshold(x_adv, ctx.x, threshold, method.norm)
        ctx.outcome_rows.append(
            _row_from(ctx, method.name, method.kind, method.norm, threshold, limited, seconds, per_sample,
                      method.targets, method.targeted))


def _run_methods(ctx: _Context, engine: EngineSpec, step: Callable[..., None]) -> None:
    """Every attack and perturbation, as tasks on ``engine``; rows in recipe order."""
    planned = [m for i, s in enumerate(ctx.recipe.attacks) for m in _attack_tasks(ctx, i, s)]
    planned += _perturbation_tasks(ctx)
    tasks = [t for m in planned for t in m.tasks]
    if not tasks:
        return
    per_task = len(planned) / len(tasks)  # the progress bar counts methods x budgets
    source: Classifier | ModelSource = ctx.clf if engine.in_process else ctx.source
    results = map_tasks(partial(run_task, source=source), tasks, engine=engine, description="audit",
                        progress=lambda n: step("attacks and perturbations", n * per_task))
    start = 0
    for method in planned:
        _add_rows(ctx, method, results[start:start + len(method.tasks)])
        start += len(method.tasks)


def _run_standard(ctx: _Context, step: Callable[[str], None]) -> None:
    """The standard evaluation: a report section and one result row (per-sample worst case)."""
    section = ctx.recipe.standard
    start = time.perf_counter()
    result = standard_evaluation(
        ctx.clf, ctx.x, ctx.y, section.eps, section.norm, ctx.recipe.seed, ctx.recipe.quick,
        section.checks, step, section.queries,
    )
    seconds = time.perf_counter() - start
    ctx.standard = result.as_dict()
    failed = [c for c in result.checks if not c["passed"]]
    ctx.warnings.extend(f"gradient-masking check failed: {c['check']} ({c['detail']})" for c in failed)
    ctx.outcome_rows.append(
        _row_from(ctx, "standard", "whitebox" if ctx.clf.whitebox else "blackbox", section.norm, section.eps,
                  result.x_worst, seconds, 0, None, False)
    )


def _detector_inputs(recipe: AuditRecipe, clf: Classifier, base: Path) -> tuple:
    """Mahalanobis features and clean training samples, checked before any work starts."""
    section = recipe.detector
    if section.name != "mahalanobis":
        return None, None
    if recipe.defence is not None and section.layer != "logits":
        raise InputError(f"layer '{section.layer}' would bypass the defence '{recipe.defence.name}' in front "
                         "of the model; use layer: logits (the defended model's logits)",
                         where="detector.layer")
    features = keras_layer_features(resolve_path(recipe.model.path, base), section.layer, clf)
    if section.data is None:
        return features, None
    path = resolve_path(section.data, base)
    x, y = load_images(path, recipe.data.layout)
    rows = select_samples(y, section.data_limit, recipe.seed, True)
    check_range(x[rows], recipe.preprocess.input_range, str(path))
    check_compatible(clf, x[rows[:8]], y[rows[:8]], str(path))
    return features, (x[rows], y[rows])


def _run_detector(ctx: _Context, step: Callable[[str], None]) -> None:
    section = ctx.recipe.detector
    step(f"detector {section.name} eps={section.eps:g}")
    features, train = ctx.detector_inputs
    options = {"lambdas": tuple(section.adaptive_lambdas), "steps": section.adaptive_steps}
    ctx.detection = evaluate_detection(
        ctx.clf, ctx.x, ctx.y, section.eps, section.false_positive_rate, ctx.recipe.seed, ctx.recipe.quick,
        detector=section.name, features_tf=features, train=train, adaptive=section.adaptive,
        adaptive_options=options,
    )


def total_steps(recipe: AuditRecipe) -> int:
    """How many progress steps :func:`run_audit` reports."""
    count = sum(len(s.severities) for s in recipe.perturbations)
    count += 4 if recipe.standard is not None else 0
    count += 1 if recipe.detector is not None else 0
    for s in recipe.attacks:
        count += len(s.eps) if get_attack(s.name).budget == "eps" else 1
    if recipe.harden is not None:
        count = 2 * count + recipe.harden.epochs
    return count


def run_audit(
    recipe: AuditRecipe, base: Path | None = None, step: Callable[..., None] | None = None,
    engine: EngineSpec | None = None,
) -> AuditOutcome:
    """Run a whole audit; ``step(description, amount=1)`` reports progress in the units of
    :func:`total_steps`. With a ``harden`` section: audit, adversarial training, and the audit
    of the hardened model. ``engine``: where the attack and perturbation tasks run
    (default in-process); the report is the same on every engine."""
    base = base or Path.cwd()
    engine = engine or EngineSpec()
    if recipe.harden is not None:
        from mstool.toolkit.audit.before_after import run_hardening

        _validate_sections(recipe)
        return run_hardening(recipe, base, step, engine)
    ctx = prepare(recipe, base)
    step = step or (lambda *_: None)
    if recipe.standard is not None:
        _run_standard(ctx, step)
    _run_methods(ctx, engine, step)
    if recipe.detector is not None:
        _run_detector(ctx, step)
    report = _build_report(ctx, base)
    return AuditOutcome(report, ctx.x, ctx.y, ctx.clean_pred, ctx.perturbed)


def summarize(rows: list[ResultRow], clean_accuracy: float) -> Summary:
    """Accuracy under the strongest attack per (norm, budget) and corruption accuracy."""
    strongest: dict[tuple, ResultRow] = {}
    for row in rows:
        if row.kind == "perturbation":
            continue
        key = (row.norm, row.budget)
        if key not in strongest or row.accuracy < strongest[key].accuracy:
            strongest[key] = row
    per_budget = [
        {"norm": k[0], "budget": k[1], "accuracy": r.accuracy, "method": r.method}
        for k, r in sorted(strongest.items(), key=lambda kv: (kv[0][0], kv[0][1] or np.inf))
    ]
    corr = [r.accuracy for r in rows if r.kind == "perturbation"]
    mean_corr = float(np.mean(corr)) if corr else None
    attack_acc = [r.accuracy for r in rows if r.kind != "perturbation"]
    return Summary(
        strongest_per_budget=per_budget,
        worst_accuracy=min(attack_acc) if attack_acc else None,
        mean_corruption_accuracy=mean_corr,
        relative_corruption_accuracy=(mean_corr / clean_accuracy)
        if mean_corr is not None and clean_accuracy > 0
        else None,
    )


def _clever(ctx: _Context) -> dict[str, float] | None:
    m = ctx.recipe.metrics
    if not m.clever or not ctx.clf.whitebox:
        return None
    rows = np.flatnonzero(ctx.clean_pred == ctx.y)[: m.clever_samples]
    rng = np.random.default_rng([ctx.recipe.seed, 99])
    radius = m.clever_radius * (ctx.clf.clip[1] - ctx.clf.clip[0])
    scores = clever_scores(
        ctx.clf, ctx.x[rows], ctx.y[rows], radius, m.clever_batches, m.clever_batch_size, rng
    )
    return {"mean": float(scores.mean()), "min": float(scores.min()), "samples": float(len(scores))}


def _build_report(ctx: _Context, base: Path) -> AuditReport:
    recipe = ctx.recipe
    clean = float((ctx.clean_pred == ctx.y).mean())
    summary = summarize(ctx.outcome_rows, clean)
    summary.clever = _clever(ctx)
    return AuditReport(
        model=recipe.model.path,
        model_format=ctx.clf.model_format,
        whitebox=ctx.clf.whitebox,
        second_model=recipe.second_model.path if recipe.second_model else None,
        data=recipe.data.path,
        samples=len(ctx.x),
        num_classes=ctx.clf.num_classes,
        input_shape=list(ctx.x.shape[1:]),
        input_range=tuple(recipe.preprocess.input_range),
        seed=recipe.seed,
        clean_accuracy=clean,
        second_clean_accuracy=float((ctx.second_pred == ctx.y).mean())
        if ctx.second_pred is not None
        else None,
        results=ctx.outcome_rows,
        summary=summary,
        robust_accuracy=ctx.standard["robust_accuracy"] if ctx.standard else summary.worst_accuracy,
        standard=ctx.standard,
        defence=recipe.defence.model_dump() if recipe.defence else None,
        detection=ctx.detection,
        warnings=ctx.warnings,
    )
