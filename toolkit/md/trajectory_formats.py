"""DCD and XTC trajectories through MDAnalysis' writers (the optional ``md`` extra).

Frames go to memory and are published at checkpoints and at the end: each publication writes
the frames already on disk plus the new ones to a temp file and renames it over the output, so
the file on disk is always complete (a killed run leaves the last published one). Frames lie at
steps 0, ``every``, 2 ``every``, ...; ``resume`` keeps those up to the checkpoint's step.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.extras import require_extra
from mstool.toolkit.io.atomic import atomic_write_path

FORMATS = ("h5md", "dcd", "xtc")
NM_TO_ANGSTROM = 10.0
PUBLISH_BYTES = 64 * 2**20  # publish early rather than hold more frames than this in memory


SUFFIX_FORMATS = {".dcd": "dcd", ".xtc": "xtc", ".h5": "h5md", ".h5md": "h5md", ".hdf5": "h5md"}


def trajectory_format(path: str | os.PathLike, fmt: str = "auto") -> str:
    """The format of a trajectory path: ``fmt`` unless ``"auto"``, else from the suffix (H5MD
    when the suffix says nothing); a format that contradicts a known suffix is refused.

    >>> trajectory_format("run.xtc"), trajectory_format("run.DCD"), trajectory_format("run.traj")
    ('xtc', 'dcd', 'h5md')
    >>> trajectory_format("run.traj", "dcd")
    'dcd'
    >>> trajectory_format("run.h5", "xtc")
    Traceback (most recent call last):
    mstool.toolkit.errors.InputError: output.format is xtc but the trajectory suffix .h5 means h5md
    """
    suffix = Path(path).suffix.lower()
    implied = SUFFIX_FORMATS.get(suffix)
    if fmt == "auto":
        return implied or "h5md"
    if implied is not None and implied != fmt:
        raise InputError(f"output.format is {fmt} but the trajectory suffix {suffix} means {implied}")
    return fmt


def box_dimensions(box: np.ndarray | None) -> np.ndarray | None:
    """MDAnalysis' box ``[a, b, c, alpha, beta, gamma]`` (Angstrom, degrees) from edge lengths
    or three box vectors in nm.

    >>> box_dimensions(np.array([2.0, 3.0, 4.0])).tolist()
    [20.0, 30.0, 40.0, 90.0, 90.0, 90.0]
    """
    if box is None:
        return None
    box = np.asarray(box, dtype=np.float64)
    if box.shape == (3,):
        return np.concatenate([box * NM_TO_ANGSTROM, [90.0, 90.0, 90.0]])
    from MDAnalysis.lib.mdamath import triclinic_box

    a, b, c = box * NM_TO_ANGSTROM
    return np.asarray(triclinic_box(a, b, c), dtype=np.float64)


def _read_frames(path: Path, fmt: str, keep: int) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """The first ``keep`` frames of a published file, positions in Angstrom and box dimensions."""
    from MDAnalysis.lib.formats.libdcd import DCDFile
    from MDAnalysis.lib.formats.libmdaxdr import XTCFile
    from MDAnalysis.lib.mdamath import triclinic_box

    frames: list[tuple[np.ndarray, np.ndarray | None]] = []
    opener = DCDFile if fmt == "dcd" else XTCFile
    try:
        with opener(str(path), "r") as handle:
            for frame in handle:
                if len(frames) >= keep:
                    break
                if fmt == "dcd":
                    a, gamma, b, beta, alpha, c = frame.unitcell  # CHARMM's order, angles in degrees
                    dims = np.array([a, b, c, alpha, beta, gamma]) if a > 0 else None
                    frames.append((np.array(frame.xyz), dims))
                else:
                    box = np.asarray(frame.box) * NM_TO_ANGSTROM
                    dims = np.asarray(triclinic_box(*box)) if np.any(box) else None
                    frames.append((np.asarray(frame.x) * NM_TO_ANGSTROM, dims))
    except (OSError, RuntimeError, ValueError) as err:
        raise InputError(f"cannot resume: unreadable {fmt.upper()} trajectory ({err})",
                         where=str(path)) from None
    return frames


class MDAnalysisTrajectoryWriter:
    """Positions and box of every frame in a DCD or XTC file (observables are not stored).

    ``atoms`` picks the atoms written (None: all). Same interface as the H5MD writer.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.dcd"
    >>> with MDAnalysisTrajectoryWriter(out, "dcd", n_atoms=2, every=10, dt=0.002) as w:
    ...     w.write_positions(0, 0.0, np.zeros((2, 3)), np.ones(3))
    >>> import MDAnalysis
    >>> MDAnalysis.coordinates.DCD.DCDReader(str(out)).n_frames
    1
    """

    def __init__(
        self,
        path: str | os.PathLike,
        fmt: str,
        *,
        n_atoms: int,
        every: int,
        dt: float,
        atoms: np.ndarray | None = None,
        resume_step: int | None = None,
        overwrite: bool = True,
    ) -> None:
        require_extra("md", f"{fmt.upper()} trajectory output")
        self.path, self.fmt, self.n_atoms = Path(path), fmt, n_atoms
        self.every, self.dt, self.atoms = max(every, 1), dt, atoms
        self._pending: list[tuple[int, float, np.ndarray, np.ndarray | None]] = []
        self._published: int = 0  # frames in the file on disk
        if resume_step is not None:
            if not self.path.exists():
                raise InputError("cannot resume: trajectory not found", where=str(self.path))
            kept = _read_frames(self.path, fmt, resume_step // self.every + 1)
            self._publish(kept, [])
        else:
            if self.path.exists() and not overwrite:
                raise InputError("trajectory exists; pass --overwrite or --resume", where=str(self.path))
            self._publish([], [])
        self.frames = self._published

    def write_positions(
        self, step: int, time: float, positions: np.ndarray, box: np.ndarray | None, velocities=None
    ) -> None:
        chosen = positions if self.atoms is None else positions[self.atoms]
        coords = np.asarray(chosen, dtype=np.float32) * np.float32(NM_TO_ANGSTROM)
        self._pending.append((step, time, coords, box_dimensions(box)))
        self.frames += 1
        if sum(p[2].nbytes for p in self._pending) > PUBLISH_BYTES:
            self.checkpoint()

    def write_observables(self, step: int, time: float, values: dict[str, float]) -> None:
        """Observables have no place in DCD/XTC; the run's summary reports the final energies."""

    def flush(self) -> None:
        """Frames stay in memory until the next checkpoint (see :meth:`checkpoint`)."""

    def checkpoint(self) -> None:
        """Publish the file with every frame so far (atomically: temp file, then rename)."""
        if not self._pending:
            return
        old = _read_frames(self.path, self.fmt, self._published) if self._published else []
        self._publish([(f[0], f[1]) for f in old], self._pending)
        self._pending = []

    def _publish(self, old: list, new: list) -> None:
        import MDAnalysis

        universe = MDAnalysis.Universe.empty(self.n_atoms, trajectory=True)
        ts = universe.trajectory.ts
        kwargs = {"nsavc": self.every, "dt": self.every * self.dt} if self.fmt == "dcd" else {}
        suffix = "." + self.fmt
        with atomic_write_path(self.path, suffix=suffix) as tmp, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="No dimensions set")  # non-periodic: zero cell
            with MDAnalysis.Writer(str(tmp), n_atoms=self.n_atoms, **kwargs) as writer:
                frames = [(k * self.every, k * self.every * self.dt, xyz, dims) for k, (xyz, dims) in
                          enumerate(old)] + list(new)
                for frame, (step, time, xyz, dims) in enumerate(frames):
                    ts.frame = frame
                    ts.data["step"], ts.data["time"] = step, time
                    ts.positions = xyz
                    ts.dimensions = dims
                    writer.write(universe)
        self._published = len(frames)

    def close(self) -> None:
        self.checkpoint()

    def __enter__(self) -> MDAnalysisTrajectoryWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
