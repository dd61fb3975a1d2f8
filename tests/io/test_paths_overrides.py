"""One rule for relative paths in recipes, one way for options to become recipe overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mstool.cli.options import recipe_overrides
from mstool.schemas.base import Recipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import load_recipe, resolve_path


class Section(Recipe):
    path: str = ""
    range: list[float] = [0.0, 1.0]


class Run(Recipe):
    seed: int = 0
    data: Section = Section()


def test_relative_paths_are_relative_to_the_recipe_folder(tmp_path, monkeypatch):
    recipe = tmp_path / "sub" / "run.yaml"
    recipe.parent.mkdir()
    recipe.write_text("seed: 1\n")
    (tmp_path / "in.npz").write_text("a file in the working directory, not the recipe folder")
    monkeypatch.chdir(tmp_path)
    assert resolve_path("in.npz", recipe) == tmp_path / "sub" / "in.npz"
    assert resolve_path("in.npz", recipe.parent) == tmp_path / "sub" / "in.npz"
    assert resolve_path("in.npz", None) == tmp_path / "in.npz"
    assert resolve_path(tmp_path / "x", recipe) == tmp_path / "x"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_path("~/w.h5", recipe) == tmp_path / "home" / "w.h5"


def test_options_are_typed_overrides_and_set_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    overrides = recipe_overrides({"seed": 4, "data.path": Path("it's \"here\".npz"), "data.range": None},
                                 ["seed=7"])
    assert overrides == [("seed", 4), ("data.path", str(tmp_path / "it's \"here\".npz")), "seed=7"]
    run = load_recipe(None, Run, overrides)
    assert run.seed == 7 and run.data.path == str(tmp_path / "it's \"here\".npz")


def test_a_typed_override_with_an_unknown_key_names_the_allowed_ones():
    with pytest.raises(InputError, match="unknown key 'data.pth'; allowed keys: path, range"):
        load_recipe(None, Run, [("data.pth", "x")])


def test_audit_takes_a_model_path_with_a_quote(tmp_path, monkeypatch):
    """--model/--data/-o become typed overrides: quotes and brackets in a path stay as they are."""
    from tests.conftest import run_cli

    folder = tmp_path / "it's [a] \"folder\""
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = run_cli("--json", "audit", "--model", "no model.keras", "--data", "d'ata.npz", "--perturbation",
                     "brightness", "-o", "out'dir")
    assert result.exit_code == 2
    assert str(folder / "d'ata.npz") in result.stderr  # the path reached the loader intact
    assert json.loads(result.stdout or "null") is None
