"""The md kernels set OMP_WAIT_POLICY=PASSIVE before numba's OpenMP threads start, and say so
when a program started those threads first (their idle workers then busy-wait)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

STARTS_THREADS_FIRST = (
    "import numba; numba.get_num_threads(); import mstool.toolkit.md.kernels as k; print(k.IDLE_WORKERS_SPIN)"
)
IMPORTS_KERNELS_FIRST = (
    "import mstool.toolkit.md.kernels as k, numba, os; numba.get_num_threads(); "
    "print(k.IDLE_WORKERS_SPIN, os.environ['OMP_WAIT_POLICY'])"
)


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                          timeout=120, check=True)


def test_threads_started_before_the_kernels_are_reported():
    pytest.importorskip("numba.np.ufunc.omppool", reason="numba has no OpenMP layer here")
    run = _run(STARTS_THREADS_FIRST, NUMBA_NUM_THREADS="2", NUMBA_THREADING_LAYER="omp")
    assert run.stdout.split() == ["True"]
    assert "OMP_WAIT_POLICY=PASSIVE" in run.stderr


def test_kernels_imported_first_set_the_passive_policy_quietly():
    run = _run(IMPORTS_KERNELS_FIRST, NUMBA_NUM_THREADS="2")
    assert run.stdout.split() == ["False", "PASSIVE"]
    assert "busy-wait" not in run.stderr


def test_a_policy_the_user_set_is_kept_and_not_reported():
    run = _run(STARTS_THREADS_FIRST, NUMBA_NUM_THREADS="2", OMP_WAIT_POLICY="ACTIVE")
    assert run.stdout.split() == ["False"]
