"""What ``mstool qsim run`` loads: none of the heavy optional packages (TensorFlow, ONNX,
MDAnalysis, Dask, ...), no HDF5 unless it writes a file, and no part of scipy beyond what numba
imports for its first compiled function when scipy happens to be installed (the light install
blocks scipy outright: tests/cli/test_light_install.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT

HEAVY = ("tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime", "MDAnalysis", "dask", "distributed",
         "PIL", "tokenizers", "torch", "h5py")

RUN = r"""
import json, sys
modules_file = sys.argv[1]
sys.argv = ["mstool", "--json", "qsim", "run", *sys.argv[2:]]
from mstool.cli.app import main
try:
    main()
except SystemExit as exit:
    code = exit.code
with open(modules_file, "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules)}, fh)
"""


def _modules(script: str, *args: str, tmp_path) -> dict:
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", script, str(out), *args], capture_output=True, text=True,
                          timeout=240, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {**json.loads(out.read_text()), "stdout": proc.stdout}


def test_qsim_run_imports_no_heavy_optional_module(tmp_path):
    # numba's CPU target imports scipy.linalg (for LAPACK) when scipy is installed, on the first compile
    numba_alone = _modules("import json, sys, numba\nnumba.njit(lambda x: x + 1)(1)\n"
                           "json.dump({'modules': sorted(sys.modules)}, open(sys.argv[1], 'w'))",
                           tmp_path=tmp_path)["modules"]
    run = _modules(RUN, "recipes/data/qsim/ghz3.qasm", "--shots", "10", tmp_path=tmp_path)
    assert run["code"] in (0, None)
    probabilities = json.loads(run["stdout"])["probabilities"]
    assert abs(probabilities[0] - 0.5) < 1e-12 and abs(probabilities[7] - 0.5) < 1e-12
    loaded = set(run["modules"])
    assert "mstool.toolkit.qsim.simulator" in loaded  # the command really ran through the simulator
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []
    scipy_by_mstool = sorted(m for m in loaded - set(numba_alone) if m.split(".")[0] == "scipy")
    assert scipy_by_mstool == []
