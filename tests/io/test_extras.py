"""A command whose optional packages are missing names the extra to install, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mstool.toolkit import extras
from tests.conftest import REPO_ROOT, run_cli


@pytest.fixture
def without(monkeypatch):
    """Pretend top-level modules are not installed (both the check and a real import fail)."""

    def hide(*modules):
        real = extras.is_installed
        monkeypatch.setattr(extras, "is_installed", lambda m: m not in modules and real(m))
        for module in modules:
            monkeypatch.setitem(sys.modules, module, None)  # `import module` -> ModuleNotFoundError

    return hide


@pytest.mark.parametrize(("args", "module", "extra"), [
    (["convert", "model.onnx", "-o", "out"], "onnx", "convert"),
    (["audit", "recipe.yaml"], "PIL", "audit"),
    (["train", "recipe.yaml"], "tensorflow", "train"),
    (["preprocess", "run", "imgs", "-o", "x.h5", "-r", "r.yaml"], "simplejpeg", "preprocess"),
    (["qa", "ask", "why?", "--index", "i.h5"], "tokenizers", "qa"),
    (["qsim", "train", "recipe.yaml"], "tensorflow", "train"),
])
def test_missing_extra_is_one_line_and_exit_2(without, args, module, extra, tmp_path):
    without(module)
    result = run_cli(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"'{module}' package: pip install 'mstool[{extra}]'" in lines[0]


def test_an_import_failing_deep_inside_a_command_names_the_extras(without, tmp_path):
    without("onnx")
    model = tmp_path / "m.onnx"
    model.write_bytes(b"\x08\x07")
    result = run_cli("inspect", model)
    assert result.exit_code == 2
    assert "'onnx' package is missing: pip install 'mstool[convert]'" in result.stderr


def test_other_import_errors_stay_work_failures():
    from mstool.cli.app import _exit_code_for

    assert _exit_code_for(ModuleNotFoundError("No module named 'nope'", name="nope"))[0] == 1


def test_every_extra_in_pyproject_is_known_and_all_covers_the_fields():
    import tomllib

    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(extras.EXTRA_MODULES) | {"all", "dev"} == set(declared)
    assert declared["all"] == ["mstool[qsim,qsim-opt,md,convert,audit,train,preprocess,qa,dask]"]


def test_help_imports_no_optional_package():
    code = ("import sys; from mstool.cli.app import app; "
            "heavy = {'onnx', 'onnxruntime', 'tensorflow', 'keras', 'PIL', 'simplejpeg', 'tokenizers', "
            "'distributed'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
