"""H5MD 1.1 trajectory writer that also carries mstool's artifact attributes.

The file starts as a complete, empty trajectory published atomically (temp file, rename).
Frames are buffered and appended by opening, writing and closing the file at every flush,
so between flushes the file on disk is complete and closed: frames already written stay
readable if the process is killed, and a reader (``mstool inspect``, h5py) may open it
meanwhile. The writer opens it without HDF5's file lock, so a reader holding the file
never stops the run; the output lock (``OUT.lock``) is what keeps a second writer out.
``resume`` truncates to a checkpoint.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import h5py
import numpy as np

from mstool.schemas.md import TrajectoryMeta
from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.io.artifacts import ArtifactWriter
from mstool.toolkit.io.atomic import atomic_write_path
from mstool.toolkit.version import __version__

OBSERVABLE_UNITS = {
    "potential_energy": "kJ mol-1",
    "kinetic_energy": "kJ mol-1",
    "total_energy": "kJ mol-1",
    "temperature": "K",
    "pressure": "bar",
    "volume": "nm3",
}


def _series(group: h5py.Group, name: str, shape: tuple, unit: str | None, dtype=np.float64) -> None:
    sub = group.create_group(name)
    sub.create_dataset("step", shape=(0,), maxshape=(None,), dtype=np.int64, chunks=(256,))
    t = sub.create_dataset("time", shape=(0,), maxshape=(None,), dtype=np.float64, chunks=(256,))
    t.attrs["unit"] = "ps"
    chunk = (max(1, min(64, 2**20 // max(1, int(np.prod(shape)) * 8))),) + shape
    v = sub.create_dataset("value", shape=(0,) + shape, maxshape=(None,) + shape, dtype=dtype, chunks=chunk)
    if unit:
        v.attrs["unit"] = unit


def _append(sub: h5py.Group, step: int, time: float, value) -> None:
    n = sub["step"].shape[0]
    for name, data in (("step", step), ("time", time), ("value", value)):
        ds = sub[name]
        ds.resize(n + 1, axis=0)
        ds[n] = data


def _identity(path: Path) -> tuple[int, int]:
    info = os.stat(path, follow_symlinks=False)
    if not stat.S_ISREG(info.st_mode):
        raise FileNotFoundError(path)
    return info.st_dev, info.st_ino


class TrajectoryWriter:
    """Append frames (positions, velocities, box) and observables to an H5MD file.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.h5"
    >>> meta = TrajectoryMeta(n_atoms=2)
    >>> with TrajectoryWriter(out, meta, ["potential_energy"], periodic=True) as w:
    ...     w.write_positions(0, 0.0, np.zeros((2, 3)), np.ones(3))
    ...     w.write_observables(0, 0.0, {"potential_energy": -1.0})
    >>> h5py.File(out, "r")["particles/all/position/value"].shape
    (1, 2, 3)
    """

    def __init__(
        self,
        path: str | os.PathLike,
        meta: TrajectoryMeta,
        observables: list[str],
        *,
        periodic: bool,
        velocities: bool = False,
        resume_step: int | None = None,
        overwrite: bool = True,
        triclinic: bool = False,
        atoms: np.ndarray | None = None,
    ) -> None:
        self.path = Path(path)
        self.atoms = atoms  # the atoms written (None: all), e.g. all but the virtual sites
        self.triclinic = triclinic  # box edges as three vectors (H5MD's triclinic form)
        self.observables = list(observables)
        self.periodic = periodic
        self.velocities = velocities
        self._pending: list[tuple] = []
        if resume_step is not None:
            self._reopen(resume_step)
            return
        if self.path.exists() and not overwrite:
            raise InputError("trajectory exists; pass --overwrite or --resume", where=str(self.path))
        if self.path.parent and not self.path.parent.exists():
            raise InputError("output folder does not exist", where=str(self.path.parent))
        with atomic_write_path(self.path) as tmp, h5py.File(tmp, "w") as h5:
            self._layout(h5, meta, periodic, velocities)
        self._file_id = _identity(self.path)
        self.frames = 0

    def _layout(self, h5: h5py.File, meta: TrajectoryMeta, periodic: bool, velocities: bool) -> None:
        ArtifactWriter(h5, meta).finish()
        root = h5.create_group("h5md")
        root.attrs["version"] = np.array([1, 1], dtype=np.int32)
        root.create_group("author").attrs["name"] = "mstool user"
        creator = root.create_group("creator")
        creator.attrs["name"] = "mstool"
        creator.attrs["version"] = __version__
        particles = h5.create_group("particles/all")
        box = particles.create_group("box")
        box.attrs["dimension"] = 3
        kind = "periodic" if periodic else "none"
        box.attrs["boundary"] = np.array([kind.encode()] * 3, dtype="S8")
        n = meta.n_atoms
        if periodic:
            _series(box, "edges", (3, 3) if self.triclinic else (3,), "nm")
        _series(particles, "position", (n, 3), "nm", np.float32)
        if velocities:
            _series(particles, "velocity", (n, 3), "nm ps-1", np.float32)
        obs = h5.create_group("observables")
        for name in self.observables:
            _series(
                obs, name, (), OBSERVABLE_UNITS.get(name, "kJ mol-1" if name.startswith("energy_") else None)
            )

    def _reopen(self, step: int) -> None:
        if not self.path.exists():
            raise InputError("cannot resume: trajectory not found", where=str(self.path))

        def truncate(name: str, obj) -> None:
            if isinstance(obj, h5py.Group) and "step" in obj and "value" in obj:
                keep = int(np.searchsorted(obj["step"][:], step, side="right"))
                for key in ("step", "time", "value"):
                    obj[key].resize(keep, axis=0)

        if self.path.is_symlink():
            raise InputError("cannot resume: trajectory is a symbolic link", where=str(self.path))
        self._file_id = _identity(self.path)
        with self._open() as h5:
            h5.visititems(truncate)
            self.frames = h5["particles/all/position/step"].shape[0]
            self._match_observables(list(h5["observables"]) if "observables" in h5 else [])

    def _match_observables(self, in_file: list[str]) -> None:
        """On resume: an observable this run reports must be in the file; one the file has and
        this run does not report (its force term is gone) goes on as NaN, keeping frames aligned."""
        missing = [name for name in self.observables if name not in in_file]
        if missing:
            raise InputError(f"cannot resume: the trajectory has no observable {missing[0]} (it was "
                             "written with other force terms); start a new run", where=str(self.path))
        self.observables += [name for name in in_file if name not in self.observables]

    def _open(self) -> h5py.File:
        """Open our own file for appending: refuse one swapped in under our name meanwhile."""
        try:
            same = _identity(self.path) == self._file_id
        except FileNotFoundError:
            same = False
        if not same:
            raise WorkFailed("trajectory was removed or replaced by another program during the run",
                             where=str(self.path))
        return h5py.File(self.path, "r+", locking=False)

    def write_positions(
        self,
        step: int,
        time: float,
        positions: np.ndarray,
        box: np.ndarray | None,
        velocities: np.ndarray | None = None,
    ) -> None:
        if self.atoms is not None:
            positions = positions[self.atoms]
            velocities = None if velocities is None else velocities[self.atoms]
        self._pending.append(("particles/all/position", step, time, np.array(positions, dtype=np.float32)))
        if box is not None and self.periodic:
            self._pending.append(("particles/all/box/edges", step, time, np.array(box)))
        if velocities is not None and self.velocities:
            self._pending.append(
                ("particles/all/velocity", step, time, np.array(velocities, dtype=np.float32))
            )
        self.frames += 1

    def write_observables(self, step: int, time: float, values: dict[str, float]) -> None:
        for name in self.observables:
            self._pending.append((f"observables/{name}", step, time, values.get(name, np.nan)))

    def flush(self) -> None:
        """Append everything buffered, then close the file so it is complete on disk."""
        if not self._pending:
            return
        with self._open() as h5:
            for group, step, time, value in self._pending:
                _append(h5[group], step, time, value)
        self._pending = []

    def checkpoint(self) -> None:
        """Make every frame so far durable before a checkpoint (H5MD: append them)."""
        self.flush()

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> TrajectoryWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
