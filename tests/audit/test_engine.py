"""Audit tasks on the Dask engine give the in-process report, number for number."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audit.conftest import DEMO
from tests.conftest import run_cli

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def two_processes():
    """One local cluster of 2 worker processes for the module (each imports TensorFlow once)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _numbers(report: dict) -> list[dict]:
    """Every result row without its wall-clock time."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in report["results"]]


def _recipe(model, data, **changes):
    from mstool.schemas.audit import AuditRecipe

    doc = {
        "model": {"path": str(model)},
        "data": {"path": str(data), "limit": 16},
        "seed": 5,
        "attacks": [{"name": "square", "eps": [0.2], "queries": 20}, {"name": "rfgsm", "eps": [0.1, 0.3]}],
        "perturbations": [{"name": "gaussian_noise", "severities": [3]}],
        **changes,
    }
    return AuditRecipe.model_validate(doc)


@pytest.mark.slow  # two TensorFlow worker processes start and trace the model: 20-80 s on 2 busy cores
def test_two_local_processes_give_the_in_process_report(digits_dir, monkeypatch, two_processes):
    """Batches of 6 samples (so every method runs as several tasks), .keras model on the workers."""
    from mstool.toolkit.audit import runner
    from mstool.toolkit.audit.runner import run_audit
    from mstool.toolkit.workers import EngineSpec

    monkeypatch.setattr(runner, "SAMPLES_PER_TASK", 6)
    model, data = DEMO / "digits_cnn.keras", digits_dir / "digits.npz"
    local = run_audit(_recipe(model, data))
    spread = run_audit(_recipe(model, data), engine=EngineSpec(scheduler=two_processes))
    first, second = local.report.model_dump(mode="json"), spread.report.model_dump(mode="json")
    assert _numbers(first) == _numbers(second)
    assert first["summary"] == second["summary"] and first["clean_accuracy"] == second["clean_accuracy"]
    assert [r["queries"] for r in first["results"]][0] > 0  # square counted its queries on the workers
    for (x_a, pred_a), (x_b, pred_b) in zip(local.perturbed, spread.perturbed, strict=True):
        assert x_a.tobytes() == x_b.tobytes() and np.array_equal(pred_a, pred_b)


def test_batches_are_drawn_from_their_own_seeds(digits_dir):
    """Batch 0 keeps the method's key (reports of small audits are unchanged); others differ."""
    from mstool.toolkit.audit.tasks import PerturbationTask, run_task

    x = np.full((4, 8, 8, 1), 0.5, np.float32)
    first = run_task(PerturbationTask("gaussian_noise", 3, 0.0, 1.0, (5, 1000, 3), 0, x), None).x
    again = run_task(PerturbationTask("gaussian_noise", 3, 0.0, 1.0, (5, 1000, 3), 0, x), None).x
    other = run_task(PerturbationTask("gaussian_noise", 3, 0.0, 1.0, (5, 1000, 3), 1, x), None).x
    assert first.tobytes() == again.tobytes() and first.tobytes() != other.tobytes()


def test_convert_folder_is_audited_on_workers(linear_model, tmp_path, two_processes):
    """An `mstool convert` output folder (model.py + weights) loads on each worker, white-box."""
    from tests.audit.test_models import _onnx_linear

    _, w, b = linear_model
    _onnx_linear(tmp_path / "linear.onnx", w, b, unusual_op=False)
    folder = tmp_path / "converted"
    assert run_cli("convert", tmp_path / "linear.onnx", "-o", folder, "--no-verify").exit_code == 0
    x = np.random.default_rng(0).uniform(0, 1, (12, 4, 4, 1)).astype(np.float32)
    y = (x.reshape(12, -1) @ w + b).argmax(axis=1)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    args = ["--json", "audit", "--model", folder, "--data", tmp_path / "d.npz", "--attack", "pgd",
            "--eps", "0.2", "--perturbation", "brightness"]
    local = run_cli(*args, "-o", tmp_path / "a")
    spread = run_cli(*args, "-o", tmp_path / "b", "--scheduler", two_processes)
    assert local.exit_code == 0 and spread.exit_code == 0, spread.stderr
    assert local.json()["model_format"] == "converted" and local.json()["whitebox"]
    assert _numbers(local.json()) == _numbers(spread.json())


def test_unreachable_scheduler_is_one_line_exit_2(digits_dir, tmp_path):
    res = run_cli("audit", "--model", DEMO / "digits_cnn.keras", "--data", digits_dir / "digits.npz",
                  "--attack", "fgsm", "--eps", "0.1", "--limit", "6", "-o", tmp_path / "o",
                  "--scheduler", "tcp://127.0.0.1:9")
    assert res.exit_code == 2
    assert "tcp://127.0.0.1:9" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o" / "report.json").exists()
