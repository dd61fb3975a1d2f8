"""L0 decision attacks: salt-and-pepper noise of growing density, and pointwise (which then
restores every pixel it can while staying adversarial).
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, register
from mstool.toolkit.audit.attacks.blackbox.common import is_adversarial, query_budget


def _salt_pepper(job: AttackJob, rows: np.ndarray, density: float) -> np.ndarray:
    x = job.x[rows].copy()
    hit = job.rng.random(x.shape[:3]) < density
    salt = job.rng.random(x.shape[:3]) < 0.5
    x[hit & salt] = job.high
    x[hit & ~salt] = job.low
    return x


def salt_and_pepper_search(job: AttackJob, steps: int, repeats: int) -> tuple[np.ndarray, np.ndarray]:
    """Smallest density of salt-and-pepper noise that fools the model, per sample."""
    x_adv = job.x.copy()
    done = job.success(job.clf.predict(job.x, count=False))
    found = np.zeros(len(job.x), bool)
    for _ in range(repeats):
        for density in np.linspace(1.0 / steps, 1.0, steps):
            active = np.flatnonzero(~done & ~found)
            if not len(active):
                break
            candidate = _salt_pepper(job, active, density)
            ok = is_adversarial(job, candidate, active)
            x_adv[active[ok]] = candidate[ok]
            found[active[ok]] = True
    return x_adv, found


@register(
    "salt_and_pepper",
    family="blackbox",
    norm="l0",
    budget="minimal",
    targeted=False,
    defaults={"steps": 50, "repeats": 2},
    summary="Salt-and-pepper noise of growing density until the label changes (L0).",
)
def salt_and_pepper(job: AttackJob) -> np.ndarray:
    return salt_and_pepper_search(job, int(job.params["steps"]), int(job.params["repeats"]))[0]


@register(
    "pointwise",
    family="blackbox",
    norm="l0",
    budget="minimal",
    targeted=False,
    defaults={"steps": 50, "queries": 3000},
    summary="Pointwise: salt-and-pepper start, then restore pixels one by one while adversarial (L0).",
)
def pointwise(job: AttackJob) -> np.ndarray:
    x_adv, found = salt_and_pepper_search(job, int(job.params["steps"]), 1)
    budget = query_budget(job, int(job.params["queries"]))
    rows = np.flatnonzero(found)
    n_pix = job.x.shape[1] * job.x.shape[2]
    order = np.stack([job.rng.permutation(n_pix) for _ in rows]) if len(rows) else np.zeros((0, n_pix), int)
    w = job.x.shape[2]
    for i in range(min(n_pix, budget)):
        pix = order[:, i]
        r, c = pix // w, pix % w
        changed = np.any(x_adv[rows, r, c] != job.x[rows, r, c], axis=-1)
        live = rows[changed]
        if not len(live):
            continue
        trial = x_adv[live].copy()
        trial[np.arange(len(live)), r[changed], c[changed]] = job.x[live, r[changed], c[changed]]
        ok = is_adversarial(job, trial, live)
        x_adv[live[ok]] = trial[ok]
    return x_adv
