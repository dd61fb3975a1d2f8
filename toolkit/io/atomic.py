"""Atomic file writes: a fresh temp file beside the output, fsync, rename over the output.

The temp file is created with ``O_EXCL | O_NOFOLLOW`` under a random name that embeds the
writer's pid (``OUT.tmp-<pid>-<random>``), so nothing planted in the folder can redirect
the write; it is removed on every exit path, and a later run removes those of dead pids.
A killed writer leaves either the previous file or a complete new one.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.io.cleanup import remove_stale
from mstool.toolkit.io.locks import output_lock

TEMP_MARK = ".tmp-"


def temp_prefix(path: str | os.PathLike) -> str:
    """The start of this process's temp file names for ``path`` (random characters follow).

    >>> temp_prefix("/tmp/out.h5") == f"out.h5.tmp-{os.getpid()}-"
    True
    """
    return f"{Path(path).name}{TEMP_MARK}{os.getpid()}-"


def _stale_pattern(path: Path) -> str:
    # Also matches the old predictable names ``OUT.tmp-<pid>`` of earlier versions.
    return rf"{re.escape(path.name)}{re.escape(TEMP_MARK)}(\d+)(?:$|[-.])"


def remove_stale_temps(path: str | os.PathLike) -> list[Path]:
    """Remove temp files of ``path`` whose writer process is dead; returns what was removed.

    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.h5.tmp-999999999-k2j4").write_bytes(b"partial")
    >>> [p.name for p in remove_stale_temps(folder / "a.h5")]
    ['a.h5.tmp-999999999-k2j4']
    """
    path = Path(path)
    return remove_stale(_folder(path), _stale_pattern(path))


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _default_mode() -> int:
    """0666 less the umask (mkstemp creates 0600; outputs get the usual permissions)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def create_temp(path: str | os.PathLike, suffix: str = "") -> Path:
    """Create an empty temp file for a write of ``path`` in its folder (``O_EXCL``, no links).

    The file gets the permissions the output would get (those of the file it replaces).

    >>> tmp = create_temp(Path(tempfile.mkdtemp()) / "r.json")
    >>> tmp.name.startswith(f"r.json.tmp-{os.getpid()}-"), tmp.stat().st_size
    (True, 0)
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=suffix, dir=_folder(path))
    try:
        try:
            mode = stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)
        except OSError:
            mode = _default_mode()
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
    return Path(name)


def fsync_path(path: str | os.PathLike) -> None:
    """Flush a closed file's data to disk (never through a symbolic link)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_directory(path: str | os.PathLike) -> None:
    """Flush a folder's entries (a rename) to disk; silently skipped where unsupported."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_writable(path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Validate an output path before any work starts.

    A symbolic link is refused: an atomic write replaces the link itself, not the file it
    points to, so the user names the real file instead.

    >>> check_writable("/tmp/new-file.h5").name
    'new-file.h5'
    """
    path = Path(path)
    if path.is_symlink():
        raise InputError("is a symbolic link; mstool replaces outputs atomically and would replace "
                         "the link, not its target: give the real path", where=str(path))
    if path.exists() and path.is_dir():
        raise InputError("is a directory, expected a file path", where=str(path))
    if path.exists() and not overwrite:
        raise InputError("exists; pass --overwrite to replace it", where=str(path))
    parent = _folder(path)
    if not parent.exists():
        raise InputError(f"output folder {parent} does not exist", where=str(path))
    return path


def publish(tmp: Path, path: Path, created: os.stat_result) -> None:
    """fsync ``tmp`` and rename it over ``path``, if ``tmp`` is still the file we created."""
    now = os.stat(tmp, follow_symlinks=False)
    same_file = (now.st_dev, now.st_ino) == (created.st_dev, created.st_ino)
    # Some writers (Keras' .keras archive) write a new file and rename it over the path they
    # were given: accept that only as a plain, singly linked file of ours in the same folder.
    rewritten_by_us = now.st_uid == created.st_uid and now.st_dev == created.st_dev and now.st_nlink == 1
    if not stat.S_ISREG(now.st_mode) or not (same_file or rewritten_by_us):
        raise WorkFailed(f"temp file {tmp.name} was replaced by someone else during the write; "
                         "nothing was published", where=str(path))
    fsync_path(tmp)
    os.replace(tmp, path)
    fsync_directory(_folder(path))


@contextlib.contextmanager
def atomic_write_path(path: str | os.PathLike, *, overwrite: bool = True, suffix: str = "") -> Iterator[Path]:
    """Yield a fresh temp path to write; on success it is fsynced and renamed to ``path``.

    The output's lock is held meanwhile (a second writer stops with exit 2). On an exception,
    or SIGTERM, the temp file is removed and ``path`` is untouched. ``suffix`` ends the temp
    name, for writers that insist on an extension.

    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_write_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('done', ['a.txt'])
    """
    path = check_writable(path, overwrite=overwrite)
    with output_lock(path):
        tmp = create_temp(path, suffix)
        published = False
        try:
            created = os.stat(tmp, follow_symlinks=False)
            yield tmp
            publish(tmp, path, created)
            published = True
        finally:
            if not published:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)


def atomic_write_text(path: str | os.PathLike, text: str, *, overwrite: bool = True) -> Path:
    """Write text to ``path`` atomically and return the path.

    >>> p = atomic_write_text(Path(tempfile.mkdtemp()) / "r.json", "{}")
    >>> p.read_text()
    '{}'
    """
    with atomic_write_path(path, overwrite=overwrite) as tmp:
        tmp.write_text(text)
    return Path(path)
