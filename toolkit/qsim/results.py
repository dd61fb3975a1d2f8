"""Writing ``qsim-result`` artifacts: metadata plus named arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mstool.schemas.qsim import QsimResultMeta
from mstool.toolkit.io import write_artifact


def counts_arrays(counts: dict[str, int]) -> dict[str, np.ndarray]:
    """Counts as two datasets: outcome bitstrings (highest bit first) and hits."""
    keys = sorted(counts)
    return {"counts/outcomes": np.array(keys, dtype="S"),
            "counts/hits": np.array([counts[k] for k in keys], dtype=np.int64)}


def write_result(path: str | Path, meta: QsimResultMeta, arrays: dict[str, np.ndarray],
                 overwrite: bool = True) -> Path:
    """Write ``arrays`` (keys may contain '/') and ``meta`` atomically to ``path``."""
    with write_artifact(path, meta, overwrite=overwrite) as art:
        for name, value in arrays.items():
            if value is None:
                continue
            art.h5.create_dataset(name, data=np.asarray(value))
    return Path(path)
