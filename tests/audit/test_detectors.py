"""Detectors: Mahalanobis separates shifted inputs, the adaptive attack on classifier and detector
together breaks what a non-adaptive attack leaves guarded, and bad detector input is one line."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.audit.defences import roc_auc
from mstool.toolkit.audit.detectors import (
    MahalanobisDetector,
    evaluate_detection,
    guarded_accuracy,
)
from tests.audit.conftest import DEMO
from tests.conftest import run_cli


def _flatten(t):  # noqa: ANN001, ANN202
    import tensorflow as tf

    return tf.reshape(t, (tf.shape(t)[0], -1))


def test_mahalanobis_flags_a_shifted_distribution_and_matches_the_formula():
    rng = np.random.default_rng(0)
    cov = np.array([[1.0, 0.8, 0.0], [0.8, 1.0, 0.0], [0.0, 0.0, 0.2]])
    means = np.array([[0.0, 0.0, 0.0], [4.0, 4.0, 0.0]])
    y = rng.integers(0, 2, 400)
    x = (means[y] + rng.multivariate_normal(np.zeros(3), cov, 400)).astype(np.float32)
    det = MahalanobisDetector(_flatten).fit_gaussians(x[:200], y[:200]).fit(x[200:300], 0.05)
    clean = det.scores(x[300:])
    # shifted along the low-variance axis: close in Euclidean terms, far in Mahalanobis terms
    shifted = det.scores(x[300:] + np.array([0.0, 0.0, 1.5], np.float32))
    assert roc_auc(clean, shifted) > 0.95
    assert det.detect(x[300:] + np.array([0.0, 0.0, 1.5], np.float32)).mean() > 0.8
    assert det.detect(x[300:]).mean() < 0.15
    d = x[300] - det.means
    assert det.scores(x[300:301])[0] == pytest.approx(min(v @ det.precision @ v for v in d), rel=1e-6)
    import tensorflow as tf

    in_tf = det.score_tf(tf.constant(x[300:305])).numpy()
    np.testing.assert_allclose(in_tf, det.scores(x[300:305]), rtol=1e-4)


@pytest.mark.parametrize("detector", ["mahalanobis", "feature_squeezing"])
def test_adaptive_attack_lowers_the_guarded_accuracy(detector, digits_clf):
    from tests.conftest import REPO_ROOT

    clf, x, y = digits_clf
    with np.load(REPO_ROOT / "recipes" / "data" / "train" / "digits_train.npz") as data:
        train = (data["x"][:400].astype(np.float32), data["y"][:400])
    result = evaluate_detection(clf, x, y, 0.15, quick=True, attacks=("pgd",), detector=detector,
                                train=train, false_positive_rate=0.1)
    naive, adaptive = result["attacks"]
    assert (naive["attack"], adaptive["attack"], adaptive["adaptive"]) == ("pgd", "adaptive pgd", True)
    assert naive["adversarials"] >= 5 and naive["roc_auc"] > 0.7
    assert naive["accuracy"] <= naive["guarded_accuracy"] <= 1.0
    # the non-adaptive attack is often caught; attacking the detector too gets through more
    assert adaptive["guarded_accuracy"] < naive["guarded_accuracy"] - 0.1, result
    assert adaptive["detection_rate"] < naive["detection_rate"]
    assert result["guarded_robust_accuracy"] <= adaptive["guarded_accuracy"]


def test_guarded_accuracy_counts_correct_or_flagged(linear_model):
    from mstool.toolkit.audit.models import Preprocess, load_classifier

    clf = load_classifier(linear_model[0], Preprocess())
    x = np.random.default_rng(1).uniform(0, 1, (6, 4, 4, 1)).astype(np.float32)
    pred = clf.predict(x, count=False)
    wrong = (pred + 1) % 3

    class Flags:
        def detect(self, xs):  # noqa: ANN001, ANN202
            return np.arange(len(xs)) < 2

    assert guarded_accuracy(clf, Flags(), x, wrong) == pytest.approx(2 / 6)
    assert guarded_accuracy(clf, Flags(), x, pred) == 1.0


@pytest.mark.parametrize(
    "sets, message",
    [
        (["--set", "detector={eps: 0.1, name: mahalonobis}"], "did you mean mahalanobis?"),
        (["--set", "detector={eps: 0.1, name: mahalanobis}", "--set", "model.whitebox=false"],
         "detector 'mahalanobis' needs a model with gradients (PGD, CW and the adaptive attack"),
        (["--set", "detector={eps: 0.1, name: mahalanobis, layer: dens}"], "did you mean dense"),
        (["--set", "detector={eps: 0.1, name: mahalanobis, layer: dense}", "--set", "defence={name: median}"],
         "would bypass the defence 'median'"),
    ],
)
def test_detector_bad_input_is_one_line_exit_2(sets, message, digits_dir, tmp_path):
    args = ["audit", "--model", DEMO / "digits_cnn.keras", "--data", digits_dir / "digits.npz",
            "--attack", "fgsm", "--eps", "0.1", "-o", tmp_path / "o", *sets]
    res = run_cli(*args)
    assert res.exit_code == 2, res.stderr
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o" / "report.json").exists()


@pytest.mark.slow  # TensorFlow start, PGD, CW and the adaptive attack: ~15-30 s on 2 busy cores
def test_mahalanobis_detector_from_the_shell(digits_dir, tmp_path):
    from tests.conftest import REPO_ROOT

    train = REPO_ROOT / "recipes" / "data" / "train" / "digits_train.npz"
    model, data = DEMO / "digits_cnn.keras", digits_dir / "digits.npz"
    res = run_cli("--json", "audit", "--model", model, "--data", data,
                  "--attack", "fgsm", "--eps", "0.1", "--quick", "--limit", "40", "-o", tmp_path / "o",
                  "--set", f"detector={{eps: 0.15, name: mahalanobis, layer: dense, data: {train}, "
                  "data_limit: 300, adaptive_steps: 10}")
    assert res.exit_code == 0, res.stderr
    detection = res.json()["detection"]
    assert detection["name"] == "mahalanobis" and detection["samples"]["gaussians"] == 300
    rows = {a["attack"]: a for a in detection["attacks"]}
    assert set(rows) == {"pgd", "cw", "adaptive pgd", "adaptive cw"} and rows["cw"]["budget"] is None
    assert detection["guarded_robust_accuracy"] <= min(rows["pgd"]["guarded_accuracy"],
                                                       rows["adaptive pgd"]["guarded_accuracy"])
    assert "guarded accuracy" in (tmp_path / "o" / "report.md").read_text()


def test_adaptive_cw_gets_past_feature_squeezing_where_plain_cw_is_caught(digits_clf):
    from mstool.toolkit.audit.adaptive import adaptive_cw
    from mstool.toolkit.audit.attacks import attack
    from mstool.toolkit.audit.detectors import build_detector

    clf, x, y = digits_clf
    correct = np.flatnonzero(clf.predict(x, count=False) == y)
    det = build_detector("feature_squeezing", clf).fit(x[correct[:20]], 0.1)
    xt, yt = x[correct[20:40]], y[correct[20:40]]

    def evaded(x_adv):  # noqa: ANN001, ANN202
        return (clf.predict(x_adv, count=False) != yt) & ~det.detect(x_adv)

    plain = attack(clf, xt, yt, "cw", binary_search_steps=4, max_iter=30)
    adaptive = adaptive_cw(clf, det, xt, yt, np.random.default_rng(0), quick=True)
    moved = np.abs(adaptive - xt).reshape(len(xt), -1).max(axis=1) > 0
    # a sample the adaptive attack returns changed is misclassified and unflagged; others are untouched
    assert (evaded(adaptive) == moved).all()
    assert (clf.predict(plain, count=False) != yt).all() and evaded(plain).sum() < len(yt) - 2
    assert evaded(adaptive).sum() > evaded(plain).sum() + 2


def test_detector_option_from_the_shell(digits_dir, tmp_path):
    model, data = DEMO / "digits_cnn.keras", digits_dir / "digits.npz"
    res = run_cli("--json", "audit", "--model", model, "--data", data, "--detector", "feature-squeezing",
                  "--eps", "0.15", "--quick", "--limit", "24",
                  "-o", tmp_path / "o", "--set", "detector.adaptive_steps=5")
    assert res.exit_code == 0, res.stderr
    detection = res.json()["detection"]
    rows = {a["attack"]: a for a in detection["attacks"]}
    assert detection["name"] == "feature_squeezing"
    assert set(rows) == {"pgd", "cw", "adaptive pgd", "adaptive cw"}
    assert rows["pgd"]["budget"] == 0.15 and 0.0 <= rows["cw"]["roc_auc"] <= 1.0
    assert rows["adaptive cw"]["median_l2"] > 0 and detection["guarded_robust_accuracy"] <= 1.0
    html = (tmp_path / "o" / "report.html").read_text()
    assert "adaptive cw" in html and "median L2" in html


@pytest.mark.parametrize(
    "args, message",
    [
        (["--detector", "mahalonobis", "--eps", "0.1"], "--detector: unknown detector 'mahalonobis'"),
        (["--detector", "mahalanobis"], "--detector needs --eps"),
    ],
)
def test_detector_option_bad_input_is_one_line_exit_2(args, message, digits_dir, tmp_path):
    res = run_cli("audit", "--model", DEMO / "digits_cnn.keras", "--data", digits_dir / "digits.npz",
                  "-o", tmp_path / "o", *args)
    assert res.exit_code == 2, res.stderr
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1
