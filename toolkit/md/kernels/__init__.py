"""Numba kernels for the MD engine (CPU in ``*_cpu`` modules, numba.cuda in ``cuda.py``).

Kernels are free functions over plain arrays; force terms choose and call them.
"""

import os
import warnings

# Idle OpenMP workers sleep instead of spinning between parallel regions: on a machine with
# more runnable threads than cores, spinning workers steal the core that does the work
# (measured: 2 threads took 5x the CPU time of 1). Read when the OpenMP runtime starts, so
# set here before any parallel kernel runs; a value set by the user wins.
_POLICY_FROM_USER = "OMP_WAIT_POLICY" in os.environ
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from mstool.toolkit.backend import numba_variants as compile_variants  # noqa: E402
from mstool.toolkit.backend import use_parallel  # noqa: E402

__all__ = ["PARALLEL_MIN_ATOMS", "compile_variants", "pick"]


def _threads_started_without_policy() -> bool:
    """Whether numba's OpenMP threads were already running, without a user's OMP_WAIT_POLICY,
    when this package was imported (say after ``numba.get_num_threads()`` in a script): the
    runtime read its wait policy then, so idle workers busy-wait, which took 3.5-4.5x the CPU
    time per MD step on a loaded 2-core machine. The ``mstool`` command never starts them first."""
    from numba.np.ufunc import parallel

    started = bool(getattr(parallel, "_is_initialized", False))
    return started and not _POLICY_FROM_USER and parallel.threading_layer() == "omp"


IDLE_WORKERS_SPIN = _threads_started_without_policy()
if IDLE_WORKERS_SPIN:
    warnings.warn(
        "numba's OpenMP threads started before mstool.toolkit.md was imported, so its idle workers "
        "busy-wait between kernels; set OMP_WAIT_POLICY=PASSIVE in the environment (or import "
        "mstool.toolkit.md first)",
        RuntimeWarning,
        stacklevel=2,
    )


# Below this many atoms the thread-pool start-up costs more than the work it shares.
PARALLEL_MIN_ATOMS = 1500


def pick(module, name: str, n_atoms: int):
    """The ``_parallel`` or ``_serial`` compiled variant of ``module.name`` for ``n_atoms``.

    >>> from mstool.toolkit.md.kernels import neighbors
    >>> pick(neighbors, "cell_list", 10).__name__
    'cell_list_serial'
    """
    suffix = "_parallel" if use_parallel(n_atoms, PARALLEL_MIN_ATOMS) else "_serial"
    return getattr(module, name + suffix)
