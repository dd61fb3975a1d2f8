"""Checks that a run is learning: a non-finite loss stops it, validation accuracy at chance flags it.

Without them a diverged run (too large a learning rate) ends "successfully" with a
model that predicts one class; the user learns it only from the numbers.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import WorkFailed


def chance_accuracy(labels: np.ndarray) -> float:
    """The accuracy of always answering the most frequent class.

    >>> chance_accuracy(np.array([0, 1, 1, 2]))
    0.5
    """
    return float(np.bincount(labels).max() / len(labels)) if len(labels) else 0.0


def check_loss(loss: float, step: int, lr: float, checkpoint: str) -> None:
    """Raise :class:`WorkFailed` (exit 1) with one line naming the step and learning rate when
    ``loss`` is NaN or infinite.

    >>> check_loss(0.5, 3, 0.1, "none written")
    >>> try:
    ...     check_loss(float("nan"), 3, 0.1, "none written")
    ... except WorkFailed as err:
    ...     print(str(err)[:48])
    loss is nan at step 3 with learning rate 0.1: th
    """
    if not np.isfinite(loss):
        raise WorkFailed(f"loss is {loss} at step {step} with learning rate {lr:.4g}: the run diverged; "
                         f"lower optimizer.lr; stopped, kept the last good checkpoint ({checkpoint})")


def chance_message(val_accuracy: float, chance: float, margin: float, epoch: int, lr: float) -> str | None:
    """A warning when validation accuracy is within ``margin`` of chance after ``epoch``, else None.

    >>> chance_message(0.95, 0.11, 0.02, 1, 0.001) is None
    True
    >>> chance_message(0.123, 0.114, 0.02, 2, 0.1)[:60]
    'validation accuracy 12.3 % after epoch 2 is at chance level '
    """
    if val_accuracy > chance + margin:
        return None
    return (f"validation accuracy {100 * val_accuracy:.1f} % after epoch {epoch} is at chance level "
            f"({100 * chance:.1f} %, always the most frequent class): the model is not learning; "
            f"the learning rate {lr:.4g} may be too high or too low (optimizer.lr)")
