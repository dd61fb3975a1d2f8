"""Reweighted phi/psi statistics of a trajectory: basin populations, the free-energy difference
between basins with block-averaging errors, transitions and first-visit time.

Basins of phi (degrees): C7eq/beta ("A") is everything outside (0, 120); alpha-L/C7ax ("B") is
0 < phi < 120. Transitions are counted between cores (A: phi < -30 or phi > 150; B:
20 < phi < 100), so recrossings of the barrier top are not counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import h5py
import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.units import BOLTZMANN

BASIN_B = (0.0, 120.0)
CORE_B = (20.0, 100.0)
CORE_A = (-30.0, 150.0)  # phi below the first or above the second


def normalised_weights(log_weights: np.ndarray) -> np.ndarray:
    """Weights from log-weights, summing to one (overflow-safe).

    >>> normalised_weights(np.array([0.0, np.log(3.0)])).tolist()
    [0.25, 0.75]
    """
    lw = np.asarray(log_weights, dtype=float)
    w = np.exp(lw - lw.max())
    return w / w.sum()


@dataclass
class BasinEstimate:
    """Population of basin B, ``delta_g = G_B - G_A`` (kJ/mol) and their block standard errors."""

    population: float
    population_error: float
    delta_g: float | None
    delta_g_error: float | None
    blocks: int
    effective_samples: float


def basin_free_energy(
    in_basin: np.ndarray, log_weights: np.ndarray, temperature: float, blocks: int = 5
) -> BasinEstimate:
    """Reweighted population of a basin and ``-kT ln(P_B / P_A)`` with block-averaging errors.

    The frames are cut into ``blocks`` contiguous blocks; the error of the population is the
    standard error of the block estimates, propagated to the free energy.

    >>> est = basin_free_energy(np.array([True, False] * 50), np.zeros(100), 300.0, blocks=5)
    >>> round(est.population, 3), round(est.delta_g, 3), round(est.population_error, 3)
    (0.5, 0.0, 0.0)
    """
    inside = np.asarray(in_basin, dtype=float)
    lw = np.asarray(log_weights, dtype=float)
    if len(inside) < 2 * blocks:
        raise InputError(f"{len(inside)} frames are too few for {blocks} blocks")
    w = normalised_weights(lw)
    population = float(np.sum(w * inside))
    per_block = [
        float(np.sum(normalised_weights(lw[part]) * inside[part]))
        for part in np.array_split(np.arange(len(inside)), blocks)
    ]
    population_error = float(np.std(per_block, ddof=1) / np.sqrt(blocks))
    kt = BOLTZMANN * temperature
    delta_g = delta_g_error = None  # undefined while one basin is empty
    if 0.0 < population < 1.0:
        delta_g = -kt * float(np.log(population / (1.0 - population)))
        delta_g_error = kt * population_error / (population * (1.0 - population))
    return BasinEstimate(
        population, population_error, delta_g, delta_g_error, blocks, float(1.0 / np.sum(w * w))
    )


def phi_transitions(phi: np.ndarray, times: np.ndarray) -> tuple[int, float | None]:
    """(number of core-to-core transitions between the phi basins, time of the first frame in
    the alpha-L/C7ax core or None).

    >>> phi = np.array([-70.0, -60.0, 0.0, 60.0, 70.0, -80.0, 60.0])
    >>> phi_transitions(phi, np.arange(7) * 2.0)
    (3, 6.0)
    """
    phi = np.asarray(phi, dtype=float)
    in_b = (phi > CORE_B[0]) & (phi < CORE_B[1])
    in_a = (phi < CORE_A[0]) | (phi > CORE_A[1])
    core = np.where(in_b, 1, np.where(in_a, 0, -1))
    visited = core[core >= 0]
    transitions = int(np.count_nonzero(np.diff(visited))) if len(visited) else 0
    first = np.flatnonzero(in_b)
    return transitions, (float(times[first[0]]) if len(first) else None)


def weighted_histogram(
    phi: np.ndarray, psi: np.ndarray, log_weights: np.ndarray, bins: int = 36
) -> np.ndarray:
    """Reweighted phi/psi probabilities on a ``bins`` x ``bins`` grid over [-180, 180)^2 (sums to 1).

    >>> h = weighted_histogram(np.array([-90.0, 90.0]), np.array([0.0, 0.0]), np.array([0.0, np.log(3.0)]), 2)
    >>> h.tolist()
    [[0.0, 0.25], [0.0, 0.75]]
    """
    edges = np.linspace(-180.0, 180.0, bins + 1)
    hist, _, _ = np.histogram2d(phi, psi, bins=(edges, edges), weights=normalised_weights(log_weights))
    return hist


@dataclass
class TrajectoryFrames:
    """Per-frame phi, psi (degrees), time (ps), step and SITS log-weight (0 for plain MD)."""

    phi: np.ndarray
    psi: np.ndarray
    times: np.ndarray
    steps: np.ndarray
    log_weights: np.ndarray
    temperature: float
    sits: bool


def _series(h5: h5py.File, name: str) -> tuple[np.ndarray, np.ndarray] | None:
    if name not in h5:
        return None
    return h5[name]["step"][:], h5[name]["value"]


def read_frames(trajectory: Path, topology: Path) -> TrajectoryFrames:
    """phi/psi, times and log-weights of every position frame of an H5MD trajectory."""
    from mstool.toolkit.io.artifacts import open_artifact
    from mstool.toolkit.md.amber import read_prmtop
    from mstool.toolkit.md.dihedrals import backbone_quads, dihedral_degrees

    system = read_prmtop(topology)
    phi_atoms, psi_atoms = backbone_quads(system)
    quad = sorted(set(phi_atoms + psi_atoms))
    with open_artifact(trajectory, kind="trajectory") as (h5, info):
        n_atoms = int(info.meta.n_atoms)
        if n_atoms != system.n_atoms:
            raise InputError(
                f"trajectory has {n_atoms} atoms, topology {topology} has {system.n_atoms}",
                where=str(trajectory),
            )
        pos_steps, positions = _series(h5, "particles/all/position")
        keep = np.arange(len(pos_steps))
        if not len(keep):
            raise InputError("the trajectory has no frames", where=str(trajectory))
        xyz = positions[keep[0] : keep[-1] + 1][:, quad].astype(float)
        box = None
        edges = _series(h5, "particles/all/box/edges")
        if edges is not None and edges[1].ndim == 2:
            box = _aligned(edges[0], edges[1][:], pos_steps[keep], "box")
        times = h5["particles/all/position/time"][keep[0] : keep[-1] + 1]
        weights = _series(h5, "observables/sits_log_weight")
        log_w = (
            np.zeros(len(keep))
            if weights is None
            else _aligned(weights[0], weights[1][:], pos_steps[keep], "sits_log_weight")
        )
        meta = info.meta
    index = {a: k for k, a in enumerate(quad)}
    phi = dihedral_degrees(xyz[:, [index[a] for a in phi_atoms]], box)
    psi = dihedral_degrees(xyz[:, [index[a] for a in psi_atoms]], box)
    return TrajectoryFrames(
        phi,
        psi,
        np.asarray(times, dtype=float),
        pos_steps[keep],
        np.asarray(log_w, dtype=float),
        float(meta.temperature_k),
        bool(meta.sits),
    )


def _aligned(steps: np.ndarray, values: np.ndarray, wanted: np.ndarray, name: str) -> np.ndarray:
    """``values`` at the ``wanted`` steps (frames and observables written at different steps)."""
    where = np.searchsorted(steps, wanted)
    where = np.clip(where, 0, len(steps) - 1)
    if not np.array_equal(steps[where], wanted):
        raise InputError(
            f"{name} is not written at every position frame: use output.energies_every = positions_every"
        )
    return values[where]


def analyze_trajectory(
    trajectory: str | Path,
    topology: str | Path,
    start_step: int | None = None,
    blocks: int = 5,
    bins: int = 36,
    stop_step: int | None = None,
) -> dict:
    """Reweighted phi basin statistics of an H5MD file from ``mstool simulate`` (plain or SITS).

    ``start_step`` defaults to the step after which the SITS weights were frozen
    (``sits.fixed_weights_after``), 0 for plain MD; frames after ``stop_step`` are ignored
    (to compare runs of equal length).
    """
    from mstool.toolkit.io.artifacts import read_artifact

    meta = read_artifact(trajectory, kind="trajectory").meta
    if start_step is None:
        start_step = int(meta.sits_fixed_weights_after)
    frames = read_frames(Path(trajectory), Path(topology))
    if stop_step is not None:
        frames = _until(frames, stop_step)
    # Sampling is judged on the whole run, populations on the frames after the weights froze.
    transitions, first = phi_transitions(frames.phi, frames.times)
    used = frames.steps >= start_step
    if used.sum() < 2 * blocks:
        raise InputError(
            f"{int(used.sum())} frames at or after step {start_step}: too few for {blocks} blocks",
            where=str(trajectory),
        )
    phi, psi, log_w = frames.phi[used], frames.psi[used], frames.log_weights[used]
    estimate = basin_free_energy((phi > BASIN_B[0]) & (phi < BASIN_B[1]), log_w, frames.temperature, blocks)
    return {
        "frames": int(used.sum()),
        "start_step": int(start_step),
        "time_ps": float(frames.times[-1] - frames.times[0]),
        "temperature": frames.temperature,
        "sits": frames.sits,
        "phi_transitions": transitions,
        "first_alpha_l_ps": first,
        "basin": asdict(estimate),
        "histogram": weighted_histogram(phi, psi, log_w, bins),
    }


def _until(frames: TrajectoryFrames, stop_step: int) -> TrajectoryFrames:
    keep = frames.steps <= stop_step
    return TrajectoryFrames(
        frames.phi[keep],
        frames.psi[keep],
        frames.times[keep],
        frames.steps[keep],
        frames.log_weights[keep],
        frames.temperature,
        frames.sits,
    )


def stored_topology(trajectory: str | Path) -> Path:
    """The topology path a trajectory's metadata names, when it exists from here."""
    from mstool.toolkit.io.artifacts import read_artifact

    name = read_artifact(trajectory, kind="trajectory").meta.topology
    if not name or not Path(name).is_file():
        raise InputError(
            f"topology '{name}' stored in the trajectory is not found: pass --topology", where=str(trajectory)
        )
    return Path(name)


def histogram_json(grid: np.ndarray, temperature: float) -> str:
    """The reweighted phi/psi histogram as JSON: bin edges (degrees), probabilities (rows: phi)
    and free energies ``-kT ln p`` in kJ/mol relative to the most populated bin (null where empty).

    >>> import json
    >>> doc = json.loads(histogram_json(np.array([[0.25, 0.75], [0.0, 0.0]]), 300.0))
    >>> doc["edges_deg"], doc["free_energy_kj_mol"][1]
    ([-180.0, 0.0, 180.0], [None, None])
    """
    import json

    bins = grid.shape[0]
    with np.errstate(divide="ignore"):
        g = -BOLTZMANN * temperature * np.log(grid / grid.max())
    free = [[None if not np.isfinite(v) else round(float(v), 4) for v in row] for row in g]
    doc = {
        "temperature_k": temperature,
        "edges_deg": np.linspace(-180.0, 180.0, bins + 1).tolist(),
        "probability": grid.tolist(),
        "free_energy_kj_mol": free,
    }
    return json.dumps(doc)
