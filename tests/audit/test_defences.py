"""Defences and hardening: transforms, adaptive (BPDA) evaluation that the masking checks can tell
from a naive one, the feature-squeezing detector, and adversarial training that helps."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from mstool.toolkit.audit.defences import (
    bit_depth,
    defended_classifier,
    evaluate_detector,
    get_transform,
    jpeg_compression,
    median_smoothing,
)
from mstool.toolkit.audit.standard import standard_evaluation
from mstool.toolkit.errors import InputError


def test_transforms_keep_shape_range_and_match_references():
    x = np.random.default_rng(0).uniform(0, 16, (3, 8, 8, 1)).astype(np.float32)
    squeezed = bit_depth(x, 0.0, 16.0, bits=3)
    np.testing.assert_allclose(squeezed, np.round(x / 16 * 7) / 7 * 16, rtol=1e-6)
    np.testing.assert_array_equal(
        median_smoothing(x, 0, 16, size=3), ndimage.median_filter(x, size=(1, 3, 3, 1), mode="reflect")
    )
    compressed = jpeg_compression(x, 0.0, 16.0, quality=50)
    assert compressed.shape == x.shape and 0 <= compressed.min() and compressed.max() <= 16
    assert 0 < np.abs(compressed - x).mean() < 2.0
    with pytest.raises(InputError, match="did you mean bit_depth"):
        get_transform("bitdepth", {})
    with pytest.raises(InputError, match="no parameter"):
        get_transform("median", {"bits": 2})


def test_naive_evaluation_of_a_squeezing_defence_is_caught_and_bpda_is_stronger(digits_clf):
    clf, x, y = digits_clf
    x, y = x[:30], y[:30]
    squeezed = defended_classifier(clf, "bit_depth", {"bits": 2}, adaptive=False)
    naive = standard_evaluation(squeezed, x, y, 0.12, quick=True, queries=100)
    # rounding has zero gradient: white-box attacks stall, Square finds what they missed
    assert not all(c["passed"] for c in naive.checks)
    assert sum(a["fooled"] for a in naive.attacks[:3]) == 0
    adaptive = standard_evaluation(
        defended_classifier(clf, "bit_depth", {"bits": 2}), x, y, 0.12, quick=True, queries=100
    )
    assert all(c["passed"] for c in adaptive.checks), adaptive.checks
    assert adaptive.attacks[0]["fooled"] > 0
    assert adaptive.robust_accuracy <= naive.robust_accuracy


def test_detector_separates_pgd_adversarials(digits_clf):
    clf, x, y = digits_clf
    result = evaluate_detector(clf, x, y, 0.15, quick=True, attacks=("pgd",))
    pgd = result["attacks"][0]
    assert pgd["adversarials"] >= 5
    assert pgd["roc_auc"] > 0.6
    assert 0 <= result["false_positive_rate"] <= 0.3


def test_adversarial_training_raises_accuracy_under_attack(digits_clf):
    import keras

    from mstool.toolkit.audit.harden import HardenSettings, adversarial_train, live_classifier
    from mstool.toolkit.audit.models import Preprocess
    from tests.audit.conftest import DEMO
    from tests.conftest import REPO_ROOT

    with np.load(REPO_ROOT / "recipes" / "data" / "train" / "digits_train.npz") as data:
        x_train, y_train = data["x"][:400], data["y"][:400]
    _, x, y = digits_clf
    model = keras.models.load_model(DEMO / "digits_cnn.keras")

    def robust(m):
        return standard_evaluation(live_classifier(m, Preprocess()), x, y, 0.1, quick=True, queries=50,
                                   checks=False).robust_accuracy

    before = robust(model)
    settings = HardenSettings(eps=0.15, steps=5, epochs=4, learning_rate=2e-3)
    trained = adversarial_train(model, x_train, y_train, settings)
    assert len(trained.epochs) == 4
    assert robust(model) >= before + 0.1


def test_ramped_budget_schedule_and_shift_reach_the_training_batches(digits_clf):
    from mstool.toolkit.audit.harden import HardenSettings, adversarial_batch, adversarial_train, shifted

    clf, x, y = digits_clf
    settings = HardenSettings(eps=0.3, steps=3, eps_ramp_epochs=3, step_size=0.15)
    rng = np.random.default_rng(0)
    # epoch 0 of a 3-epoch ramp: the batch is made at eps 0.1, not 0.3, and the step scales with it
    early = adversarial_batch(clf, x[:16], y[:16], settings, rng, eps=settings.eps_at(0))
    late = adversarial_batch(clf, x[:16], y[:16], settings, rng, eps=settings.eps_at(5))
    assert np.abs(early - x[:16]).max() <= 0.1 + 1e-6 < np.abs(late - x[:16]).max() <= 0.3 + 1e-6
    moved = shifted(x[:8], 2, rng)
    assert moved.shape == x[:8].shape and not np.array_equal(moved, x[:8])

    import keras

    net = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Flatten(), keras.layers.Dense(10)])
    seen = []
    cosine = HardenSettings(eps=0.1, steps=1, epochs=3, learning_rate=0.01, lr_schedule="cosine",
                            eps_ramp_epochs=2, shift=1)
    adversarial_train(net, x[:32], y[:32], cosine, on_epoch_end=seen.append)
    assert [e["epoch"] for e in seen] == [1, 2, 3]
    assert cosine.learning_rate_at(2) == pytest.approx(0.0025)


def test_weight_averaging_hands_the_average_to_checkpoints_and_to_the_caller(digits_clf):
    import keras

    from mstool.toolkit.audit.harden import HardenSettings, adversarial_train

    _, x, y = digits_clf
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Flatten(), keras.layers.Dense(10)])
    start = [w.copy() for w in net.get_weights()]
    seen = []
    settings = HardenSettings(eps=0.1, steps=1, epochs=2, batch_size=16, learning_rate=0.05, ema=0.9)
    adversarial_train(net, x[:64], y[:64], settings, on_epoch_end=lambda s: seen.append(net.get_weights()))
    final = net.get_weights()
    # the checkpoint of the last epoch and the returned model hold the same (averaged) weights
    assert all(np.array_equal(a, b) for a, b in zip(seen[-1], final, strict=True))
    # 8 steps of momentum 0.9 keep 0.9**8 = 43 % of the starting weights in the average,
    # so it lies strictly between the start and where plain training went
    keras.utils.set_random_seed(0)
    plain = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Flatten(), keras.layers.Dense(10)])
    plain.set_weights(start)
    adversarial_train(plain, x[:64], y[:64], HardenSettings(**{**settings.__dict__, "ema": 0.0}))
    moved_avg = np.abs(final[0] - start[0]).sum()
    moved_raw = np.abs(plain.get_weights()[0] - start[0]).sum()
    assert 0 < moved_avg < moved_raw


def _harden_args(tmp_path, *sets):
    from tests.conftest import REPO_ROOT

    return [
        "--json", "audit", REPO_ROOT / "recipes" / "adversarial_digits.yaml", "--quick", "--limit", "20",
        "-o", tmp_path / "out",
        "--set", "attacks=[{name: fgsm, eps: [0.1]}]", "--set", "standard=null", "--set", "detector=null",
        "--set", "harden.epochs=1", "--set", "harden.steps=2", *sets,
    ]


def test_harden_recipe_goes_from_model_to_hardened_model_to_reaudit(tmp_path):
    import keras

    from tests.conftest import run_cli

    res = run_cli(*_harden_args(tmp_path))
    assert res.exit_code == 0, res.stderr
    doc = res.json()
    hardening = doc["hardening"]
    assert hardening["model"].endswith("hardened.keras") and len(hardening["epochs"]) == 1
    assert [r["method"] for r in hardening["rows"]] == ["fgsm"]
    assert hardening["after"]["clean_accuracy"] == doc["clean_accuracy"]
    assert doc["model"].endswith("hardened.keras")
    model = keras.models.load_model(tmp_path / "out" / "hardened.keras")
    assert model.output_shape == (None, 10)
    page = (tmp_path / "out" / "report.html").read_text()
    assert "Before / after adversarial training" in page


@pytest.mark.parametrize(
    "sets, message",
    [
        (["--set", "harden.data={bad}"], "but the training data gives (6, 6, 1)"),
        (["--set", "harden.attack=cw"], "harden.attack"),
        (["--set", "defence={name: bitdepth}"], "did you mean bit_depth"),
    ],
)
def test_harden_bad_input_is_one_line_exit_2(sets, message, tmp_path):
    from tests.conftest import run_cli

    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros((4, 6, 6), np.float32), y=np.zeros(4, int))
    res = run_cli(*_harden_args(tmp_path, *[s.replace("{bad}", str(bad)) for s in sets])[1:])
    assert res.exit_code == 2, res.stderr
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
