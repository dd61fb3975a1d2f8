"""``mstool audit`` end to end: JSON output, reports, seeds, --fail-under and every bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mstool.toolkit.io import read_artifact
from tests.audit.conftest import DEMO
from tests.conftest import REPO_ROOT, run_cli

MODEL = DEMO / "digits_cnn.keras"


def _audit(*args):
    return run_cli("--json", "audit", *args)


def test_single_attack_from_the_shell(digits_dir, tmp_path):
    res = _audit(
        "--model",
        MODEL,
        "--data",
        digits_dir / "digits.npz",
        "--attack",
        "fgsm",
        "--eps",
        "0.1",
        "--eps",
        "0.3",
        "--limit",
        "30",
        "-o",
        tmp_path / "out",
    )
    assert res.exit_code == 0, res.stderr
    doc = res.json()
    assert doc["samples"] == 30 and 0.8 < doc["clean_accuracy"] <= 1.0
    rows = doc["results"]
    assert [r["budget"] for r in rows] == [0.1, 0.3]
    for key in ("method", "budget", "accuracy", "success_rate", "mean_l2", "mean_linf", "queries", "seconds"):
        assert key in rows[0]
    assert rows[1]["accuracy"] <= rows[0]["accuracy"] <= doc["clean_accuracy"]
    assert rows[1]["mean_linf"] == pytest.approx(0.3, abs=1e-5)
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["results"][0]["accuracy"] == rows[0]["accuracy"]
    info = read_artifact(tmp_path / "out" / "audit-report.h5", kind="audit-report")
    assert info.meta.samples == 30 and len(info.meta.results) == 2


def test_recipe_run_writes_self_contained_html(tmp_path):
    res = _audit(
        REPO_ROOT / "recipes" / "audit.yaml",
        "--limit",
        "20",
        "-o",
        tmp_path / "r",
        "--set",
        "attacks=[{name: pgd, eps: [0.8, 3.2]}, {name: deepfool, eps: [4.0, 8.0]}]",
        "--set",
        "perturbations=[{name: rotation, severities: [1, 5]}]",
    )
    assert res.exit_code == 0, res.stderr
    doc = res.json()
    assert {r["method"] for r in doc["results"]} == {"pgd", "deepfool", "rotation"}
    page = (tmp_path / "r" / "report.html").read_text()
    assert "<svg" in page and "data:image/png;base64," in page and 'src="http' not in page
    assert "| pgd |" in (tmp_path / "r" / "report.md").read_text()
    assert doc["summary"]["strongest_per_budget"]


def test_same_seed_same_report(digits_dir, tmp_path):
    args = [
        "--model",
        MODEL,
        "--data",
        digits_dir / "digits.npz",
        "--attack",
        "square",
        "--attack",
        "rfgsm",
        "--eps",
        "0.2",
        "--queries",
        "30",
        "--perturbation",
        "gaussian_noise",
        "--limit",
        "20",
    ]

    def results(seed, name):
        res = _audit(*args, "--seed", seed, "-o", tmp_path / name)
        assert res.exit_code == 0, res.stderr
        return [{k: v for k, v in r.items() if k != "seconds"} for r in res.json()["results"]]

    first = results("7", "a")
    assert first == results("7", "b")
    assert first != results("8", "c")


def test_fail_under_exits_1(digits_dir, tmp_path):
    res = run_cli(
        "audit",
        "--model",
        MODEL,
        "--data",
        digits_dir / "digits.npz",
        "--attack",
        "fgsm",
        "--eps",
        "0.3",
        "--limit",
        "20",
        "--fail-under",
        "0.9",
        "-o",
        tmp_path,
    )
    assert res.exit_code == 1
    assert "below --fail-under" in res.stderr


def _bad(tmp_path, x, y):
    path = tmp_path / "bad.npz"
    np.savez(path, x=x, y=y)
    return path


@pytest.mark.parametrize(
    "case, message",
    [
        ("shape", "expects input shape"),
        ("labels", "labels must be in [0, 9]"),
        ("range", "outside the declared preprocess.input_range"),
        ("attack", "unknown attack 'fgsmm' (did you mean fgsm or"),
        ("eps_range", "eps 2 is outside (0, 1]"),
        ("perturbation", "unknown perturbation 'foggy'"),
        ("param", "has no parameter(s) ['stepz']"),
        ("no_eps", "needs --eps"),
        ("no_model", "no such model file"),
    ],
)
def test_bad_input_is_one_line_exit_2(case, message, digits_dir, tmp_path):
    data = digits_dir / "digits.npz"
    args = ["--model", MODEL, "--data", data, "--attack", "fgsm", "--eps", "0.1", "-o", tmp_path / "o"]
    if case == "shape":
        args[3] = _bad(tmp_path, np.zeros((4, 6, 6), np.float32), np.zeros(4, int))
    elif case == "labels":
        args[3] = _bad(tmp_path, np.zeros((4, 8, 8), np.float32), np.array([0, 1, 12, 3]))
    elif case == "range":
        args[3] = _bad(tmp_path, np.full((4, 8, 8), 16.0, np.float32), np.zeros(4, int))
    elif case == "attack":
        args[5] = "fgsmm"
    elif case == "eps_range":
        args[7] = "2"
    elif case == "perturbation":
        args += ["--perturbation", "foggy"]
    elif case == "param":
        args += ["--set", "attacks=[{name: pgd, eps: [0.1], params: {stepz: 3}}]"]
    elif case == "no_eps":
        args = args[:6] + args[8:]
    elif case == "no_model":
        args[1] = tmp_path / "missing.keras"
    res = run_cli("audit", *args)
    assert res.exit_code == 2, res.stderr
    assert message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o" / "report.json").exists()


def test_unknown_recipe_key_names_the_line(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("model: {path: m.keras}\ndata: {path: d.npz}\nattackz: []\n")
    res = run_cli("audit", recipe)
    assert res.exit_code == 2 and "r.yaml:3" in res.stderr and "attackz" in res.stderr


def test_images_artifact_second_model_and_clever(digits_dir, tmp_path):
    """An ``images`` artifact as data, transferability to a second model, CLEVER in the summary."""
    from mstool.schemas.images import ImagesMeta
    from mstool.toolkit.io import write_artifact

    with np.load(digits_dir / "digits.npz") as d:
        x, y = d["x"][:20], d["y"][:20]
    images = tmp_path / "digits.h5"
    meta = ImagesMeta(count=20, height=8, width=8, channels=1, layout="CHW", class_names=list("0123456789"))
    with write_artifact(images, meta) as art:
        art.h5.create_dataset("images", data=x[:, None, :, :])
        art.h5.create_dataset("labels", data=y)
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"model: {{path: {MODEL}}}\nsecond_model: {{path: {MODEL}}}\ndata: {{path: {images}}}\n"
        "attacks: [{name: fgsm, eps: [0.3]}]\n"
        "metrics: {clever: true, clever_samples: 2, clever_batches: 4, clever_batch_size: 8}\n"
        f"report: {{dir: {tmp_path / 'out'}}}\n")
    res = _audit(recipe)
    assert res.exit_code == 0, res.stderr
    doc = res.json()
    assert doc["samples"] == 20
    row = doc["results"][0]
    # the same network as second model: every adversarial transfers
    assert row["transfer_accuracy"] == row["accuracy"] and row["transfer_rate"] == 1.0
    clever = doc["summary"]["clever"]
    assert clever["samples"] == 2 and 0 < clever["min"] <= clever["mean"]


def test_images_artifact_value_range_sets_the_input_range(digits_dir, tmp_path):
    """A 0-255 ``images`` artifact: its declared value_range is the default input range."""
    from mstool.schemas.images import ImagesMeta
    from mstool.toolkit.io import write_artifact

    with np.load(digits_dir / "digits.npz") as d:
        x, y = np.round(d["x"][:20] * 255).astype(np.uint8), d["y"][:20]
    images = tmp_path / "u8.h5"
    meta = ImagesMeta(count=20, height=8, width=8, channels=1, layout="HWC", dtype="uint8",
                      value_range=(0, 255))
    with write_artifact(images, meta) as art:
        art.h5.create_dataset("images", data=x[..., None])
        art.h5.create_dataset("labels", data=y)
    res = _audit("--model", MODEL, "--data", images, "--attack", "fgsm", "--eps", "25.5",
                 "--set", "preprocess.scale=0.00392156862745098", "-o", tmp_path / "o")
    assert res.exit_code == 0, res.stderr
    doc = res.json()
    assert doc["input_range"] == [0.0, 255.0] and doc["clean_accuracy"] > 0.8
    assert doc["results"][0]["mean_linf"] == pytest.approx(25.5, rel=1e-5)
