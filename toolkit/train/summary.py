"""The result of a training run (:func:`mstool.toolkit.train.loop.train`): a frozen record whose
``to_dict()`` is the document ``mstool --json train`` prints and workers send to the launcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mstool.toolkit.records import Record, optional


@dataclass(frozen=True)
class TrainSummary(Record):
    """Steps done, final validation loss/accuracy (None without validation data), throughput,
    the run's settings, and ``paths`` (file kind -> path; ``checkpoint`` on every worker).

    ``cpu_seconds_per_step``: this process's CPU time per step (all its threads; median, the
    first step of the session left out), absent when no step ran.
    ``loss_scale``/``skipped_steps`` only with float16 loss scaling, ``best_epoch`` only with early
    stopping, ``onnx_max_abs_diff`` only when ONNX was exported.

    >>> s = TrainSummary.from_dict({"steps": 3, "stopped": None, "val_loss": 0.5, "val_accuracy": 0.9,
    ...     "images_per_second": 100.0, "global_batch": 8, "replicas": 1, "workers": 1, "mode": "graph",
    ...     "xla": False, "strategy": "default", "classes": 2, "warnings": [], "mixed_precision": False,
    ...     "paths": {"checkpoint": "out/checkpoint.h5"}})
    >>> s.val_accuracy, "best_epoch" in s.to_dict()
    (0.9, False)
    """

    steps: int
    stopped: str | None
    val_loss: float | None
    val_accuracy: float | None
    images_per_second: float
    global_batch: int
    replicas: int
    workers: int
    mode: str
    xla: bool
    strategy: str
    classes: int
    warnings: list[str]
    mixed_precision: bool | str
    paths: dict[str, Any]
    cpu_seconds_per_step: float | None = optional()
    loss_scale: float | None = optional()
    skipped_steps: int | None = optional()
    best_epoch: int | None = optional()
    onnx_max_abs_diff: float | None = optional()
