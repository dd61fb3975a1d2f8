"""Early stopping on a validation metric, keeping the best epoch's weights.

The decision is recomputed from the epoch history (which the checkpoint carries), so
a resumed run stops where an uninterrupted one would; the best weights are kept in
memory and in ``best-weights.npz`` beside the checkpoint for a resume.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mstool.toolkit.io import atomic_write_path

BEST_NAME = "best-weights.npz"


@dataclass
class EarlyStopping:
    """Track ``monitor`` (val_loss: lower is better; val_accuracy: higher) over epochs.

    >>> stop = EarlyStopping("val_loss", patience=2, min_delta=0.01)
    >>> [stop.update(epoch, value) for epoch, value in enumerate([1.0, 0.8, 0.795, 0.9], start=1)]
    [True, True, False, False]
    >>> stop.should_stop, stop.best_epoch
    (True, 2)
    """

    monitor: str
    patience: int
    min_delta: float = 0.0
    best: float | None = None
    best_epoch: int = 0
    waited: int = 0
    best_weights: list[np.ndarray] = field(default_factory=list, repr=False)

    def update(self, epoch: int, value: float) -> bool:
        """Record an epoch's value; True when it is the new best."""
        sign = -1.0 if self.monitor == "val_loss" else 1.0
        if self.best is None or sign * (value - self.best) > self.min_delta:
            self.best, self.best_epoch, self.waited = value, epoch, 0
            return True
        self.waited += 1
        return False

    @property
    def should_stop(self) -> bool:
        return self.waited >= self.patience

    def replay(self, epochs: dict[str, list]) -> None:
        """Re-run the decisions over a restored epoch history (on resume)."""
        for epoch, value in zip(epochs["epoch"], epochs[self.monitor], strict=True):
            self.update(epoch, value)

    def keep(self, model, path: Path | None) -> None:
        """Remember the model's current weights as the best (and write them when ``path``)."""
        self.best_weights = [np.asarray(v.numpy()) for v in model.weights]
        if path is not None:
            with atomic_write_path(path, suffix=".npz") as tmp:
                np.savez(tmp, *self.best_weights)

    def load(self, path: Path) -> None:
        """The best weights written by an earlier part of this run."""
        if path.exists():
            with np.load(path) as stored:
                self.best_weights = [stored[f"arr_{i}"] for i in range(len(stored.files))]

    def restore(self, model) -> bool:
        """Put the best weights back into the model; False when none were kept."""
        if len(self.best_weights) != len(model.weights):
            return False
        for var, value in zip(model.weights, self.best_weights, strict=True):
            var.assign(value)
        return True
