"""Where kernels run: one CUDA probe, one rule for ``device`` (cpu, cuda, auto), one way to
build the serial and parallel Numba variants of a kernel and choose between them by size.

Every domain keeps its own kernels; this module only decides which of them runs.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mstool.toolkit.errors import InputError

DEVICES = ("cpu", "cuda", "auto")


@dataclass(frozen=True)
class CudaProbe:
    """Whether numba.cuda can run kernels here, and why (kept for error messages)."""

    available: bool
    reason: str


@functools.cache
def cuda_probe() -> CudaProbe:
    """Probe numba.cuda once per process (a GPU, or the simulator under NUMBA_ENABLE_CUDASIM=1).

    >>> isinstance(cuda_probe().reason, str)
    True
    """
    try:
        from numba import config, cuda
    except Exception as err:  # noqa: BLE001 - numba built without CUDA support, or a broken install
        return CudaProbe(False, f"numba.cuda cannot be imported ({err})")
    try:
        found = bool(cuda.is_available())
    except Exception as err:  # noqa: BLE001 - driver probing fails in many ways
        return CudaProbe(False, f"the CUDA driver probe failed ({err})")
    if found:
        return CudaProbe(True, "the numba CUDA simulator" if config.ENABLE_CUDASIM else "a CUDA GPU")
    return CudaProbe(False, "numba.cuda finds no GPU or driver")


def cuda_available() -> bool:
    """Whether CUDA kernels can run (probed once; see :func:`cuda_probe`).

    >>> isinstance(cuda_available(), bool)
    True
    """
    return cuda_probe().available


class DeviceUnavailable(InputError):
    """``device="cuda"`` was asked for where numba.cuda cannot run kernels (exit 2)."""


def resolve_device(device: str, where: str = "--device") -> str:
    """``"cpu"`` or ``"cuda"`` for a requested ``device``; ``auto`` takes CUDA when it can run.

    ``where`` names the option or recipe field in the error (the same message in every command).

    >>> resolve_device("cpu")
    'cpu'
    >>> resolve_device("tpu", where="device")
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: device: must be cpu, cuda or auto, got 'tpu'
    """
    if device not in DEVICES:
        raise InputError(f"must be cpu, cuda or auto, got '{device}'", where=where)
    if device == "cpu":
        return "cpu"
    probe = cuda_probe()
    if probe.available:
        return "cuda"
    if device == "cuda":
        raise DeviceUnavailable(f"cuda requested but no CUDA GPU is available: {probe.reason}", where=where)
    return "cpu"


def numba_variant(fn: Callable, parallel: bool, **options: Any) -> Callable:
    """``numba.njit(parallel=parallel, cache=True, **options)`` of a renamed copy of ``fn``.

    numba names cache files after the Python function, so two builds of one function would
    load each other's machine code; each variant is ``name_parallel`` or ``name_serial``.

    >>> def total(x):
    ...     s = 0.0
    ...     for i in range(x.shape[0]):
    ...         s += x[i]
    ...     return s
    >>> numba_variant(total, parallel=False, cache=False).__name__
    'total_serial'
    """
    import numba

    suffix = "_parallel" if parallel else "_serial"
    clone = types.FunctionType(fn.__code__.replace(co_name=fn.__name__ + suffix), fn.__globals__,
                               fn.__name__ + suffix, fn.__defaults__, fn.__closure__)
    clone.__qualname__ = fn.__qualname__ + suffix
    clone.__module__ = fn.__module__
    clone.__doc__ = fn.__doc__
    options.setdefault("cache", True)
    return numba.njit(parallel=parallel, **options)(clone)


def numba_variants(fn: Callable, **options: Any) -> tuple[Callable, Callable]:
    """``(parallel, serial)`` builds of ``fn`` (see :func:`numba_variant`).

    >>> def double(x):
    ...     return 2 * x
    >>> [f.__name__ for f in numba_variants(double, cache=False)]
    ['double_parallel', 'double_serial']
    """
    return numba_variant(fn, True, **options), numba_variant(fn, False, **options)


def use_parallel(size: int, threshold: int) -> bool:
    """Whether work of ``size`` items is worth numba's threads (below ``threshold`` start-up costs more).

    >>> use_parallel(10, threshold=1000)
    False
    """
    import numba

    return size >= threshold and numba.get_num_threads() > 1


def size_dispatch(fn: Callable, threshold: int, **options: Any) -> Callable:
    """One callable running the parallel build of ``fn`` when its first argument has at least
    ``threshold`` rows, else the serial build; ``.serial`` and ``.parallel`` are both exposed.

    >>> import numpy as np
    >>> def scale(x, k):
    ...     for i in range(x.shape[0]):
    ...         x[i] *= k
    >>> run = size_dispatch(scale, threshold=1 << 16, cache=False)
    >>> x = np.ones(4); run(x, 3.0); x.tolist()
    [3.0, 3.0, 3.0, 3.0]
    """
    parallel, serial = numba_variants(fn, **options)

    def run(first, *args):
        return (parallel if first.shape[0] >= threshold else serial)(first, *args)

    run.__name__, run.__qualname__, run.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    run.serial, run.parallel = serial, parallel
    return run
