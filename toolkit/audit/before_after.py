"""Model -> hardened model -> re-audit: the recipe's audit before and after adversarial training,
with the comparison in the report of the hardened model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from mstool.schemas.audit import AuditRecipe, AuditReport
from mstool.toolkit.audit.data import check_range, load_images
from mstool.toolkit.audit.harden import HardenSettings, adversarial_train, load_trainable, save_model
from mstool.toolkit.audit.models import Preprocess, resolve_model_path
from mstool.toolkit.errors import InputError
from mstool.toolkit.io.recipes import resolve_path


def hardened_path(recipe: AuditRecipe) -> Path:
    """Where the hardened model goes: ``harden.output``, else ``<report.dir>/hardened.keras``."""
    return Path(recipe.harden.output or Path(recipe.report.dir) / "hardened.keras").expanduser()


def _training_set(recipe: AuditRecipe, base: Path, model: object) -> tuple[np.ndarray, np.ndarray]:
    """The harden data, checked against the model before anything runs."""
    where = recipe.harden.data
    x, y = load_images(resolve_path(where, base), recipe.data.layout)
    check_range(x, recipe.preprocess.input_range, where)
    shape = Preprocess(layout=recipe.preprocess.layout).model_shape(x.shape[1:])
    expected = tuple(model.input_shape[1:])
    if len(expected) != len(shape) or any(e not in (None, g) for e, g in zip(expected, shape, strict=True)):
        raise InputError(
            f"model expects input shape {expected} but the training data gives {shape}", where=where
        )
    classes = int(model.output_shape[-1])
    if y.min() < 0 or y.max() >= classes:
        raise InputError(f"training labels must be in [0, {classes - 1}]", where=where)
    return x, y


def run_hardening(
    recipe: AuditRecipe, base: Path, step: Callable[..., None] | None = None, engine=None,  # noqa: ANN001
):  # noqa: ANN201 - an AuditOutcome (runner imports this module)
    """Audit, harden by adversarial training, audit the hardened model; the second outcome's
    report carries ``hardening`` with the training log and the before/after rows."""
    from mstool.toolkit.audit.runner import _preprocess, run_audit

    step = step or (lambda *_: None)
    section = recipe.harden
    model_path = resolve_model_path(resolve_path(recipe.model.path, base))
    model = load_trainable(model_path)
    x, y = _training_set(recipe, base, model)
    plain = recipe.model_copy(update={"harden": None}, deep=True)
    before = run_audit(plain, base, step, engine)
    settings = HardenSettings(
        eps=section.eps, attack=section.attack, steps=section.steps, ratio=section.ratio,
        epochs=section.epochs, batch_size=section.batch_size, learning_rate=section.learning_rate,
        seed=recipe.seed, step_size=section.step_size, eps_ramp_epochs=section.eps_ramp_epochs,
        lr_schedule=section.lr_schedule, shift=section.shift,
    )
    trained = adversarial_train(model, x, y, settings, _preprocess(recipe), progress=step)
    out = save_model(model, hardened_path(recipe))
    after_recipe = plain.model_copy(deep=True)
    after_recipe.model.path = str(out.resolve())
    after_recipe.model.format = "keras"
    after = run_audit(after_recipe, base, step, engine)
    after.report.hardening = {
        "model": str(out),
        "from_model": recipe.model.path,
        "settings": section.model_dump(),
        "training_seconds": round(trained.seconds, 2),
        "epochs": trained.epochs,
        "before": _headline(before.report),
        "after": _headline(after.report),
        "rows": compare(before.report, after.report),
    }
    return after


def _headline(report: AuditReport) -> dict:
    return {"clean_accuracy": report.clean_accuracy, "robust_accuracy": report.robust_accuracy}


def compare(before: AuditReport, after: AuditReport) -> list[dict]:
    """Accuracy per method and budget, before and after (same recipe, so the same rows).

    >>> from mstool.schemas.audit import ResultRow
    >>> def rep(acc):
    ...     row = ResultRow(method="pgd", kind="whitebox", norm="linf", budget=0.1, accuracy=acc,
    ...                     success_rate=0.0, seconds=0.0)
    ...     return AuditReport(model="m", model_format="keras", whitebox=True, data="d", samples=1,
    ...                        num_classes=2, input_shape=[1], input_range=(0, 1), seed=0,
    ...                        clean_accuracy=1.0, results=[row], summary={})
    >>> compare(rep(0.2), rep(0.9))[0]["after"]
    0.9
    """
    return [
        {"method": b.method, "norm": b.norm, "budget": b.budget, "before": b.accuracy, "after": a.accuracy}
        for b, a in zip(before.results, after.results, strict=True)
    ]
