"""One writer per output: a non-blocking ``flock`` on ``OUT.lock`` beside the output.

A second run on the same output stops at once (exit 2) naming the first run's pid.
The kernel drops the lock when its process dies, even by ``kill -9``; a lock file left by
a dead run is reused, and removed when the next run ends.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from mstool.toolkit.errors import InputError
from mstool.toolkit.io.cleanup import pid_alive, sigterm_runs_cleanup

LOCK_SUFFIX = ".lock"

_held: dict[str, list[int]] = {}  # lock path -> [fd, depth]; re-entrant within one process
_registry = threading.Lock()


def lock_path_for(path: str | os.PathLike) -> Path:
    """The lock file that guards ``path``.

    >>> lock_path_for("/data/run/traj.h5").name
    'traj.h5.lock'
    """
    path = Path(path)
    return path.with_name(path.name + LOCK_SUFFIX)


def lock_holder(path: str | os.PathLike) -> int | None:
    """The pid of the live run writing ``path``, or None when nobody holds its lock.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.h5"
    >>> lock_holder(target) is None
    True
    >>> with output_lock(target):
    ...     lock_holder(target) == os.getpid()
    True
    """
    lock = lock_path_for(path)
    with _registry:
        if os.path.abspath(lock) in _held:
            return os.getpid()
    try:  # read, not lock: a probe must never make a starting writer fail
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        pid = _read_pid(fd)
    finally:
        os.close(fd)
    return pid if pid is not None and pid_alive(pid) else None


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None


def _acquire(lock: Path, target: Path) -> int | None:
    """Open and lock ``lock``; the fd, or None on a file system without locks."""
    for _ in range(10):
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as err:
            if err.errno == errno.ENOENT:
                raise InputError(f"output folder {lock.parent} does not exist", where=str(target)) from None
            if err.errno == errno.ELOOP:
                raise InputError(f"lock file {lock.name} is a symbolic link; remove it",
                                 where=str(target)) from None
            raise InputError(f"cannot create lock file {lock} ({err.strerror})", where=str(target)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            who = f"pid {pid}" if pid else "another process"
            raise InputError(f"another mstool run ({who}) is writing this file; wait for it or stop it",
                             where=str(target)) from None
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                return None  # no locks on this file system: run unguarded rather than not at all
            raise
        try:  # the holder may have removed the file between our open and flock: lock the new one
            same = os.fstat(fd).st_ino == os.stat(lock, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            return fd
        os.close(fd)
    raise InputError("could not take the output lock (it keeps changing)", where=str(target))


@contextlib.contextmanager
def output_lock(path: str | os.PathLike) -> Iterator[Path]:
    """Hold the lock of ``path`` for the block; re-entrant within one process.

    Taking it also removes temp files of ``path`` left by dead runs.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.h5"
    >>> with output_lock(target) as lock:
    ...     lock.exists()
    True
    >>> lock.exists()
    False
    """
    from mstool.toolkit.io.atomic import remove_stale_temps

    target = Path(path)
    lock = lock_path_for(target)
    key = os.path.abspath(lock)
    with _registry:
        entry = _held.get(key)
        if entry is not None:
            entry[1] += 1
    if entry is None:
        fd = _acquire(lock, target)
        with _registry:
            _held[key] = entry = [fd, 1]
        remove_stale_temps(target)
    try:
        with sigterm_runs_cleanup():
            yield lock
    finally:
        with _registry:
            entry[1] -= 1
            last = entry[1] == 0
            if last:
                del _held[key]
        if last and entry[0] is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)  # while still locked, so no one locks the old file afterwards
            os.close(entry[0])
