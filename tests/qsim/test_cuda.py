"""CUDA kernels under the numba CUDA simulator, in a subprocess (the simulator must be
switched on before numba.cuda is imported)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_cuda_kernels_match_cpu_under_cudasim():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=str(REPO_ROOT))
    out = subprocess.run([sys.executable, "-m", "tests.qsim.cuda_sim_check"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "cuda-sim ok" in out.stdout


def test_cuda_request_without_gpu_is_an_input_error():
    from mstool.toolkit.errors import InputError
    from mstool.toolkit.qsim.backend import cuda_available, select_backend

    if cuda_available():
        return
    try:
        select_backend("cuda")
    except InputError as exc:
        assert "no CUDA GPU" in str(exc)
    else:
        raise AssertionError("expected an InputError")
    assert select_backend("auto").name == "cpu"
