"""CUDA kernels under the numba CUDA simulator, in a subprocess (the simulator must be
switched on before numba.cuda is imported)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


def test_cuda_kernels_match_cpu_under_cudasim():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=str(REPO_ROOT))
    out = subprocess.run([sys.executable, "-m", "tests.qsim.cuda_sim_check"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "cuda-sim ok" in out.stdout


def test_cuda_request_without_gpu_is_an_input_error(monkeypatch):
    # The probe says "no GPU" whatever this machine has, so the test always checks something.
    from mstool.toolkit import backend
    from mstool.toolkit.qsim.backend import select_backend

    monkeypatch.setattr(backend, "cuda_probe", lambda: backend.CudaProbe(False, "no GPU (test)"))
    with pytest.raises(backend.DeviceUnavailable, match="no CUDA GPU is available: no GPU [(]test[)]") as err:
        select_backend("cuda")
    assert err.value.exit_code == 2
    assert select_backend("auto").name == "cpu"


def test_expect_with_gradient_on_cuda_matches_cpu_under_cudasim():
    args = [sys.executable, "-m", "mstool.cli.app", "--json", "qsim", "expect",
            "recipes/data/qsim/ansatz.qasm", "-H", "recipes/data/qsim/h2.txt", "--grad"]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    results = {}
    for device, extra_env in (("cpu", {}), ("cuda", {"NUMBA_ENABLE_CUDASIM": "1"})):
        out = subprocess.run(args + ["--device", device], cwd=REPO_ROOT, env={**env, **extra_env},
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        results[device] = json.loads(out.stdout)
    cpu, gpu = results["cpu"], results["cuda"]
    assert abs(cpu["energy"] - gpu["energy"]) < 1e-10
    assert cpu["gradient"].keys() == gpu["gradient"].keys() and len(cpu["gradient"]) > 0
    assert max(abs(cpu["gradient"][k] - gpu["gradient"][k]) for k in cpu["gradient"]) < 1e-10


def test_expect_on_cuda_without_gpu_exits_2(monkeypatch):
    from typer.testing import CliRunner

    from mstool.cli.app import app
    from mstool.toolkit import backend

    monkeypatch.setattr(backend, "cuda_probe", lambda: backend.CudaProbe(False, "no GPU (test)"))
    result = CliRunner().invoke(app, ["qsim", "expect", str(REPO_ROOT / "recipes/data/qsim/ansatz.qasm"),
                                      "-H", str(REPO_ROOT / "recipes/data/qsim/h2.txt"), "--device", "cuda"])
    assert result.exit_code == 2
    assert "no CUDA GPU is available: no GPU (test)" in result.stderr
