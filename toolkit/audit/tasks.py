"""Audit work as independent tasks: (attack budget or perturbation severity) x (sample batch).

Each task carries its samples and draws from its own generator, seeded by (recipe seed,
method, budget, batch), so a report depends on the seed only: never on the engine
(in-process, local processes, a cluster) that ran the tasks, nor on their order.
"""

from __future__ import annotations

import copy
import socket
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack
from mstool.toolkit.audit.attacks.perturbations import apply_perturbation
from mstool.toolkit.audit.models import Classifier, Preprocess, load_classifier
from mstool.toolkit.errors import InputError

SAMPLES_PER_TASK = 128


def sample_batches(rows: np.ndarray, size: int = SAMPLES_PER_TASK) -> list[np.ndarray]:
    """``rows`` cut into consecutive batches of at most ``size`` (one empty batch for no rows).

    >>> [b.tolist() for b in sample_batches(np.arange(5), size=2)]
    [[0, 1], [2, 3], [4]]
    >>> [b.tolist() for b in sample_batches(np.arange(0))]
    [[]]
    """
    if len(rows) == 0:
        return [rows]
    return [rows[start:start + size] for start in range(0, len(rows), size)]


def batch_rng(key: tuple[int, ...], batch: int) -> np.random.Generator:
    """The generator of one batch of a method at one budget.

    Batch 0 keeps the method's own key (the one audits used before they were split), so
    an audit of up to :data:`SAMPLES_PER_TASK` samples gives the report it gave before.

    >>> int(batch_rng((0, 1, 2), 0).integers(100)) == int(np.random.default_rng([0, 1, 2]).integers(100))
    True
    >>> int(batch_rng((0, 1, 2), 1).integers(100)) == int(np.random.default_rng([0, 1, 2, 1]).integers(100))
    True
    """
    return np.random.default_rng(list(key) if batch == 0 else [*key, batch])


def _fingerprint(path: Path) -> tuple:
    """Size and modification time of a model file (every file of a model folder), so a worker
    that stays up between audits reloads a model file that changed."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.exists())


@dataclass(frozen=True)
class ModelSource:
    """What a worker process needs to load the audited classifier itself (it is pickled to it).

    ``outputs`` and ``num_classes`` are the ones the client found when it checked the model.
    """

    path: str
    preprocess: Preprocess
    model_format: str
    outputs: str
    whitebox: bool
    batch_size: int
    trust: bool
    num_classes: int
    defence: tuple[str, tuple[tuple[str, Any], ...], bool] | None = None
    fingerprint: tuple = ()

    @classmethod
    def describe(cls, clf: Classifier, path: Path, model_format: str, whitebox: bool, batch_size: int,
                 trust: bool, defence: Any | None = None) -> ModelSource:
        """The source of a classifier the client loaded and checked (``defence``: the recipe's
        defence section, or None)."""
        defended = None
        if defence is not None:
            defended = (defence.name, tuple(sorted((defence.params or {}).items())), defence.adaptive)
        return cls(str(path), clf.preprocess, model_format, clf.outputs, whitebox, batch_size, trust,
                   clf.num_classes, defended, _fingerprint(path))

    def load(self) -> Classifier:
        """Load the model as the client did (conversion notes were reported by the client)."""
        from mstool.toolkit.audit.defences import defended_classifier

        if not Path(self.path).exists():
            raise InputError(f"a worker on {socket.gethostname()} cannot see the model (the workers need "
                             "the model's folder on a shared filesystem)", where=self.path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            clf = load_classifier(self.path, self.preprocess, self.model_format, self.outputs,
                                  self.whitebox, self.batch_size, self.trust)
        clf.num_classes = self.num_classes
        if self.defence is not None:
            name, params, adaptive = self.defence
            clf = defended_classifier(clf, name, dict(params), adaptive)
        return clf


def task_classifier(source: Classifier | ModelSource) -> Classifier:
    """The classifier a task runs on: the client's own in-process, else one per worker process."""
    if isinstance(source, Classifier):
        return source
    from mstool.toolkit.workers import worker_cached

    return worker_cached(("audit-model", repr(source)), source.load)  # repr: Preprocess holds lists


@dataclass
class AttackTask:
    """One attack at one budget on one batch of the samples the model classifies correctly."""

    attack: str
    params: dict[str, Any]
    norm: str
    eps: float | None
    seed_key: tuple[int, ...]
    batch: int
    x: np.ndarray
    y: np.ndarray
    targets: np.ndarray | None = None
    max_queries: int | None = None


@dataclass
class PerturbationTask:
    """One natural perturbation at one severity on one batch of the samples."""

    name: str
    severity: int
    low: float
    high: float
    seed_key: tuple[int, ...]
    batch: int
    x: np.ndarray


@dataclass
class TaskResult:
    """The perturbed batch, the model queries spent on it (black-box attacks) and the time."""

    x: np.ndarray
    queries: int
    seconds: float


def run_task(task: AttackTask | PerturbationTask, source: Classifier | ModelSource) -> TaskResult:
    """Run one task (on whichever process the engine chose).

    >>> x = np.full((2, 4, 4, 1), 0.5, np.float32)
    >>> task = PerturbationTask("brightness", 1, 0.0, 1.0, (0, 1000, 1), 0, x)
    >>> out = run_task(task, source=None)
    >>> out.x.shape, out.queries
    ((2, 4, 4, 1), 0)
    """
    start = time.perf_counter()
    rng = batch_rng(task.seed_key, task.batch)
    if isinstance(task, PerturbationTask):
        found = apply_perturbation(task.name, task.x, task.severity, task.low, task.high, rng)
        return TaskResult(found, 0, time.perf_counter() - start)
    spec = get_attack(task.attack)
    if len(task.x) == 0:
        return TaskResult(task.x.copy(), 0, 0.0)
    clf = copy.copy(task_classifier(source))  # its own query count; the model itself is shared
    clf.queries = 0
    job = AttackJob(clf, task.x, task.y, task.eps, rng, norm=task.norm, targets=task.targets,
                    max_queries=task.max_queries, params=dict(task.params))
    found = run_attack(spec, job)
    return TaskResult(found, int(clf.queries), time.perf_counter() - start)
