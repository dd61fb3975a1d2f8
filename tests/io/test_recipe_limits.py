"""Recipe limits: alias bombs, non-UTF-8 bytes, non-finite numbers and non-regular files."""

from __future__ import annotations

import os

import pytest

from mstool.schemas.base import Recipe, Section
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import load_recipe
from tests.conftest import run_cli

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)


class Integrator(Section):
    dt: float = 0.002


class Demo(Recipe):
    steps: int = 100
    integrator: Integrator = Integrator()
    weights: list[float] = []


def write(tmp_path, data: bytes):
    path = tmp_path / "r.yaml"
    path.write_bytes(data)
    return path


def test_alias_bomb_refused_before_expansion(tmp_path):
    path = write(tmp_path, BOMB.encode())
    assert len(BOMB) < 600
    with pytest.raises(InputError, match="aliases expand to more than") as err:
        load_recipe(path, Demo)
    assert err.value.where.startswith(f"{path}:")


def test_too_many_aliases_refused(tmp_path):
    text = "x: &x 1\nweights: [" + ", ".join(["*x"] * 150) + "]\n"
    with pytest.raises(InputError, match="more than 100 YAML aliases"):
        load_recipe(write(tmp_path, text.encode()), Demo)


def test_a_few_aliases_still_load(tmp_path):
    text = b"w: &w 0.5\nweights: [*w, *w]\n"
    with pytest.raises(InputError, match="unknown key 'w'"):
        load_recipe(write(tmp_path, text), Demo)
    assert load_recipe(write(tmp_path, b"weights: &w [0.5, 1.5]\n"), Demo).weights == [0.5, 1.5]


def test_self_referencing_alias_refused(tmp_path):
    with pytest.raises(InputError, match="refers to itself"):
        load_recipe(write(tmp_path, b"weights: &a [*a]\n"), Demo)


def test_non_utf8_names_byte_offset(tmp_path):
    path = write(tmp_path, b"steps: 5\n# caf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8 text at byte 14") as err:
        load_recipe(path, Demo)
    assert err.value.where == str(path)


@pytest.mark.parametrize("text", ["integrator:\n  dt: .inf\n", "integrator:\n  dt: .nan\n",
                                  "weights: [1.0, -.inf]\n"])
def test_non_finite_numbers_refused(tmp_path, text):
    with pytest.raises(InputError, match="finite number"):
        load_recipe(write(tmp_path, text.encode()), Demo)


def test_non_finite_override_refused():
    with pytest.raises(InputError, match="integrator.dt.*finite number"):
        load_recipe(None, Demo, ["integrator.dt=.inf"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_recipe_refused_without_blocking(tmp_path):
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        load_recipe(fifo, Demo)


def test_simulate_refuses_infinite_time_step(tmp_path):
    path = write(tmp_path, b"dt: .inf\nsteps: 1\n")
    result = run_cli("simulate", path)
    assert result.exit_code == 2
    assert "dt" in result.stderr and "finite" in result.stderr and str(path) in result.stderr
