"""Read input files that must be regular files, without blocking on FIFOs or devices.

A ``*.jpg`` that is a symlink to /dev/zero, a FIFO or a socket is refused before
any byte is read: ``os.stat`` first, then an ``O_NONBLOCK`` open checked again with ``fstat``.
"""

from __future__ import annotations

import os
import stat


class NotARegularFile(OSError):
    """The path exists but is a FIFO, a device, a socket or a folder."""


class FileTooLarge(OSError):
    """A regular file larger than the caller's byte limit."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse_unless_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _kind(mode)
        raise NotARegularFile(f"is {kind}, expected a regular file" if kind.startswith("a ") else kind)


def read_regular_file(path: str | os.PathLike, max_bytes: int | None = None) -> bytes:
    """All bytes of a regular file; FIFOs, devices, sockets and folders raise :class:`NotARegularFile`.

    Files larger than ``max_bytes`` raise :class:`FileTooLarge`, before reading.
    Other failures are the usual ``OSError`` subclasses (``FileNotFoundError``, ...).

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> read_regular_file(f.name)
    b'abc'
    >>> try:
    ...     read_regular_file("/dev/zero")
    ... except NotARegularFile as err:
    ...     print(err)
    is a device, expected a regular file
    """
    _refuse_unless_regular(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        # the path may have been swapped since the stat: check what was opened
        info = os.fstat(fd)
        _refuse_unless_regular(info.st_mode)
        if max_bytes is not None and info.st_size > max_bytes:
            raise FileTooLarge(f"is {info.st_size} bytes, more than the {max_bytes}-byte limit")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)
