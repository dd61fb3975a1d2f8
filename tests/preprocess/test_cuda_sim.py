"""The numba.cuda kernel, run by the CUDA simulator in a subprocess, matches the CPU kernel."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_cuda_kernel_matches_cpu_under_simulator():
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.preprocess.cuda_sim_check"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("max error") == 5 and "ok worst" in result.stdout
