"""Every stage of benchmarks/audit/harden_mnist.py builds valid training settings (a misspelt
option fails here, not an hour into a run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "audit" / "harden_mnist.py"


@pytest.fixture(scope="module")
def harden_mnist():  # noqa: ANN201 - the script as a module
    spec = importlib.util.spec_from_file_location("harden_mnist", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_stage_builds_settings(harden_mnist):
    for name, options in harden_mnist.STAGES.items():
        settings, keep_best = harden_mnist.stage_settings(options)
        assert settings.epochs >= 1 and settings.steps >= 1, name
        assert keep_best == options.get("keep_best", False)


def test_a_stage_may_train_at_a_larger_budget(harden_mnist):
    wide, _ = harden_mnist.stage_settings(harden_mnist.STAGES["pgd-eps35"])
    plain, _ = harden_mnist.stage_settings(harden_mnist.STAGES["pgd-ft"])
    assert (wide.eps, plain.eps) == (0.35, harden_mnist.EPS)
    # the cosine runs on past the stage's last epoch (stopped early), so the rate never hits zero
    assert wide.learning_rate_at(wide.epochs - 1) > 0.3 * wide.learning_rate
