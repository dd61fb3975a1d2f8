"""Numba kernels for the MD engine (CPU in ``*_cpu`` modules, numba.cuda in ``cuda.py``).

Kernels are free functions over plain arrays; force terms choose and call them.
"""

# Below this many atoms the thread-pool start-up costs more than the work it shares.
PARALLEL_MIN_ATOMS = 1500


def pick(module, name: str, n_atoms: int):
    """The ``_parallel`` or ``_serial`` compiled variant of ``module.name`` for ``n_atoms``.

    >>> from mstool.toolkit.md.kernels import neighbors
    >>> pick(neighbors, "cell_list", 10).__name__
    'cell_list'
    """
    suffix = "_parallel" if n_atoms >= PARALLEL_MIN_ATOMS else "_serial"
    return getattr(module, name + suffix)
