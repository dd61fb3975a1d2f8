"""The one engine for batch work that splits by item: a plain loop, or Dask distributed.

Without ``--scheduler``/``--processes`` tasks run in this process, one after the other;
with them, through a ``distributed.Client`` (a local cluster or an existing scheduler).
"""

from __future__ import annotations

import os
import re
import secrets
import sys
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from mstool.toolkit.errors import InputError
from mstool.toolkit.extras import require_extra

SCHEDULER_ENV = "MSTOOL_SCHEDULER"
CORES_ENV = "MSTOOL_CORES_PER_TASK"  # set in local-cluster workers: the cores one task may use
CONNECT_TIMEOUT_S = 5  # with the import of Dask, a dead address is reported well within 10 s
WORKERS_TIMEOUT_S = 10
PROBE_PREFIX = ".mstool-probe-"
# What Dask's nanny sets before it starts a worker (distributed.yaml, nanny.pre-spawn-environ),
# less MALLOC_TRIM_THRESHOLD_: setting it turns off glibc's adaptive mmap threshold, so every
# block over 128 KiB a task allocates (a photo's bytes, a decoded image) is a fresh mmap,
# page-faulted in and unmapped again: 54 faults and about 9 % more CPU per image in a preprocess
# worker. A task's memory is bounded by its own pools, so there is nothing for trimming to win.
# Also given to the forkserver: BLAS libraries start no thread pool in the server.
NANNY_PRE_SPAWN_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

# A local cluster has no dashboard, so nobody reads the workers' statistical profile, which
# samples every task thread's stack every 10 ms while the tasks run, nor the fine-grained
# monitors behind it: each process's event loop wakes every 20 ms to time itself (for warnings
# its silenced logs drop), each worker's system monitor reads psutil every 0.5 s and each
# nanny checks its worker's memory every 0.1 s. Slower clocks cut an idle 2-worker cluster's
# CPU from about 0.09 to 0.03 CPU-s per second; the nanny still stops a worker that overruns
# its memory within a second. Work stealing stays on: a worker holds a second task while it
# runs one, and at the end stealing hands that one to a worker that has finished (16 equal
# tasks on a fast and a 30 % slower worker: 2.35 s with it, 2.39 s without, 2.26 s ideal).
# Worker processes are forked from a forkserver that imported Dask and the command's modules once.
LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False,
                       "distributed.admin.tick.interval": "1s",
                       "distributed.admin.system-monitor.interval": "2s",
                       "distributed.worker.memory.monitor-interval": "1s",
                       "distributed.worker.multiprocessing-method": "forkserver",
                       "distributed.nanny.pre-spawn-environ": NANNY_PRE_SPAWN_ENV}

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True)
class EngineSpec:
    """Where tasks run: ``scheduler`` (a Dask address), ``processes`` (a local cluster) or neither.

    >>> EngineSpec(None, None).in_process, EngineSpec(None, 2).in_process
    (True, False)
    """

    scheduler: str | None = None
    processes: int | None = None

    @property
    def in_process(self) -> bool:
        """True when neither a scheduler nor a process count is set (the plain loop)."""
        return self.scheduler is None and self.processes is None

    def describe(self) -> str:
        """A few words for logs and reports.

        >>> EngineSpec(None, 2).describe(), EngineSpec().describe()
        ('dask: 2 local processes', 'in-process')
        """
        if self.scheduler is not None:
            return f"dask: scheduler {self.scheduler}"
        if self.processes is not None:
            return f"dask: {self.processes} local process{'es' if self.processes != 1 else ''}"
        return "in-process"


def engine_from_options(scheduler: str | None, processes: int | None) -> EngineSpec:
    """The engine the command-line options (and ``MSTOOL_SCHEDULER``) ask for.

    ``--processes`` wins over the environment variable; both options at once is an error.

    >>> engine_from_options(None, 2)
    EngineSpec(scheduler=None, processes=2)
    >>> engine_from_options(None, None).in_process or bool(os.environ.get(SCHEDULER_ENV))
    True
    """
    if scheduler is not None and processes is not None:
        raise InputError("give --scheduler or --processes, not both", where="--processes")
    if processes is not None and processes < 1:
        raise InputError(f"must be at least 1, got {processes}", where="--processes")
    if scheduler is None and processes is None:
        scheduler = os.environ.get(SCHEDULER_ENV, "").strip() or None
    if scheduler is not None and not scheduler.strip():
        raise InputError("empty scheduler address", where="--scheduler")
    engine = EngineSpec(scheduler=scheduler, processes=processes)
    if not engine.in_process:  # say so before any work starts
        require_extra("dask", f"the Dask engine ({engine.describe()})")
    return engine


