"""CUDA kernels under the numba CUDA simulator, in a subprocess (the simulator must be
switched on before numba.cuda is imported)."""

from __future__ import annotations

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
