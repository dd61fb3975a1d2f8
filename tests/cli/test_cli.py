"""The CLI frame: help, version, JSON output, exit codes and error lines."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mstool.cli.app import COMMAND_MODULES, app
from mstool.schemas.sample import SampleMeta
from mstool.toolkit.io import write_artifact
from tests.conftest import run_cli


def registered_commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)


def test_root_help_lists_registered_commands_only():
    result = run_cli("--help")
    assert result.exit_code == 0
    names = registered_commands()
    assert "inspect" in names
    for name in names:
        assert name in COMMAND_MODULES
        assert name in result.stdout


def command_paths() -> list[tuple[str, ...]]:
    import typer.main

    group = typer.main.get_command(app)
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((name,))
        for sub in sorted(getattr(command, "commands", {}) or {}):
            paths.append((name, sub))
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = run_cli(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage" in result.stdout
    assert "example" in result.stdout.lower() and "mstool " in result.stdout


def test_version():
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("mstool ")


def test_unknown_command_is_usage_error():
    assert run_cli("no-such-command").exit_code == 2


@pytest.fixture
def sample_file(tmp_path):
    path = tmp_path / "s.h5"
    with write_artifact(path, SampleMeta(description="t", datasets=["x"])) as art:
        art.h5.create_dataset("x", data=np.arange(12.0).reshape(3, 4))
    return path


def test_json_output_parses_root_and_local_flag(sample_file):
    for args in (("--json", "inspect", sample_file), ("inspect", sample_file, "--json")):
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
        doc = result.json()
        assert doc["kind"] == "sample"
        assert doc["datasets"] == [{"name": "x", "shape": [3, 4], "dtype": "float64", "chunks": None}]


def test_missing_file_is_one_line_exit_2(tmp_path):
    result = run_cli("inspect", tmp_path / "absent.h5")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "absent.h5" in lines[0] and "no such file" in lines[0]


def test_console_script_runs_as_a_process(sample_file):
    proc = subprocess.run(
        [sys.executable, "-m", "mstool.cli.app", "--json", "inspect", str(sample_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"kind": "sample"' in proc.stdout


def test_debug_shows_traceback_for_internal_errors(monkeypatch, sample_file):
    import mstool.toolkit.inspect.describe as describe

    def explode(path):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(describe, "describe_artifact", explode)
    plain = run_cli("inspect", sample_file)
    assert plain.exit_code == 1
    assert "RuntimeError: kaboom" in plain.stderr and "Traceback" not in plain.stderr
    debug = run_cli("--debug", "inspect", sample_file)
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr
