"""Reading QASM sources safely: regular files only, a size limit, and ``include`` paths
that stay inside the including file's folder (or a folder the user allowed).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.qasm").write_text("qreg q[1];")
>>> read_source(d / "a.qasm")
'qreg q[1];'
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from mstool.toolkit.errors import InputError

MAX_SOURCE_BYTES = 32 * 2**20


def read_source(path: Path, where: str | None = None, limit: int = MAX_SOURCE_BYTES) -> str:
    """UTF-8 text of a regular file of at most ``limit`` bytes; anything else is an InputError.

    The file is opened non-blocking so a FIFO cannot hang the reader, and checked with
    ``fstat`` on the open descriptor, so a swapped path cannot slip a device in.
    """
    where = where or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read QASM file '{path}': {exc.strerror}", where=where) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"'{path}' is not a regular file", where=where)
        if info.st_size > limit:
            raise InputError(f"'{path}' is larger than the {limit // 2**20} MiB QASM limit", where=where)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read QASM file '{path}': {exc.strerror}", where=where) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(f"'{path}' is larger than the {limit // 2**20} MiB QASM limit", where=where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"'{path}' is not UTF-8 text (byte {exc.start})", where=where) from None


def resolve_include(name: str, base_dir: Path, allowed_dirs: Sequence[Path] = ()) -> Path:
    """The file an ``include "name"`` statement names, refused when it leaves ``base_dir``
    and every folder of ``allowed_dirs`` (symbolic links are resolved before the check).

    >>> resolve_include("../x.inc", Path("/tmp/a"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: include '../x.inc' is outside the folder /tmp/a ...
    """
    if not name or "\x00" in name:
        raise InputError("include needs a file name")
    base = base_dir.resolve()
    target = (base / name).resolve()
    for folder in (base, *(Path(d).resolve() for d in allowed_dirs)):
        if target == folder or folder in target.parents:
            return target
    # an allowed folder may also be searched by name, like a compiler's -I
    for folder in allowed_dirs:
        candidate = (Path(folder) / name).resolve()
        if Path(folder).resolve() in candidate.parents and candidate.exists():
            return candidate
    raise InputError(f"include '{name}' is outside the folder {base} (allow its folder with --include-dir)")
