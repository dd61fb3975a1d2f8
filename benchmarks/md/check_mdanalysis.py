"""Check that MDAnalysis' H5MD reader opens a trajectory written by ``mstool simulate``.

Run in the bench venv (MDAnalysis is a benchmark-side dependency, not mstool's):
    .venv-bench-md/bin/python benchmarks/md/check_mdanalysis.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]


def main() -> int:
    import MDAnalysis as mda

    with tempfile.TemporaryDirectory() as tmp:
        traj = Path(tmp) / "ala2.h5"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mstool.cli.app",
                "--quiet",
                "simulate",
                str(REPO / "recipes/sponge.yaml"),
                "--set",
                "steps=50",
                "--set",
                "output.positions_every=10",
                "--set",
                "output.energies_every=10",
                "--set",
                f"output.trajectory={traj}",
                "--set",
                f"output.checkpoint={traj}.chk.npz",
            ],
            check=True,
        )
        u = mda.Universe(str(REPO / "recipes/data/md/ala2_vacuum.parm7"), str(traj), format="H5MD")
        with h5py.File(traj, "r") as h5:
            last = h5["particles/all/position/value"][-1]
        u.trajectory[-1]
        err = float(np.abs(u.atoms.positions - last * 10.0).max())
        print(
            f"MDAnalysis {mda.__version__}: {len(u.trajectory)} frames, {u.atoms.n_atoms} atoms, "
            f"time {u.trajectory.time} ps, potential_energy {u.trajectory.ts.data['potential_energy']:.3f}, "
            f"max position difference {err:.2e} A"
        )
        return 0 if len(u.trajectory) == 6 and err < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
