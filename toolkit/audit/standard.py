"""Standard evaluation, AutoAttack-style: APGD-CE, APGD-T (DLR loss), a minimum-norm attack
and Square run in turn, each on the samples still robust, so accuracy is per-sample worst case.

Gradient-masking checks come with it: black-box beating white-box, accuracy that does not
reach zero at a huge budget, and a loss that does not grow under the attack.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack, within_threshold
from mstool.toolkit.audit.attacks.base import resolve_params
from mstool.toolkit.audit.models import Classifier
from mstool.toolkit.errors import InputError

NORMS = ("linf", "l2")


def ensemble(norm: str) -> list[tuple[str, str, dict]]:
    """The attacks of the standard evaluation: (label, registered attack, parameters).

    >>> [label for label, _, _ in ensemble("linf")]
    ['apgd-ce', 'apgd-t', 'deepfool-linf', 'square']
    """
    return [
        ("apgd-ce", "apgd", {"norm": norm, "loss": "ce"}),
        ("apgd-t", "apgd_t", {"norm": norm}),
        (f"deepfool-{norm}", "deepfool", {"norm": norm, "max_iter": 100}),
        ("square", "square", {"norm": norm}),
    ]


@dataclass
class StandardResult:
    """Robust accuracy under the whole ensemble, what each attack added, and the checks."""

    eps: float
    norm: str
    samples: int
    clean_accuracy: float
    robust_accuracy: float
    attacks: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    x_worst: np.ndarray | None = None

    def as_dict(self) -> dict:
        keys = ("eps", "norm", "samples", "clean_accuracy", "robust_accuracy", "attacks", "checks")
        return {k: getattr(self, k) for k in keys}


def check_budget(eps: float, norm: str, clf: Classifier, shape: tuple[int, ...], where: str) -> None:
    """A budget must be positive and inside what the data range allows."""
    if norm not in NORMS:
        raise InputError(f"standard evaluation norm must be one of {NORMS}, got '{norm}'", where=where)
    span = clf.clip[1] - clf.clip[0]
    largest = span if norm == "linf" else span * float(np.sqrt(np.prod(shape)))
    if not 0 < eps <= largest:
        raise InputError(
            f"eps {eps:g} is outside (0, {largest:g}], the largest {norm} distance in the data range "
            f"[{clf.clip[0]:g}, {clf.clip[1]:g}]",
            where=where,
        )


def standard_evaluation(
    clf: Classifier,
    x: np.ndarray,
    y: np.ndarray,
    eps: float,
    norm: str = "linf",
    seed: int = 0,
    quick: bool = False,
    checks: bool = True,
    step: Callable[[str], None] | None = None,
    queries: int | None = None,
) -> StandardResult:
    """Robust accuracy at ``eps``: a sample counts only if every attack of :func:`ensemble` fails.

    ``quick`` takes the attacks' cheaper settings; ``queries`` caps Square's queries per sample
    (default 5,000, AutoAttack's; 1,000 when ``quick``).

    >>> import numpy as np
    >>> from mstool.toolkit.audit.models import Classifier, Preprocess
    >>> clf = Classifier("sign", "python", lambda x: np.c_[x.sum((1, 2, 3)), -x.sum((1, 2, 3))],
    ...                  (2, 2, 1), Preprocess(input_range=(-1.0, 1.0)), num_classes=2)
    >>> x = np.full((4, 2, 2, 1), 0.5, np.float32); x[2:] *= -1
    >>> res = standard_evaluation(clf, x, np.array([0, 0, 1, 1]), eps=0.2, queries=50)
    >>> res.clean_accuracy, res.robust_accuracy
    (1.0, 1.0)
    """
    check_budget(eps, norm, clf, x.shape[1:], "standard.eps")
    step = step or (lambda _: None)
    robust = clf.predict(x, count=False) == y
    clean = float(robust.mean())
    x_worst = x.copy()
    result = StandardResult(eps, norm, len(x), clean, clean)
    for i, (label, name, params) in enumerate(ensemble(norm)):
        spec = get_attack(name)
        if spec.family == "whitebox" and not clf.whitebox:
            result.attacks.append({"attack": label, "skipped": "the model is audited black-box"})
            continue
        rows = np.flatnonzero(robust)
        step(f"standard {label} eps={eps:g}")
        start = time.perf_counter()
        fooled = np.zeros(0, bool)
        if len(rows):
            job = AttackJob(clf, x[rows], y[rows], eps, np.random.default_rng([seed, 2024, i]), norm=norm,
                            params=resolve_params(spec, params, "standard", quick), max_queries=queries)
            x_adv = run_attack(spec, job)
            if spec.budget == "minimal":
                x_adv = within_threshold(x_adv, x[rows], eps, norm)
            fooled = clf.predict(x_adv, count=False) != y[rows]
            x_worst[rows[fooled]] = x_adv[fooled]
            robust[rows[fooled]] = False
        result.attacks.append({
            "attack": label,
            "attacked": int(len(rows)),
            "fooled": int(fooled.sum()),
            "robust_accuracy": float(robust.mean()),
            "seconds": round(time.perf_counter() - start, 3),
        })
    result.robust_accuracy = float(robust.mean())
    result.x_worst = x_worst
    if checks and clf.whitebox:
        result.checks = masking_checks(clf, x, y, eps, norm, seed, result)
    return result


def masking_checks(
    clf: Classifier, x: np.ndarray, y: np.ndarray, eps: float, norm: str, seed: int, result: StandardResult
) -> list[dict]:
    """Signs that gradients are masked, so white-box numbers would overstate robustness."""
    by_label = {a["attack"]: a for a in result.attacks}
    square_new = by_label.get("square", {}).get("fooled", 0)
    out = [{
        "check": "black-box does not beat white-box",
        "passed": square_new == 0,
        "detail": f"Square fooled {square_new} sample(s) that every gradient attack missed",
    }]
    correct = np.flatnonzero(clf.predict(x, count=False) == y)[:32]
    if not len(correct):
        return out
    span = clf.clip[1] - clf.clip[0]
    huge = 0.5 * span if norm == "linf" else 0.5 * span * float(np.sqrt(np.prod(x.shape[1:])))
    spec = get_attack("apgd")
    job = AttackJob(clf, x[correct], y[correct], huge, np.random.default_rng([seed, 77]), norm=norm,
                    params=resolve_params(spec, {"norm": norm, "steps": 20}, "check"))
    x_huge = run_attack(spec, job)
    left = float((clf.predict(x_huge, count=False) == y[correct]).mean())
    out.append({
        "check": "accuracy reaches zero at a huge budget",
        "passed": left <= 0.05,
        "detail": f"APGD-CE at eps {huge:g} ({norm}) leaves accuracy {left:.3f} on {len(correct)} samples",
    })
    job = AttackJob(clf, x[correct], y[correct], eps, np.random.default_rng([seed, 78]), norm=norm,
                    params=resolve_params(spec, {"norm": norm, "steps": 20}, "check"))
    before = _cross_entropy(clf, x[correct], y[correct])
    after = _cross_entropy(clf, run_attack(spec, job), y[correct])
    grew = float((after > before + 1e-6).mean())
    out.append({
        "check": "loss grows under the attack",
        "passed": grew >= 0.9,
        "detail": f"cross-entropy grew on {grew:.0%} of samples "
        f"(mean {before.mean():.3f} -> {after.mean():.3f})",
    })
    return out


def _cross_entropy(clf: Classifier, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    z = clf.logits(x, count=False)
    z = z - z.max(axis=1, keepdims=True)
    return np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(z)), y]
