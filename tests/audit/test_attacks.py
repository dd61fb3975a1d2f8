"""Every attack respects its budget and the valid range; references for FGSM, DeepFool and CLEVER."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.audit.attacks import ATTACKS, AttackJob, get_attack, run_attack, within_threshold
from mstool.toolkit.audit.attacks.base import norms, resolve_params
from mstool.toolkit.audit.models import Preprocess, check_compatible, load_classifier

# Small settings so every attack runs in about a second on 8 digits.
FAST = {
    "pgd": {"steps": 5},
    "bim": {"steps": 5},
    "mifgsm": {"steps": 5},
    "difgsm": {"steps": 5},
    "mdi2fgsm": {"steps": 5},
    "vmifgsm": {"steps": 3, "variance_samples": 2},
    "vnifgsm": {"steps": 3, "variance_samples": 2},
    "apgd": {"steps": 10},
    "apgd_t": {"steps": 10, "target_classes": 2},
    "universal": {"epochs": 2},
    "cw": {"max_iter": 20, "binary_search_steps": 3},
    "ead": {"max_iter": 20, "binary_search_steps": 2},
    "lbfgs": {"max_iter": 10, "binary_search_steps": 2},
    "deepfool": {"max_iter": 20},
    "square": {"queries": 60},
    "nes": {"queries": 200, "samples": 10},
    "genetic": {"queries": 80},
    "pso": {"queries": 80},
    "simba": {"queries": 100},
    "hopskipjump": {"queries": 600, "max_iter": 4},
    "boundary": {"queries": 300},
    "pointwise": {"queries": 100},
    "salt_and_pepper": {"steps": 10},
}
EPS = {"linf": 0.2, "l2": 0.5, "l1": 2.0, "l0": 6.0}


def _job(clf, x, y, name, eps, seed=0, targets=None):
    spec = get_attack(name)
    params = resolve_params(spec, FAST.get(name, {}), "test")
    norm = params.get("norm", spec.norm)
    return spec, AttackJob(
        clf, x, y, eps, np.random.default_rng(seed), norm=norm, targets=targets, params=params
    )


def test_every_attack_is_covered():
    assert set(FAST) | {"fgsm", "fgm", "rfgsm", "llc", "rllc", "jsma"} == set(ATTACKS)
    assert len(ATTACKS) >= 28


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_respects_budget_and_range(name, digits_clf):
    clf, x, y = digits_clf
    x, y = x[:8], y[:8]
    spec = get_attack(name)
    eps = EPS[spec.norm] if spec.budget == "eps" else None
    _, job = _job(clf, x, y, name, eps)
    x_adv = spec.fn(job)  # the raw attack output, before run_attack's safety projection
    assert x_adv.shape == x.shape
    assert x_adv.min() >= 0.0 - 1e-6 and x_adv.max() <= 1.0 + 1e-6
    if spec.budget == "eps":
        assert norms(x_adv - x, job.norm).max() <= eps * (1 + 1e-5) + 1e-6
    else:
        limited = within_threshold(run_attack(spec, job), x, EPS[spec.norm], job.norm)
        assert norms(limited - x, job.norm).max() <= EPS[spec.norm] * (1 + 1e-5) + 1e-6
    if name not in ("pso", "universal", "rllc", "llc", "square", "fgm", "rfgsm", "nes", "genetic", "ead"):
        # the stronger attacks must fool a digit classifier on at least one of 8 samples
        assert (clf.predict(x_adv, count=False) != y).any(), name


def test_budget_is_in_data_space(digits_dir):
    """With data on a 0-16 scale and scale=1/16, eps is measured on the 0-16 scale."""
    from tests.audit.conftest import DEMO

    with np.load(DEMO / "digits_test.npz") as data:
        x, y = data["x"][:8].astype(np.float32)[..., None], data["y"][:8]
    clf = load_classifier(DEMO / "digits_cnn.keras", Preprocess(scale=1 / 16, input_range=(0.0, 16.0)))
    check_compatible(clf, x, y, "raw")
    assert (clf.predict(x, count=False) == y).mean() > 0.8
    for name in ("pgd", "square"):
        spec, job = _job(clf, x, y, name, 1.6)
        x_adv = run_attack(spec, job)
        delta = np.abs(x_adv - x).max()
        assert 1.0 < delta <= 1.6 + 1e-5 and x_adv.min() >= 0 and x_adv.max() <= 16


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _linear(linear_model, x, y):
    path, w, b = linear_model
    clf = load_classifier(path, Preprocess())
    check_compatible(clf, x, y, "linear")
    return clf, w, b


def test_fgsm_matches_hand_computation(linear_model):
    rng = np.random.default_rng(1)
    x = rng.uniform(0.2, 0.8, (5, 4, 4, 1)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1])
    clf, w, b = _linear(linear_model, x, y)
    z = x.reshape(5, -1) @ w + b
    grad = (_softmax(z) - np.eye(3)[y]) @ w.T  # d CE / dx for softmax regression
    expected = np.clip(x + 0.05 * np.sign(grad).reshape(x.shape), 0, 1)
    spec, job = _job(clf, x, y, "fgsm", 0.05)
    np.testing.assert_allclose(run_attack(spec, job), expected, atol=1e-6)
    spec, job = _job(clf, x, y, "fgsm", 0.05, targets=np.array([1, 2, 0, 2, 0]))
    grad_t = (_softmax(z) - np.eye(3)[[1, 2, 0, 2, 0]]) @ w.T
    np.testing.assert_allclose(
        run_attack(spec, job), np.clip(x - 0.05 * np.sign(grad_t).reshape(x.shape), 0, 1), atol=1e-6
    )


def test_deepfool_finds_the_nearest_linear_boundary(linear_model):
    x = np.full((3, 4, 4, 1), 0.5, np.float32)
    clf, w, b = _linear(linear_model, x, np.zeros(3, int))
    x = x + np.random.default_rng(2).uniform(-0.05, 0.05, x.shape).astype(np.float32)
    z = x.reshape(3, -1) @ w + b
    y = z.argmax(axis=1)
    distance = np.array(
        [
            min(
                abs(z[i, y[i]] - z[i, k]) / np.linalg.norm(w[:, y[i]] - w[:, k])
                for k in range(3)
                if k != y[i]
            )
            for i in range(3)
        ]
    )
    spec, job = _job(clf, x, y, "deepfool", None)
    x_adv = run_attack(spec, job)
    found = norms(x_adv - x, "l2")
    assert (clf.predict(x_adv, count=False) != y).all()
    np.testing.assert_allclose(found, 1.02 * distance, rtol=2e-3, atol=2e-4)


def test_clever_on_a_linear_model_is_the_exact_margin(linear_model):
    from mstool.toolkit.audit.metrics import clever_scores

    x = np.full((2, 4, 4, 1), 0.5, np.float32)
    clf, w, b = _linear(linear_model, x, np.zeros(2, int))
    z = x.reshape(2, -1) @ w + b
    y = z.argmax(axis=1)
    exact = [
        min((z[i, y[i]] - z[i, k]) / np.linalg.norm(w[:, y[i]] - w[:, k]) for k in range(3) if k != y[i])
        for i in range(2)
    ]
    scores = clever_scores(clf, x, y, radius=5.0, batches=5, batch_size=8, rng=np.random.default_rng(0))
    np.testing.assert_allclose(scores, exact, rtol=1e-3)


def test_targeted_pgd_reaches_targets(digits_clf):
    clf, x, y = digits_clf
    targets = (y[:8] + 1) % 10
    spec, job = _job(clf, x[:8], y[:8], "pgd", 0.3, targets=targets)
    job.params["steps"] = 20
    pred = clf.predict(run_attack(spec, job), count=False)
    assert (pred == targets).mean() >= 0.75


def test_black_box_attacks_count_and_respect_queries(digits_clf):
    clf, x, y = digits_clf
    for name, budget in (("square", 30), ("simba", 40), ("hopskipjump", 400)):
        spec, job = _job(clf, x[:4], y[:4], name, 0.1 if spec_needs_eps(name) else None)
        job.max_queries = budget
        clf.queries = 0
        run_attack(spec, job)
        assert 0 < clf.queries <= 4 * budget, name


def spec_needs_eps(name: str) -> bool:
    return get_attack(name).budget == "eps"


def test_unknown_attack_lists_valid_names():
    from mstool.toolkit.errors import InputError

    with pytest.raises(InputError, match="valid attacks: .*pgd"):
        get_attack("pgdd")
    assert get_attack("Salt-and-Pepper").name == "salt_and_pepper"


def test_universal_perturbation_is_one_perturbation(digits_clf):
    """Away from the clipped pixels every sample carries the same perturbation."""
    clf, x, y = digits_clf
    spec, job = _job(clf, x[:16], y[:16], "universal", 0.2)
    delta = run_attack(spec, job) - x[:16]
    inside = (x[:16] > 0.2) & (x[:16] < 0.8)  # pixels no clipping can touch at eps 0.2
    high = np.where(inside, delta, -np.inf).max(axis=0)
    low = np.where(inside, delta, np.inf).min(axis=0)
    seen = inside.any(axis=0)
    assert seen.sum() > 10
    np.testing.assert_allclose(high[seen], low[seen], atol=1e-6)  # one value per pixel
    assert np.abs(high[seen]).max() > 0.1


def test_field_strength_defaults_are_no_weaker_than_quick(digits_clf):
    from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack

    clf, x, y = digits_clf
    spec = get_attack("pgd")
    field_params, quick_params = resolve_params(spec, {}, "t"), resolve_params(spec, {}, "t", quick=True)
    assert (field_params["steps"], field_params["restarts"]) == (40, 5)
    assert (quick_params["steps"], quick_params["restarts"]) == (10, 1)
    accuracy = {}
    for name, params in (("field", field_params), ("quick", quick_params)):
        job = AttackJob(clf, x, y, 0.12, np.random.default_rng(0), params=dict(params))
        accuracy[name] = float((clf.predict(run_attack(spec, job)) == y).mean())
    assert accuracy["field"] <= accuracy["quick"] < 0.9
