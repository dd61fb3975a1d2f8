"""``--overwrite`` without losing the previous output to a kill: the old files wait in a backup.

:meth:`Backup.start` moves the old files (a trajectory and its checkpoint) into the folder
``OUT.mstool-backup/``; :meth:`Backup.commit` removes it once the new run has something
resumable on disk (its first checkpoint, or its end). If the run dies before that, the next
run on the same output calls :func:`recover`, which puts the previous files back. Every step
is a rename, so a kill at any moment leaves the previous output or the new one, plus at most
this folder, which the next run restores or removes.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from mstool.toolkit.errors import InputError
from mstool.toolkit.io.atomic import atomic_write_text, fsync_directory

BACKUP_SUFFIX = ".mstool-backup"
DONE_SUFFIX = ".done"
MANIFEST = "manifest.json"
MOVED = "moved"  # present once every old file is inside: the new run then owns the old names


def backup_folder(primary: str | os.PathLike) -> Path:
    """Where the previous output of ``primary`` waits during an ``--overwrite`` run.

    >>> backup_folder("/runs/traj.h5").name
    'traj.h5.mstool-backup'
    """
    primary = Path(primary)
    return primary.with_name(primary.name + BACKUP_SUFFIX)


def _remove_folder(folder: Path) -> None:
    """Remove a backup folder we made: its plain files, then the folder (nothing is followed)."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) or entry.is_symlink():
            os.unlink(entry.path)
    os.rmdir(folder)


def recover(primary: str | os.PathLike, committed_by: str | os.PathLike | None = None) -> str | None:
    """Undo or finish an ``--overwrite`` run that died; call with the output's lock held.

    Returns ``"restored"`` (the previous files are back), ``"cleaned"`` (the new run had
    committed; its leftover backup was removed) or None (nothing to do). ``committed_by`` is
    the file whose presence, once every old file was set aside, means the new run is
    resumable (its checkpoint, written atomically): a run killed between writing it and
    committing is treated as committed, so a checkpoint on disk is never taken back.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "t.h5"
    >>> _ = out.write_text("old")
    >>> backup = Backup.start(out, [])
    >>> _ = out.write_text("new, killed before its first checkpoint")
    >>> recover(out), out.read_text()
    ('restored', 'old')
    """
    folder = backup_folder(primary)
    done = folder.with_name(folder.name + DONE_SUFFIX)
    outcome = None
    if done.exists():
        _remove_folder(done)
        outcome = "cleaned"
    if not folder.is_dir():
        return outcome
    try:
        entries = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        entries = []  # died before the manifest: nothing was moved yet
    all_moved = (folder / MOVED).exists()
    if all_moved and committed_by is not None and Path(committed_by).exists():
        os.replace(folder, done)  # the same two steps as Backup.commit
        fsync_directory(done.parent)
        _remove_folder(done)
        return "cleaned"
    for entry in entries:
        stored, original = folder / entry["key"], Path(entry["path"])
        if stored.exists():
            os.replace(stored, original)
        elif all_moved and not entry["existed"]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(original)  # written by the new run, which never committed
    fsync_directory(folder.parent)
    _remove_folder(folder)
    return "restored"


class Backup:
    """The previous files of one output, set aside until the new run commits."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def start(cls, primary: str | os.PathLike, others: list[Path]) -> Backup:
        """Move ``primary`` and ``others`` (where they exist) into the backup folder."""
        primary = Path(primary)
        folder = backup_folder(primary)
        files = [primary, *others]
        for path in files:
            if path.exists() and os.stat(path.parent).st_dev != os.stat(primary.parent).st_dev:
                raise InputError(f"--overwrite keeps a backup of {path.name} beside {primary.name}; "
                                 "they must be on one file system", where=str(path))
        os.mkdir(folder, 0o700)
        entries = [{"key": str(i), "path": os.path.abspath(p), "existed": p.exists()}
                   for i, p in enumerate(files)]
        atomic_write_text(folder / MANIFEST, json.dumps(entries))
        for entry in entries:
            if entry["existed"]:
                os.replace(entry["path"], folder / entry["key"])
        (folder / MOVED).touch()
        fsync_directory(folder)
        fsync_directory(folder.parent)
        return cls(folder)

    def commit(self) -> None:
        """The new output is resumable: drop the previous one (first a rename, so a kill
        here never brings the old files back over the new ones)."""
        if not self.folder.exists():
            return
        done = self.folder.with_name(self.folder.name + DONE_SUFFIX)
        os.replace(self.folder, done)
        fsync_directory(done.parent)
        _remove_folder(done)

    def rollback(self) -> None:
        """The new run failed before committing: put the previous files back."""
        if self.folder.exists():
            recover(self.folder.with_name(self.folder.name[: -len(BACKUP_SUFFIX)]))
