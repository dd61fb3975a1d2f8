"""``mstool train`` from the command line: the quick recipe, outputs, and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mstool.toolkit.io import read_artifact
from mstool.toolkit.train.distribute import cluster_from_environment
from tests.conftest import run_cli
from tests.train.helpers import DIGITS_TEST, DIGITS_TRAIN, REPO, write_images_artifact


def test_quick_digits_recipe_reaches_97_percent_and_exports_a_matching_onnx(tmp_path):
    import onnxruntime

    out = tmp_path / "run"
    result = run_cli("--json", "train", REPO / "recipes" / "train_digits.yaml", "-o", out)
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["val_accuracy"] >= 0.97 and summary["steps"] == 15 * (1437 // 64)
    assert summary["images_per_second"] > 0 and summary["onnx_max_abs_diff"] < 1e-4
    log = read_artifact(summary["paths"]["training_log"], kind="training-log")
    assert log.meta.steps == summary["steps"] and log.meta.val_accuracy == summary["val_accuracy"]
    # independent check: the ONNX model scored by onnxruntime on the held-out digits
    test = np.load(DIGITS_TEST)
    session = onnxruntime.InferenceSession(summary["paths"]["onnx"], providers=["CPUExecutionProvider"])
    logits = session.run(None, {session.get_inputs()[0].name: test["x"]})[0]
    assert np.mean(logits.argmax(1) == test["y"]) == pytest.approx(summary["val_accuracy"], abs=1.5 / 360)
    again = run_cli("train", REPO / "recipes" / "train_digits.yaml", "-o", out)
    assert again.exit_code == 2 and "--resume" in again.stderr


def test_label_count_mismatch_is_bad_input(tmp_path):
    result = run_cli("train", "--data", DIGITS_TRAIN, "--set", "model.classes=5", "-o", tmp_path / "r")
    assert result.exit_code == 2
    assert "digits_train.npz" in result.stderr and "classes" in result.stderr


def test_artifact_without_labels_is_bad_input(tmp_path):
    path = write_images_artifact(tmp_path / "unlabelled.h5", np.zeros((4, 8, 8, 1), np.float32), None)
    result = run_cli("train", "--data", path, "-o", tmp_path / "r")
    assert result.exit_code == 2 and "unlabelled.h5" in result.stderr and "labels" in result.stderr


def test_unreachable_worker_times_out_naming_its_address(tmp_path, monkeypatch):
    from mstool.toolkit.train.launcher import free_ports

    own, dead = free_ports(2)
    monkeypatch.setenv("TF_CONFIG", json.dumps({
        "cluster": {"worker": [f"127.0.0.1:{own}", f"127.0.0.1:{dead}"]},
        "task": {"type": "worker", "index": 0}}))
    result = run_cli("train", "--data", DIGITS_TRAIN, "--strategy", "multi-worker",
                     "--set", "run.connect_timeout=1", "-o", tmp_path / "r")
    assert result.exit_code == 1
    assert f"worker 1 at 127.0.0.1:{dead} unreachable after 1 s" in result.stderr


def test_slurm_job_becomes_a_worker_cluster(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    for key, value in {"SLURM_PROCID": "1", "SLURM_STEP_NUM_TASKS": "2", "SLURM_STEP_NODELIST": "node[1-2]",
                       "SLURM_STEP_TASKS_PER_NODE": "1(x2)", "SLURM_JOB_ID": "7"}.items():
        monkeypatch.setenv(key, value)
    source, cluster, index = cluster_from_environment()
    assert source == "Slurm" and index == 1
    assert cluster == {"worker": ["node1:8888", "node2:8888"]}


def test_a_second_run_on_the_same_output_folder_stops_at_once(tmp_path):
    import subprocess
    import sys
    import time

    from tests.conftest import REPO_ROOT

    hold = ("import sys, time\nfrom mstool.toolkit.io import output_lock\n"
            "with output_lock(sys.argv[1]):\n    print('locked', flush=True)\n    time.sleep(60)\n")
    out = tmp_path / "r"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(out)], stdout=subprocess.PIPE, text=True,
                              cwd=REPO_ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = time.perf_counter()
        result = run_cli("train", "--data", DIGITS_TRAIN, "--epochs", "1", "-o", out)
        assert result.exit_code == 2 and f"pid {holder.pid}" in result.stderr
        assert time.perf_counter() - start < 30 and not out.exists()
    finally:
        holder.kill()
        holder.wait()
