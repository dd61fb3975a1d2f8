"""The files of one simulation run: the output lock, and ``--overwrite`` through a backup.

While a run holds its trajectory's lock no other run writes it. With ``replace``, the
previous trajectory and checkpoint stay in ``OUT.mstool-backup/`` until the new run commits
(its first checkpoint, or its end); a failure or kill before that brings them back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from mstool.schemas.md import SimulateRecipe
from mstool.toolkit.io.atomic import check_writable
from mstool.toolkit.io.backup import Backup, recover
from mstool.toolkit.io.locks import output_lock
from mstool.toolkit.io.recipes import resolve_path


def output_paths(recipe: SimulateRecipe) -> tuple[Path, Path]:
    """(trajectory, checkpoint) of a recipe, resolved against the working directory.

    >>> [p.name for p in output_paths(SimulateRecipe())]
    ['trajectory.h5', 'trajectory.chk.npz']
    """
    out = recipe.output
    trajectory = resolve_path(out.trajectory, None)
    if not out.checkpoint:
        return trajectory, trajectory.with_suffix(".chk.npz")
    return trajectory, resolve_path(out.checkpoint, None)


@contextlib.contextmanager
def run_outputs(trajectory: Path, checkpoint: Path, *, replace: bool) -> Iterator[Callable[[], None]]:
    """Lock the outputs, undo a dead run's unfinished ``--overwrite``, set the old files aside
    when ``replace``; yields ``commit``, to call once the new files are resumable.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "t.h5"
    >>> _ = out.write_text("previous")
    >>> with run_outputs(out, out.with_suffix(".chk.npz"), replace=True) as commit:
    ...     _ = out.write_text("new")
    ...     commit()
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('new', ['t.h5'])
    """
    check_writable(trajectory)
    with output_lock(trajectory):
        with output_lock(checkpoint):  # a run killed while writing its checkpoint left this lock:
            pass  # taken (the dead run's file is reused) and released, it is removed
        recover(trajectory, committed_by=checkpoint)
        backup = None
        if replace and (trajectory.exists() or checkpoint.exists()):
            backup = Backup.start(trajectory, [checkpoint])
        committed = backup is None

        def commit() -> None:
            nonlocal committed
            if not committed:
                backup.commit()
                committed = True

        try:
            yield commit
        except BaseException:
            if not committed:
                backup.rollback()
            raise
        commit()
