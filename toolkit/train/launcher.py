"""``--workers N``: run N local worker processes as one MultiWorkerMirroredStrategy job.

Each worker gets TF_CONFIG with loopback ports and the name of a fresh shared file
for its gradient sums (``local_sum``; ``MSTOOL_TRAIN_LOCAL_SUM=0`` keeps gRPC). If a
worker dies (a signal or an unexpected error), the others are stopped and all are
restarted from the last checkpoint, as a cluster scheduler would; bad input and NaN
losses are not retried.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from mstool.schemas.train import TrainRecipe
from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.io.atomic import atomic_write_text
from mstool.toolkit.io.cleanup import remove_stale, sigterm_runs_cleanup
from mstool.toolkit.train.local_sum import ENV as LOCAL_SUM_ENV
from mstool.toolkit.train.loop import Events
from mstool.toolkit.train.summary import TrainSummary
from mstool.toolkit.train.worker import EVENT_PREFIX, EXIT_BAD_INPUT, EXIT_FAILED, LAUNCHER_ENV


def free_ports(count: int) -> list[int]:
    """Ports the kernel reports free right now on 127.0.0.1.

    >>> len(set(free_ports(3)))
    3
    """
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _forward_events(stream, events: Events, found: dict) -> None:
    for line in stream:
        if not line.startswith(EVENT_PREFIX):
            continue
        message = json.loads(line[len(EVENT_PREFIX):])
        kind, data = message["kind"], message["data"]
        if kind == "summary":
            found["summary"] = data
        elif kind == "start":
            events.start(*data)
        else:
            getattr(events, kind)(data)


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    mine = [line for line in lines if "error" in line.lower()]
    return (mine or lines or ["(no output)"])[-1].strip()


def worker_threads(workers: int, cores: int | None = None) -> dict[str, str]:
    """Thread settings that share this machine's cores among the local workers (unless set already).

    >>> worker_threads(2, cores=8)["TF_NUM_INTRAOP_THREADS"]
    '4'
    """
    cores = cores or os.cpu_count() or 1
    wanted = {"TF_NUM_INTRAOP_THREADS": str(max(1, cores // workers)), "TF_NUM_INTEROP_THREADS": "1"}
    return {key: os.environ.get(key, value) for key, value in wanted.items()}


def _start(spec_path: Path, output_dir: Path, workers: int, attempt: int, shared: Path | None):
    cluster = [f"127.0.0.1:{port}" for port in free_ports(workers)]
    local = {LOCAL_SUM_ENV: str(shared)} if shared else {}
    local[LAUNCHER_ENV] = str(os.getpid())
    procs, logs = [], []
    for index in range(workers):
        env = dict(os.environ, MSTOOL_TRAIN_ATTEMPT=str(attempt), TF_CPP_MIN_LOG_LEVEL="2",
                   TF_CONFIG=json.dumps({"cluster": {"worker": cluster},
                                         "task": {"type": "worker", "index": index}}),
                   **worker_threads(workers), **local)
        log_path = output_dir / f"worker-{index}.log"
        logs.append(log_path)
        log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with open(log_fd, "w") as log:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "mstool.toolkit.train.worker", str(spec_path)], env=env,
                stdout=subprocess.PIPE if index == 0 else log, stderr=log, text=True))
    return procs, logs


SHARED_PREFIX = "mstool-train-"


def _shared_folder(output_dir: Path) -> Path:
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else output_dir


def _shared_path(output_dir: Path, attempt: int) -> Path:
    """A fresh file name for the workers' gradient sums: in memory (/dev/shm) where there is one.

    >>> _shared_path(Path("."), 0).name.startswith(f"mstool-train-{os.getpid()}-0-")
    True
    """
    return _shared_folder(output_dir) / f"{SHARED_PREFIX}{os.getpid()}-{attempt}-{os.urandom(8).hex()}"


def remove_stale_shared_files(output_dir: Path) -> list[Path]:
    """Gradient-sum files of launchers that died (``kill -9``) before removing them.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "mstool-train-999999999-0-ab12.part").write_bytes(b"")
    >>> [p.name for p in remove_stale_shared_files(folder) if p.parent == folder]
    ['mstool-train-999999999-0-ab12.part']
    """
    pattern = rf"{SHARED_PREFIX}(\d+)-\d+-[0-9a-f]+(?:\.part)?$"
    removed = remove_stale(_shared_folder(output_dir), pattern)
    if _shared_folder(output_dir) != output_dir:
        removed += remove_stale(output_dir, pattern)
    return removed


def _wait(procs) -> list[int | None]:
    while True:
        codes = [proc.poll() for proc in procs]
        if all(code == 0 for code in codes) or any(code not in (None, 0) for code in codes):
            return codes
        time.sleep(0.2)


def _stop(procs) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
    for proc in procs:
        proc.wait()


def launch_local(recipe: TrainRecipe, output_dir: str | os.PathLike, workers: int, *, resume: bool = False,
                 base_dir: str | os.PathLike = ".", events: Events | None = None, export: bool = True,
                 max_restarts: int = 2) -> TrainSummary:
    """Run the recipe on ``workers`` local processes; returns the chief's summary."""
    events = events or Events()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    recipe = recipe.model_copy(update={"run": recipe.run.model_copy(update={"strategy": "multi-worker"})})
    spec_path = output_dir / "worker-spec.json"
    remove_stale_shared_files(output_dir)
    with sigterm_runs_cleanup():  # SIGTERM still stops the workers and removes the shared file
        return _attempts(recipe, output_dir, workers, spec_path, resume, base_dir, events, export,
                         max_restarts)


def _attempts(recipe: TrainRecipe, output_dir: Path, workers: int, spec_path: Path, resume: bool,
              base_dir: str | os.PathLike, events: Events, export: bool, max_restarts: int) -> TrainSummary:
    for attempt in range(max_restarts + 1):
        spec = {"recipe": recipe.model_dump(mode="json"), "output_dir": str(output_dir.resolve()),
                "base_dir": str(Path(base_dir).resolve()), "resume": resume or attempt > 0, "export": export}
        atomic_write_text(spec_path, json.dumps(spec))
        shared = _shared_path(output_dir, attempt) if os.environ.get(LOCAL_SUM_ENV, "1") != "0" else None
        procs, logs = _start(spec_path, output_dir, workers, attempt, shared)
        found: dict = {}
        reader = threading.Thread(target=_forward_events, args=(procs[0].stdout, events, found), daemon=True)
        reader.start()
        try:
            codes = _wait(procs)
        finally:
            _stop(procs)
            if shared:
                shared.unlink(missing_ok=True)
        reader.join(timeout=5)
        if all(code == 0 for code in codes) and "summary" in found:
            return TrainSummary.from_dict(found["summary"])
        index, code = next((i, c) for i, c in enumerate(codes) if c not in (None, 0))
        reason = _last_line(logs[index])
        if code == EXIT_BAD_INPUT:
            raise InputError(f"worker {index}: {reason}")
        if code == EXIT_FAILED:
            raise WorkFailed(f"worker {index}: {reason}")
        how = f"killed by signal {-code}" if code < 0 else f"exit {code}"
        if attempt < max_restarts:
            events.warn(f"worker {index} died ({how}); restarting all {workers} workers "
                        "from the last checkpoint")
    raise WorkFailed(f"worker {index} died ({how}) and {max_restarts} restarts did not finish "
                     f"the job: {reason}")
