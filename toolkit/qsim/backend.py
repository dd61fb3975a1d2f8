"""Backend dispatch: the same calls run on the CPU kernels or the CUDA kernels
(:class:`~mstool.toolkit.qsim.simulator.Simulator` picks the path and calls these).

``select_backend("auto")`` picks CUDA when numba.cuda finds a GPU, else the CPU
(the probe and the device rule are :mod:`mstool.toolkit.backend`'s).
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.backend import cuda_available, resolve_device

__all__ = ["CpuBackend", "cuda_available", "select_backend"]


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
        return hamiltonian.expectation(psi)


def select_backend(device: str, where: str = "--device"):
    """The backend for ``device`` in cpu, cuda, auto.

    >>> select_backend("cpu").name
    'cpu'
    """
    if resolve_device(device, where) == "cuda":
        from mstool.toolkit.qsim.cuda_backend import CudaBackend

        return CudaBackend()
    return CpuBackend()
