"""What a local Dask worker of ``mstool preprocess`` starts with, imported once in its forkserver.

Importing this module imports the shard task's modules and loads the fused kernel from
Numba's cache, so every worker forked afterwards runs its first image at once. Named, not
imported, by ``WORKER_PRELOAD`` in :mod:`mstool.toolkit.preprocess.tasks`.
"""

from __future__ import annotations

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.preprocess.pipeline import warm_up
from mstool.toolkit.preprocess.tasks import run_shard

# Loading any one specialisation loads Numba's compiler; others then cost milliseconds.
TYPICAL_RECIPE = {"ops": [{"op": "letterbox", "size": 416}], "output": {"layout": "CHW", "dtype": "float32"}}

try:
    warm_up(PreprocessRecipe.model_validate(TYPICAL_RECIPE), "cpu")
except Exception:  # noqa: BLE001 - the first task loads the kernel itself; only the head start is lost
    pass

__all__ = ["run_shard"]
