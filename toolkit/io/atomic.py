"""Atomic file writes: write ``name.tmp-<pid>``, flush, fsync, rename.

A killed writer leaves either the previous file or a complete new one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from mstool.toolkit.errors import InputError


def temp_path_for(path: str | os.PathLike) -> Path:
    """The temporary sibling a write of ``path`` goes to before the rename.

    >>> temp_path_for("/tmp/out.h5").name.startswith("out.h5.tmp-")
    True
    """
    path = Path(path)
    return path.with_name(f"{path.name}.tmp-{os.getpid()}")


def fsync_path(path: str | os.PathLike) -> None:
    """Flush a closed file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_writable(path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Validate an output path before any work starts.

    >>> check_writable("/tmp/new-file.h5").name
    'new-file.h5'
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise InputError("is a directory, expected a file path", where=str(path))
    if path.exists() and not overwrite:
        raise InputError("exists; pass --overwrite to replace it", where=str(path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"output folder {parent} does not exist", where=str(path))
    return path


@contextlib.contextmanager
def atomic_write_path(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is fsynced and renamed to ``path``.

    On an exception the temporary file is removed and ``path`` is untouched.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_write_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = check_writable(path, overwrite=overwrite)
    tmp = temp_path_for(path)
    try:
        yield tmp
        fsync_path(tmp)
        os.replace(tmp, path)
        _fsync_directory(path.parent if str(path.parent) else Path("."))
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: str | os.PathLike, text: str, *, overwrite: bool = True) -> Path:
    """Write text to ``path`` atomically and return the path.

    >>> import tempfile, pathlib
    >>> p = atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "r.json", "{}")
    >>> p.read_text()
    '{}'
    """
    with atomic_write_path(path, overwrite=overwrite) as tmp:
        tmp.write_text(text)
    return Path(path)
