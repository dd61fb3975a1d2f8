"""Per-step and per-epoch records of a run, kept in checkpoints and written as a ``training-log``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

STEP_FIELDS = ("step", "loss", "accuracy", "lr", "images_per_second")
EPOCH_FIELDS = ("epoch", "val_loss", "val_accuracy")


@dataclass
class History:
    """Columns of step records and epoch records.

    >>> h = History(); h.add_step(step=1, loss=2.0, accuracy=0.5, lr=0.1, images_per_second=10.0)
    >>> h.steps["loss"]
    [2.0]
    """

    steps: dict[str, list] = field(default_factory=lambda: {k: [] for k in STEP_FIELDS})
    epochs: dict[str, list] = field(default_factory=lambda: {k: [] for k in EPOCH_FIELDS})

    def add_step(self, **record: float) -> None:
        for key in STEP_FIELDS:
            self.steps[key].append(record[key])

    def add_epoch(self, **record: float) -> None:
        for key in EPOCH_FIELDS:
            self.epochs[key].append(record[key])

    def images_per_second(self) -> float | None:
        """Median throughput, leaving out the first step of each (re)start, which traces the graph."""
        rates = self.steps["images_per_second"][1:] or self.steps["images_per_second"]
        return float(np.median(rates)) if rates else None

    def write(self, group) -> None:
        """Store the columns as datasets of an open HDF5 group."""
        for key in STEP_FIELDS:
            dtype = np.int64 if key == "step" else np.float64
            group.create_dataset(key, data=np.asarray(self.steps[key], dtype))
        for key in EPOCH_FIELDS:
            group.create_dataset(key, data=np.asarray(self.epochs[key],
                                                      np.int64 if key == "epoch" else np.float64))

    @classmethod
    def read(cls, group) -> History:
        history = cls()
        for key in STEP_FIELDS:
            history.steps[key] = group[key][...].tolist()
        for key in EPOCH_FIELDS:
            history.epochs[key] = group[key][...].tolist()
        return history


def write_training_log(path: Path, history: History, meta) -> None:
    """Write the ``training-log`` artifact (atomically)."""
    from mstool.toolkit.io import write_artifact

    with write_artifact(path, meta) as art:
        history.write(art.h5)
