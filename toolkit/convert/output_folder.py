"""convert's output folder: built in a temp folder beside it and swapped in whole, never a user's file lost.

``--overwrite`` replaces only a folder mstool wrote (its report.json lists every file) and
refuses ``/``, the home folder, the working folder and its parents. The temp folder's name
carries the owner's pid, so one left by a killed run is removed at the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mstool.toolkit.errors import InputError
from mstool.toolkit.io.cleanup import pid_alive
from mstool.toolkit.io.locks import output_lock

# Entries of an output folder that are mstool's even when report.json does not list them.
REPORT = "report.json"
BYTECODE_FOLDER = "__pycache__"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike, overwrite: bool) -> Iterator[Path]:
    """Yield an empty temp folder beside ``out_dir``; on success it replaces ``out_dir`` atomically.

    The temp folder is removed on every exit path (SIGTERM included); a killed run's is
    removed by the next run. ``out_dir.lock`` keeps a second run on ``out_dir`` out (exit 2).

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_output(root / "out", overwrite=False) as tmp:
    ...     _ = (tmp / "report.json").write_text('{"files": ["report.json"]}')
    >>> sorted(p.name for p in root.iterdir())
    ['out']
    """
    out_dir = Path(out_dir)
    check_replaceable(out_dir, overwrite)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(out_dir.parent, os.W_OK):
        raise InputError("output folder's parent is not writable", where=str(out_dir.parent))
    with output_lock(out_dir):
        remove_stale_temp_folders(out_dir)
        tmp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.",
                                    suffix=f".pid{os.getpid()}"))
        try:
            _usual_permissions(tmp)
            yield tmp
            shutil.rmtree(tmp / BYTECODE_FOLDER, ignore_errors=True)  # left by verification's import
            check_replaceable(out_dir, overwrite)  # again: the folder may have changed meanwhile
            _swap_in(tmp, out_dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _usual_permissions(folder: Path) -> None:
    # mkdtemp makes the folder private (0700); the output gets what a plain mkdir would give.
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)


def check_replaceable(out_dir: Path, overwrite: bool) -> None:
    """Refuse an output folder whose replacement could lose something of the user's (exit 2).

    >>> check_replaceable(Path("/"), overwrite=True)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    InputError: /: refusing to use the root folder as an output folder
    """
    resolved = out_dir.resolve()
    protected = {Path("/").resolve(): "the root folder", Path.home().resolve(): "the home folder"}
    if resolved in protected:
        raise InputError(f"refusing to use {protected[resolved]} as an output folder", where=str(out_dir))
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise InputError("refusing to use the current folder (or one above it) as an output folder",
                         where=str(out_dir))
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if not overwrite:
        raise InputError("output folder exists; pass --overwrite to replace it", where=str(out_dir))
    if out_dir.is_symlink() or not out_dir.is_dir():
        raise InputError("exists and is not a folder (or is a link); refusing to replace it",
                         where=str(out_dir))
    foreign = foreign_entries(out_dir)
    if foreign:
        raise InputError(f"holds files mstool did not write ({', '.join(repr(f) for f in foreign[:3])}); "
                         "refusing to replace it: pick another -o folder", where=str(out_dir))


def foreign_entries(folder: Path) -> list[str]:
    """Names in ``folder`` that are not the files its report.json lists (all of them without one).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "thesis.txt").write_text("mine")
    >>> foreign_entries(folder)
    ['thesis.txt']
    """
    names = sorted(p.name for p in folder.iterdir())
    if not names:
        return []
    owned = _listed_files(folder / REPORT)
    if owned is None:
        return names
    owned |= {REPORT}
    foreign = [n for n in names if n not in owned and n != BYTECODE_FOLDER]
    if BYTECODE_FOLDER in names and not _only_model_bytecode(folder / BYTECODE_FOLDER):
        foreign.append(BYTECODE_FOLDER)
    return foreign + [n for n in names if n in owned and not _plain_file(folder / n)]


def _listed_files(report: Path) -> set[str] | None:
    if not _plain_file(report):
        return None
    try:
        files = json.loads(report.read_text()).get("files")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(files, list) or not all(isinstance(f, str) and "/" not in f for f in files):
        return None
    return set(files)


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _only_model_bytecode(folder: Path) -> bool:
    if folder.is_symlink() or not folder.is_dir():
        return False
    return all(re.fullmatch(r"model\.[\w.-]+\.pyc", p.name) and _plain_file(p) for p in folder.iterdir())


def _temp_pattern(out_dir: Path) -> re.Pattern[str]:
    name = re.escape(out_dir.name)
    return re.compile(rf"\.{name}\.(?:[a-z0-9_]{{8}}\.(?:old\.)?pid|tmp-)(\d+)")


def remove_stale_temp_folders(out_dir: Path) -> list[Path]:
    """Remove temp folders of ``out_dir`` left by runs whose process is gone; returns them.

    When a killed run had already moved the previous output aside (``.old.``) and
    ``out_dir`` is missing, that previous output is put back instead.
    """
    pattern = _temp_pattern(out_dir)
    removed = []
    for entry in sorted(out_dir.parent.iterdir()) if out_dir.parent.is_dir() else []:
        match = pattern.fullmatch(entry.name)
        if not match or entry.is_symlink() or not entry.is_dir() or _alive(int(match.group(1))):
            continue
        if ".old.pid" in entry.name and not out_dir.exists():
            os.rename(entry, out_dir)
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        return pid_alive(pid)
    except OverflowError:  # a pid no process can have
        return False


def _swap_in(tmp: Path, out_dir: Path) -> None:
    """Make ``tmp`` be ``out_dir``; the previous ``out_dir`` (if any) ends up at ``tmp``."""
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return
    if _exchange(tmp, out_dir):
        return
    # No atomic exchange here: move the old folder aside under a name the next run can restore.
    aside = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.",
                                  suffix=f".old.pid{os.getpid()}"))
    os.rename(out_dir, aside)
    os.rename(tmp, out_dir)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))
