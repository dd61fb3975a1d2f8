"""``mstool inspect`` on ONNX models, recipes and files it cannot read."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from mstool.schemas.kinds import recipe_models
from tests.conftest import REPO_ROOT, run_cli

sys.path.insert(0, str(REPO_ROOT / "scripts"))
make_demo_files = importlib.import_module("make_demo_files")


def test_onnx_summary(tmp_path):
    path = tmp_path / "tiny.onnx"
    make_demo_files.tiny_onnx(path)
    result = run_cli("inspect", path, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["opsets"] == {"ai.onnx": 17}
    assert doc["op_histogram"] == {"Gemm": 1, "Relu": 1}
    assert doc["inputs"] == [{"name": "x", "shape": ["batch", 4], "dtype": "float32"}]
    assert doc["parameters"] == 15


def test_truncated_onnx_is_one_line_exit_2(tmp_path):
    path = tmp_path / "tiny.onnx"
    make_demo_files.tiny_onnx(path)
    path.write_bytes(path.read_bytes()[:40])
    result = run_cli("inspect", path)
    assert result.exit_code == 2
    assert "not a valid ONNX model" in result.stderr


def test_unknown_file_type(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = run_cli("inspect", path)
    assert result.exit_code == 2 and "unknown file type" in result.stderr


def test_recipe_of_unknown_command(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("recipe: no-such-command\nsteps: 3\n")
    result = run_cli("inspect", path)
    assert result.exit_code == 2 and "unknown recipe 'no-such-command'" in result.stderr


def test_recipe_yaml_error_has_position(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("a: [1, 2\n")
    result = run_cli("inspect", path)
    assert result.exit_code == 2 and "r.yaml:" in result.stderr and "invalid YAML" in result.stderr


@pytest.mark.parametrize("recipe", sorted((REPO_ROOT / "recipes").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_recipe_inspects_with_defaults(recipe):
    if not recipe_models():
        pytest.skip("no recipe models defined yet")
    result = run_cli("inspect", recipe, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["type"] == "recipe" and doc["recipe"] in recipe_models()
