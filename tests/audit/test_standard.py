"""Standard evaluation: exact on a linear model, no weaker than an independent PGD, CLI output."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.audit.models import Preprocess, check_compatible, load_classifier
from mstool.toolkit.audit.standard import standard_evaluation
from tests.audit.conftest import DEMO
from tests.conftest import run_cli


def reference_pgd(model, x, y, eps, steps=40, seed=0):
    """Textbook Linf PGD (Madry et al.) written directly against Keras, as an independent check."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    x_adv = np.clip(x + rng.uniform(-eps, eps, x.shape), 0, 1).astype(np.float32)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    for _ in range(steps):
        t = tf.constant(x_adv)
        with tf.GradientTape() as tape:
            tape.watch(t)
            loss = loss_fn(y, model(t, training=False))
        g = tape.gradient(loss, t).numpy()
        x_adv = np.clip(np.clip(x_adv + 2.5 * eps / steps * np.sign(g), x - eps, x + eps), 0, 1)
    return float((model.predict(x_adv, verbose=0).argmax(axis=1) == y).mean())


def test_linear_model_robust_accuracy_is_exact(tmp_path):
    """For z = W^T x + b with an unconstrained box, sample i is robust at Linf eps exactly when
    min_j (z_y - z_j) / ||w_y - w_j||_1 > eps."""
    import keras

    from tests.audit.conftest import linear_weights

    w, b = linear_weights(seed=1, classes=4)
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(4)])
    model.layers[-1].set_weights([w, b])
    model.save(tmp_path / "lin.keras")
    clf = load_classifier(tmp_path / "lin.keras", Preprocess(input_range=(-50.0, 50.0)))
    x = np.random.default_rng(0).uniform(-1, 1, (40, 4, 4, 1)).astype(np.float32)
    z = x.reshape(40, -1) @ w + b
    y = z.argmax(axis=1)
    check_compatible(clf, x, y, "lin")
    margins = np.array([
        min((z[i, y[i]] - z[i, j]) / np.abs(w[:, y[i]] - w[:, j]).sum() for j in range(4) if j != y[i])
        for i in range(40)
    ])
    eps = float(np.median(margins))
    keep = np.abs(margins - eps) > 0.02 * eps  # no sample sits on the threshold
    result = standard_evaluation(clf, x[keep], y[keep], eps, quick=True, checks=False, queries=100)
    assert result.clean_accuracy == 1.0
    assert result.robust_accuracy == pytest.approx(float((margins[keep] > eps).mean()))


def test_standard_is_no_weaker_than_an_independent_pgd(digits_clf):
    import keras

    clf, x, y = digits_clf
    model = keras.models.load_model(DEMO / "digits_cnn.keras")
    eps = 0.12
    result = standard_evaluation(clf, x, y, eps, quick=True, queries=300)
    pgd_accuracy = reference_pgd(model, x, y, eps)
    apgd = result.attacks[0]
    assert apgd["attack"] == "apgd-ce"
    assert result.robust_accuracy <= pgd_accuracy
    assert apgd["robust_accuracy"] <= pgd_accuracy + 1 / len(y)  # APGD alone no weaker than PGD
    assert result.robust_accuracy < result.clean_accuracy
    assert all(check["passed"] for check in result.checks), result.checks
    assert [a["robust_accuracy"] for a in result.attacks] == sorted(
        (a["robust_accuracy"] for a in result.attacks), reverse=True
    )


def test_cli_standard_prints_top_level_robust_accuracy(digits_dir, tmp_path):
    res = run_cli(
        "--json", "audit", "--model", DEMO / "digits_cnn.keras", "--data", digits_dir / "digits.npz",
        "--standard", "--eps", "0.1", "--quick", "--queries", "200", "--limit", "20", "-o", tmp_path / "o",
    )
    assert res.exit_code == 0, res.stderr
    doc = res.json()
    assert 0 <= doc["robust_accuracy"] <= doc["clean_accuracy"]
    assert doc["robust_accuracy"] == doc["standard"]["robust_accuracy"]
    attacks = [a["attack"] for a in doc["standard"]["attacks"]]
    assert attacks == ["apgd-ce", "apgd-t", "deepfool-linf", "square"]
    assert doc["results"][0]["method"] == "standard"


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--eps", "0.1", "--eps", "0.2"], "give a single --eps"),
        (["--eps", "1.5"], "eps 1.5 is outside (0, 1]"),
        ([], "--standard needs --eps"),
    ],
)
def test_cli_standard_bad_budget_is_exit_2(extra, message, digits_dir, tmp_path):
    res = run_cli(
        "audit", "--model", DEMO / "digits_cnn.keras", "--data", digits_dir / "digits.npz",
        "--standard", *extra, "-o", tmp_path / "o",
    )
    assert res.exit_code == 2
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1
