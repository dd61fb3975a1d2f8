"""Numba kernels for the MD engine (CPU in ``*_cpu`` modules, numba.cuda in ``cuda.py``).

Kernels are free functions over plain arrays; force terms choose and call them.
"""

import os
import types

# Idle OpenMP workers sleep instead of spinning between parallel regions: on a machine with
# more runnable threads than cores, spinning workers steal the core that does the work
# (measured: 2 threads took 5x the CPU time of 1). Read when the OpenMP runtime starts, so
# set here before any parallel kernel runs; a value set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba  # noqa: E402


def compile_variants(fn, **options):
    """(parallel, serial) numba compilations of ``fn``, each with its own on-disk cache.

    numba names cache files after the Python function, so two compilations of one
    function would load each other's machine code; each variant gets a renamed copy.
    """
    compiled = []
    for suffix, parallel in (("_parallel", True), ("_serial", False)):
        clone = types.FunctionType(
            fn.__code__, fn.__globals__, fn.__name__ + suffix, fn.__defaults__, fn.__closure__
        )
        clone.__qualname__ = fn.__qualname__ + suffix
        clone.__doc__ = fn.__doc__
        compiled.append(numba.njit(cache=True, parallel=parallel, **options)(clone))
    return tuple(compiled)


# Below this many atoms the thread-pool start-up costs more than the work it shares.
PARALLEL_MIN_ATOMS = 1500


def pick(module, name: str, n_atoms: int):
    """The ``_parallel`` or ``_serial`` compiled variant of ``module.name`` for ``n_atoms``.

    >>> from mstool.toolkit.md.kernels import neighbors
    >>> pick(neighbors, "cell_list", 10).__name__
    'cell_list_serial'
    """
    threads = numba.get_num_threads()
    suffix = "_parallel" if n_atoms >= PARALLEL_MIN_ATOMS and threads > 1 else "_serial"
    return getattr(module, name + suffix)
