"""Backend dispatch: the same calls run on the CPU kernels or the CUDA kernels.

``select_backend("auto")`` picks CUDA when numba.cuda finds a GPU, else the CPU.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError


class CpuBackend:
    """Numba CPU kernels on NumPy arrays."""

    name = "cpu"

    def to_device(self, psi: np.ndarray) -> np.ndarray:
        return psi

    def to_host(self, psi: np.ndarray) -> np.ndarray:
        return psi

    def run_call(self, psi, call) -> None:
        from mstool.toolkit.qsim.statevector import run_call

        run_call(psi, call)

    def pauli_expectation(self, psi, hamiltonian) -> float:
        from mstool.toolkit.qsim.kernels import pauli_sum_expectation

        flips, phases, coeffs = hamiltonian.kernel_arrays()
        return float(pauli_sum_expectation(psi, flips, phases, coeffs)) + hamiltonian.constant


def cuda_available() -> bool:
    """Whether numba.cuda is importable and sees a GPU (or the simulator is on)."""
    try:
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:  # noqa: BLE001 - any import or driver failure means no GPU
        return False


def select_backend(device: str):
    """The backend for ``device`` in cpu, cuda, auto.

    >>> select_backend("cpu").name
    'cpu'
    """
    if device == "cpu":
        return CpuBackend()
    if device in ("cuda", "auto"):
        if cuda_available():
            from mstool.toolkit.qsim.cuda_backend import CudaBackend

            return CudaBackend()
        if device == "cuda":
            raise InputError("device 'cuda' requested but no CUDA GPU is available")
        return CpuBackend()
    raise InputError(f"device must be cpu, cuda or auto, got {device!r}")