def map_tasks(
    fn: Callable[[Item], Result],
    items: Iterable[Item],
    *,
    engine: EngineSpec,
    description: str,
    shared_path: str | os.PathLike | None = None,
    retries: int = 2,
    progress: Callable[[int], None] | None = None,
    session: EngineSession | None = None,
) -> list[Result]:
    """``[fn(item) for item in items]``, in input order, on the chosen engine.

    In-process it is that loop. On Dask each item is one task (``fn`` and the items are
    pickled, so ``fn`` must be importable or a ``functools.partial``); a task whose worker
    dies or that raises is retried up to ``retries`` times, and a task that still fails
    raises its own exception here. ``shared_path``: a folder every worker must see (checked
    before anything is submitted). ``progress(n)`` is called as tasks finish (the CLI passes
    its Rich bar's ``advance``); ``description`` names the tasks in errors and on the
    Dask dashboard. ``session``: an :func:`engine_session` the caller opened earlier (its
    cluster started while the caller listed its inputs); without it one is opened and
    closed here.

    >>> map_tasks(lambda x: x * x, [1, 2, 3], engine=EngineSpec(), description="squares")
    [1, 4, 9]
    """
    items = list(items)
    if engine.in_process:
        results = []
        for item in items:
            results.append(fn(item))
            if progress is not None:
                progress(1)
        return results
    require_extra("dask", f"{description} on Dask ({engine.describe()})")
    if session is None:
        with engine_session(engine) as own:
            return _map_on_client(own.client(), fn, items, description, shared_path, retries, progress)
    return _map_on_client(session.client(), fn, items, description, shared_path, retries, progress)


def _map_on_client(client: Any, fn: Callable, items: list, description: str,
                   shared_path: str | os.PathLike | None, retries: int,
                   progress: Callable[[int], None] | None) -> list:
    from distributed import as_completed

    if shared_path is not None:
        check_shared_path(client, shared_path)
    keys = [f"{_key_prefix(description)}-{index}-{secrets.token_hex(4)}" for index in range(len(items))]
    futures = client.map(partial(_input_errors_returned, fn), items, key=keys, retries=retries,
                         pure=False)
    try:
        for future in as_completed(futures):
            _raise_input_error(future.result())  # a task's own error raises here, after its retries
            if progress is not None:
                progress(1)
        return [future.result() for future in futures]
    finally:
        client.cancel(futures)


@dataclass(frozen=True)
class _BadInput:
    message: str


def _input_errors_returned(fn: Callable[[Item], Result], item: Item) -> Result | _BadInput:
    """Bad input is returned, not raised: it would fail again, so Dask must not retry it."""
    try:
        return fn(item)
    except InputError as err:
        return _BadInput(err.render())


def _raise_input_error(result: Any) -> None:
    if isinstance(result, _BadInput):
        raise InputError(result.message)


