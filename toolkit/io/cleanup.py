"""Leftovers of dead runs and clean exits on SIGTERM.

Files a run leaves only while it works (temp files, shared-memory files) carry its
pid in their name; a later run removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (another user's process counts as alive).

    A zombie (exited, not yet waited for by its parent) is not alive: it writes nothing
    more, and a busy parent may take a while to reap it.

    >>> pid_alive(os.getpid())
    True
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (not Linux), or the process just went
        return False
    return stat_line.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def remove_stale(folder: str | os.PathLike, pattern: str) -> list[Path]:
    """Remove this user's regular files in ``folder`` whose name matches ``pattern`` and whose
    pid (the pattern's first group) is dead; returns what was removed.

    Links and folders are never touched, nor files of a live process.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "out.h5.tmp-999999999-x").write_text("left by a dead run")
    >>> [p.name for p in remove_stale(folder, r"out\\.h5\\.tmp-(\\d+)")]
    ['out.h5.tmp-999999999-x']
    """
    regex = re.compile(pattern)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = regex.match(entry.name)
        if not match or pid_alive(int(match.group(1))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


class _Terminated(SystemExit):
    """Raised in the main thread on SIGTERM so ``finally`` blocks remove temp files."""


_depth = 0
_previous = None
_guard = threading.Lock()


def _raise_exit(signum, frame) -> None:
    raise _Terminated(128 + signum)


@contextlib.contextmanager
def sigterm_runs_cleanup() -> Iterator[None]:
    """Inside this block SIGTERM raises ``SystemExit(143)`` instead of ending the process at once,
    so every ``finally`` runs; outside it, the previous handler is back. A no-op off the main
    thread or when someone else already handles SIGTERM.

    >>> with sigterm_runs_cleanup():
    ...     signal.getsignal(signal.SIGTERM) is _raise_exit
    True
    """
    global _depth, _previous
    installed = False
    with _guard:
        if threading.current_thread() is threading.main_thread():
            current = signal.getsignal(signal.SIGTERM)
            if _depth == 0 and current in (signal.SIG_DFL, None):
                _previous = current
                signal.signal(signal.SIGTERM, _raise_exit)
                _depth, installed = 1, True
            elif _depth and current is _raise_exit:
                _depth += 1
                installed = True
    try:
        yield
    finally:
        if installed:
            with _guard:
                _depth -= 1
                if _depth == 0:
                    signal.signal(signal.SIGTERM, _previous or signal.SIG_DFL)
