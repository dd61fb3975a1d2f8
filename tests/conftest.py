"""Shared test helpers: run the CLI in-process, locate repository data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

# `pytest -m quick`: a fast subset (a few minutes on 2 cores) for local runs; CI runs everything.
# A module listed here is marked `quick` whole, less its tests marked `slow`.
QUICK_MODULES = (
    "tests/io/",
    "tests/cli/",
    "tests/convert/test_narrow_ints.py",
    "tests/convert/test_edge_cases.py",
    "tests/qa/test_tokenizer.py",
    "tests/qa/test_bm25.py",
    "tests/qa/test_answer_rules.py",
    "tests/qsim/test_qasm.py",
    "tests/md/test_bad_input.py",
    "tests/preprocess/test_decode.py",
    "tests/audit/test_data.py",
    "tests/train/test_data.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.path)).resolve()
        module = path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else ""
        if module.startswith(QUICK_MODULES) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.quick)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run_cli(*args: str) -> CliResult:
    """Invoke ``mstool ARGS`` in-process and capture stdout and stderr separately."""
    from mstool.cli.app import app

    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    return run_cli


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or a clean skip when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not found: {path}")
    return path