def _key_prefix(description: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", description).strip("_")[:40] or "task"


class EngineSession:
    """One command's hold on the engine: a Dask client started in a background thread.

    The local cluster's processes start (or the scheduler is reached) while the command
    lists and checks its inputs; :meth:`client` waits for it. :meth:`release` starts
    stopping the cluster in the background once the last task is done, so the command's
    own closing work (a merge) overlaps the workers' shutdown; :meth:`close` waits for both.
    In-process there is nothing to start.

    >>> with engine_session(EngineSpec()) as session:
    ...     session.client() is None, session.task_slots()
    (True, 1)
    """

    def __init__(self, engine: EngineSpec, preload: Sequence[str] = ()) -> None:
        self.engine = engine
        self._client: Any = None
        self._cluster: Any = None
        self._config: Any = None
        self._error: BaseException | None = None
        self._starting: threading.Thread | None = None
        self._stopping: threading.Thread | None = None
        if not engine.in_process:
            require_extra("dask", f"the Dask engine ({engine.describe()})")
            if engine.scheduler is None:  # first: its imports overlap the command's
                _start_forkserver(preload, _local_worker_env(engine))
            self._starting = threading.Thread(target=self._start, name="mstool-engine-start", daemon=True)
            self._starting.start()

    def _start(self) -> None:
        try:
            if self.engine.scheduler is None:
                import dask.config

                # Held for the session: a worker the nanny restarts (a lost one) forks too.
                self._config = dask.config.set(_local_cluster_config())
            self._client, self._cluster = _connect(self.engine)
        except BaseException as err:  # re-raised in the caller's thread by client()
            self._error = err

    def client(self) -> Any:
        """The ``distributed.Client`` (``None`` in-process), once it is up; start errors raise here."""
        if self._starting is not None:
            self._starting.join()
        if self._error is not None:
            raise self._error
        return self._client

    def task_slots(self) -> int:
        """How many tasks run at once: 1 in-process, else the workers' threads (at least 1)."""
        client = self.client()
        if client is None:
            return 1
        return max(1, sum(client.nthreads().values()))

    def release(self) -> None:
        """Start closing the client and the local cluster in the background (idempotent)."""
        if self._stopping is not None or self._starting is None:
            return
        self._starting.join()
        self._stopping = threading.Thread(target=self._stop, name="mstool-engine-stop", daemon=True)
        self._stopping.start()

    def _stop(self) -> None:
        for part in (self._client, self._cluster):
            if part is not None:
                with suppress(Exception):  # a cluster already gone is closed enough
                    part.close()
        if self._config is not None:
            self._config.__exit__(None, None, None)

    def close(self) -> None:
        """Stop the engine and wait until its processes are gone."""
        self.release()
        if self._stopping is not None:
            self._stopping.join()


@contextmanager
def engine_session(engine: EngineSpec, preload: Sequence[str] = ()) -> Iterator[EngineSession]:
    """Start ``engine`` now (in the background) and stop it when the block ends.

    ``preload``: modules a local cluster's worker processes start with, imported once in
    the forkserver they are forked from; the module of the tasks' function is the usual one.

    >>> with engine_session(EngineSpec()) as session:
    ...     map_tasks(abs, [-1, 2], engine=EngineSpec(), description="abs", session=session)
    [1, 2]
    """
    session = EngineSession(engine, preload)
    try:
        yield session
    finally:
        session.close()


@contextmanager
def dask_client(engine: EngineSpec) -> Iterator[Any]:
    """A ``distributed.Client`` for ``engine``: a new local cluster, or the scheduler's address.

    An address that does not answer within ``CONNECT_TIMEOUT_S`` is an ``InputError``
    naming it (exit 2); so is a scheduler without workers after ``WORKERS_TIMEOUT_S``.
    """
    with engine_session(engine) as session:
        yield session.client()


def _connect(engine: EngineSpec) -> tuple[Any, Any]:
    """(client, local cluster or ``None``) for a Dask ``engine``."""
    import logging

    from distributed import Client, LocalCluster

    if engine.scheduler is None:
        with warnings.catch_warnings():
            # The scheduler's HTTP port falls back to a free one when 8787 is taken: no news.
            warnings.filterwarnings("ignore", message="Port .* is already in use")
            # The session holds _local_cluster_config() set; each worker's nanny copies it.
            cluster = LocalCluster(n_workers=int(engine.processes or 1), threads_per_worker=1,
                                   processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR, env=_local_worker_env(engine))
        try:
            return Client(cluster), cluster
        except BaseException:
            cluster.close()
            raise
    try:
        client = Client(engine.scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError(f"the Dask scheduler did not answer within {CONNECT_TIMEOUT_S} s "
                         f"({type(err).__name__})", where=f"--scheduler {engine.scheduler}") from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except (OSError, TimeoutError) as err:
        client.close()
        raise InputError(f"the Dask scheduler has no workers after {WORKERS_TIMEOUT_S} s",
                         where=f"--scheduler {engine.scheduler}") from err
    return client, None


def _local_cluster_config() -> dict[str, Any]:
    """``LOCAL_WORKER_CONFIG``, less the forkserver where the platform has none."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        return LOCAL_WORKER_CONFIG
    return {key: value for key, value in LOCAL_WORKER_CONFIG.items() if "multiprocessing" not in key}


def _local_worker_env(engine: EngineSpec) -> dict[str, str]:
    """Environment of a local cluster's workers: each gets the machine's cores / N."""
    cores = str(max(1, (os.cpu_count() or 1) // int(engine.processes or 1)))
    return {"NUMBA_NUM_THREADS": cores, CORES_ENV: cores}


def _start_forkserver(preload: Sequence[str] = (), env: dict[str, str] | None = None) -> None:
    """Start the process that a local cluster's workers are forked from, importing ``preload``.

    Spawning a worker costs a fresh Python that imports Dask, NumPy, Numba and the task's
    modules (2-3 CPU-s each); forking it from this one server costs milliseconds, and the
    server's imports run beside the command's own. A module in ``preload`` may prepare more
    than imports (preprocess loads its kernel from Numba's cache). The server starts once
    per process and keeps its first ``preload`` and ``env``: workers of a later cluster
    import what else they need, and get their own environment from their nanny. Call it
    early: its imports then overlap the command's.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows: workers spawn
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["distributed", *preload])
    env = {**NANNY_PRE_SPAWN_ENV, **(env or {})}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)  # the server's environment, inherited by every worker
    try:
        forkserver.ensure_running()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def cores_per_task() -> int:
    """Threads one task may use: the cores given to this process, shared among its task threads.

    A local cluster's worker gets the machine's cores / N (``MSTOOL_CORES_PER_TASK``); on
    a worker of another cluster that runs several tasks at once, each gets its share of
    the machine's cores.

    >>> cores_per_task() >= 1
    True
    """
    value = os.environ.get(CORES_ENV, "")
    cores = int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 1)
    return max(1, cores // _task_threads())


def _task_threads() -> int:
    """Task threads of the Dask worker running this code (1 outside a worker)."""
    if "distributed" not in sys.modules:  # not on a worker: never import Dask for this
        return 1
    from distributed import get_worker

    try:
        return max(1, int(get_worker().state.nthreads))
    except (ValueError, AttributeError):
        return 1


def check_shared_path(client: Any, folder: str | os.PathLike) -> None:
    """Raise ``InputError`` unless every worker of ``client`` reads a probe file written here.

    Outputs written by tasks land in ``folder``, so a worker on a machine that does not
    mount it must be found before any work starts.
    """
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise InputError("not a folder", where=str(folder))
    token = secrets.token_hex(16)
    probe = folder / f"{PROBE_PREFIX}{os.getpid()}-{token[:8]}"
    try:
        probe.write_text(token)
    except OSError as err:
        raise InputError(f"cannot write there ({err.strerror})", where=str(folder)) from None
    try:
        seen = client.run(_read_probe, str(probe))
    finally:
        probe.unlink(missing_ok=True)
    blind = sorted(worker for worker, text in seen.items() if text != token)
    if blind or not seen:
        raise InputError(f"workers cannot see {folder} (a shared filesystem is needed): "
                         f"{', '.join(blind) or 'no workers'}")


def _read_probe(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


_CACHE: dict[Hashable, Any] = {}
_CACHE_LOCK = threading.RLock()  # re-entrant: a factory may use worker_cached itself


def worker_cached(key: Hashable, factory: Callable[[], Result]) -> Result:
    """``factory()`` built once per process (per Dask worker process) and kept under ``key``.

    Tasks use it for what is slow to build and the same for every task (a loaded model).

    >>> calls = []
    >>> first = worker_cached(("doc", 1), lambda: calls.append(1) or [0.5])
    >>> worker_cached(("doc", 1), lambda: calls.append(1) or [0.5]) is first, len(calls)
    (True, 1)
    >>> worker_cached(("doc", 2), lambda: worker_cached(("doc", 1), list) + [1.0])  # nested use
    [0.5, 1.0]
    """
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = factory()
        return _CACHE[key]


def clear_worker_cache() -> None:
    """Forget every object :func:`worker_cached` kept in this process.

    >>> clear_worker_cache()
    """
    with _CACHE_LOCK:
        _CACHE.clear()
