"""Recipes: typos name the key, line and allowed keys; --set overrides coerce and validate."""

from __future__ import annotations

from typing import ClassVar

import pytest

from mstool.schemas.base import Recipe, Section
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import load_recipe


class Integrator(Section):
    dt: float = 0.002
    kind: str = "langevin"


class Demo(Recipe):
    recipe_name: ClassVar[str] = ""
    steps: int = 100
    integrator: Integrator = Integrator()
    tags: list[str] = []


def write(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    return path


def test_defaults_and_values(tmp_path):
    recipe = load_recipe(write(tmp_path, "steps: 5\nintegrator:\n  dt: 0.001\n"), Demo)
    assert recipe.steps == 5 and recipe.integrator.dt == 0.001
    assert recipe.integrator.kind == "langevin"


def test_typo_names_key_line_and_allowed(tmp_path):
    path = write(tmp_path, "steps: 5\nintegrator:\n  dt: 0.001\n  dtt: 3\n")
    with pytest.raises(InputError) as info:
        load_recipe(path, Demo)
    text = info.value.render()
    assert f"{path}:4" in text
    assert "integrator.dtt" in text and "allowed keys: dt, kind" in text


def test_wrong_type_names_field_and_line(tmp_path):
    path = write(tmp_path, "steps: many\n")
    with pytest.raises(InputError, match=r"r.yaml:1: field 'steps'"):
        load_recipe(path, Demo)


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    path = write(tmp_path, "steps: 5\nintegrator: [unclosed\n")
    with pytest.raises(InputError, match=r"r.yaml:\d+:\d+: invalid YAML"):
        load_recipe(path, Demo)


def test_not_a_mapping(tmp_path):
    with pytest.raises(InputError, match="mapping"):
        load_recipe(write(tmp_path, "- a\n- b\n"), Demo)


def test_set_overrides_coerce_types(tmp_path):
    recipe = load_recipe(
        write(tmp_path, "steps: 5\n"),
        Demo,
        ["steps=7", "integrator.dt=1e-3", "tags=[a, b]", "integrator.kind=verlet"],
    )
    assert recipe.steps == 7 and recipe.integrator.dt == 0.001
    assert recipe.tags == ["a", "b"] and recipe.integrator.kind == "verlet"


@pytest.mark.parametrize(
    "override, message",
    [
        ("stepz=3", "unknown key 'stepz'; allowed keys: integrator, recipe, steps, tags"),
        ("integrator.dtt=3", "unknown key 'integrator.dtt'; allowed keys: dt, kind"),
        ("steps", "expects key=value"),
        ("steps=lots", "field 'steps'"),
        ("steps.inner=3", "is not a section"),
    ],
)
def test_set_errors(override, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_recipe(None, Demo, [override])


class Op(Section):
    size: int = 1


class WithList(Recipe):
    recipe_name: ClassVar[str] = ""
    ops: list[Op] = []


def test_set_indexes_list_items(tmp_path):
    path = write(tmp_path, "ops:\n  - size: 3\n  - size: 4\n")
    recipe = load_recipe(path, WithList, ["ops.1.size=9"])
    assert [op.size for op in recipe.ops] == [3, 9]


@pytest.mark.parametrize(
    "override, message",
    [("ops.5.size=1", "index 5 is out of range"), ("ops.x=1", "is a list; index it"),
     ("ops.0.sise=1", "unknown key 'ops.0.sise'; allowed keys: size")],
)
def test_set_list_errors(tmp_path, override, message):
    path = write(tmp_path, "ops:\n  - size: 3\n")
    with pytest.raises(InputError, match=message):
        load_recipe(path, WithList, [override])
