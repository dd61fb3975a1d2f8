"""Bond constraints (SHAKE/RATTLE) for bonds to hydrogen and rigid water.

Amber's TIP3P lists the H-H distance as a bond to hydrogen, so ``hbonds`` also makes
water rigid.
"""

from __future__ import annotations

import numba
import numpy as np

from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.md.kernels import constraints as kernels
from mstool.toolkit.md.kernels import settle
from mstool.toolkit.md.system import System

# SETTLE and RATTLE spend 50-70 ns per water: below about a thousand waters or clusters one
# thread finishes before a second would have woken.
PARALLEL_MIN_CLUSTERS = 1000


class Constraints:
    """Fixed-length bonds on positions (SETTLE for rigid waters, matrix SHAKE for the rest) and
    velocities (exact RATTLE projection per cluster).

    >>> from mstool.toolkit.md.builders import tip3p_box
    >>> w = tip3p_box(2)
    >>> c = constraints_for(w, "hbonds")
    >>> c.count
    24
    """

    def __init__(
        self, pairs: np.ndarray, lengths: np.ndarray, masses: np.ndarray, tol: float = 1e-10
    ) -> None:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        order, self.cluster_start = constraint_clusters(len(masses), pairs)
        self.pairs = np.ascontiguousarray(pairs[order])
        self.lengths = np.ascontiguousarray(np.asarray(lengths, dtype=float)[order])
        masses = np.asarray(masses, dtype=float)
        self.inv_mass = np.divide(1.0, masses, out=np.zeros_like(masses), where=masses > 0)
        # Serial: a sweep over a few thousand constraints is cheaper than waking a thread pool.
        self._shake = kernels.shake_serial
        # Each cluster's mass coupling matrix is constant: computed once here, not per call.
        self.coupling, self.coupling_offsets = kernels.cluster_couplings(
            self.pairs, self.inv_mass, self.cluster_start
        )
        self.tol = tol
        self.max_iter = 2000
        self._split_waters(np.asarray(masses, dtype=float))
        # Waters and clusters are independent, so the parallel builds give the same numbers;
        # they pay once there are enough to share (DHFR's 7,000 waters, not ala2_tip3p's 700).
        threads = numba.get_num_threads()
        parallel_settle = len(self.waters) >= PARALLEL_MIN_CLUSTERS and threads > 1
        self._parallel = len(self.cluster_start) - 1 >= PARALLEL_MIN_CLUSTERS and threads > 1
        self._settle = settle.settle_positions_parallel if parallel_settle else settle.settle_positions_serial
        self._rattle = kernels.rattle_blocked_parallel if self._parallel else kernels.rattle_blocked_serial
        self._rattle_chunks = 4 * numba.get_num_threads() if self._parallel else 1

    def _split_waters(self, masses: np.ndarray) -> None:
        """Hand identical rigid 3-site waters to SETTLE; everything else stays with matrix SHAKE."""
        waters, params, other = [], set(), []
        for k in range(len(self.cluster_start) - 1):
            rows = list(range(self.cluster_start[k], self.cluster_start[k + 1]))
            water = _as_water(self.pairs[rows], self.lengths[rows], masses) if len(rows) == 3 else None
            if water is None:
                other.extend(rows)
            else:
                waters.append(water[0])
                params.add(water[1])
        if len(params) > 1:  # different water models: keep them all on SHAKE
            other, waters = list(range(len(self.pairs))), []
        self.waters = np.array(waters, dtype=np.int64).reshape(-1, 3)
        self.water_params = next(iter(params)) if waters else None
        rest = np.array(other, dtype=np.int64)
        # Regrouped so each cluster's rows are contiguous under the offsets computed for them.
        regroup, self.shake_cluster_start = constraint_clusters(len(masses), self.pairs[rest].reshape(-1, 2))
        rest = rest[regroup]
        self.shake_pairs = np.ascontiguousarray(self.pairs[rest])
        self.shake_lengths = np.ascontiguousarray(self.lengths[rest])

    @property
    def count(self) -> int:
        return len(self.pairs)

    def apply_positions(self, positions: np.ndarray, reference: np.ndarray, step: int = -1) -> None:
        if not self.count:
            return
        if len(self.waters):
            d_oh, d_hh, m_o, m_h = self.water_params
            if self._settle(positions, reference, self.waters, d_oh, d_hh, m_o, m_h):
                raise WorkFailed(self._failure("SETTLE", positions, step))
        used = 0
        if len(self.shake_pairs):
            used = self._shake(
                positions,
                reference,
                self.shake_pairs,
                self.shake_lengths,
                self.inv_mass,
                self.shake_cluster_start,
                self.tol,
                self.max_iter,
            )
        if used < 0:
            raise WorkFailed(self._failure("SHAKE", positions, step))

    def apply_velocities(self, positions: np.ndarray, velocities: np.ndarray, step: int = -1) -> None:
        if not self.count:
            return
        used = self._rattle(
            positions,
            velocities,
            self.pairs,
            self.inv_mass,
            self.cluster_start,
            self.coupling,
            self.coupling_offsets,
            self.tol,
            self._rattle_chunks,
        )
        if used < 0:
            raise WorkFailed(self._failure("RATTLE", positions, step))

    def _failure(self, what: str, positions: np.ndarray, step: int) -> str:
        r = np.linalg.norm(positions[self.pairs[:, 0]] - positions[self.pairs[:, 1]], axis=1)
        err = np.abs(r - self.lengths) / self.lengths
        worst = int(np.nanargmax(np.where(np.isfinite(err), err, np.inf)))
        i, j = self.pairs[worst]
        return (
            f"simulation blew up at step {step}: {what} did not converge "
            f"(constraint between atoms {i + 1} and {j + 1}); try a smaller dt"
        )


def _as_water(pairs: np.ndarray, lengths: np.ndarray, masses: np.ndarray):
    """((O, H1, H2), (d_OH, d_HH, m_O, m_H)) if three constraints form a symmetric rigid water."""
    atoms = sorted(set(pairs.ravel().tolist()))
    if len(atoms) != 3:
        return None
    for centre in atoms:
        arms = [k for k in range(3) if centre in pairs[k]]
        if len(arms) != 2 or abs(lengths[arms[0]] - lengths[arms[1]]) > 1e-12:
            continue
        h1, h2 = [a for a in atoms if a != centre]
        if masses[h1] != masses[h2]:
            return None
        base = [k for k in range(3) if k not in arms][0]
        return (centre, h1, h2), (
            float(lengths[arms[0]]),
            float(lengths[base]),
            float(masses[centre]),
            float(masses[h1]),
        )
    return None


def constraint_clusters(n_atoms: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order of constraints grouped by connected component, and each group's start offset.

    >>> order, start = constraint_clusters(5, np.array([[0, 1], [3, 4], [1, 2]]))
    >>> order.tolist(), start.tolist()
    ([0, 2, 1], [0, 2, 3])
    """
    parent = list(range(n_atoms))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, j in pairs.tolist():
        parent[root(i)] = root(j)
    labels = np.array([root(int(i)) for i in pairs[:, 0]], dtype=np.int64)
    order = np.argsort(labels, kind="stable")
    _, counts = np.unique(labels[order], return_counts=True)
    return order, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def constraints_for(system: System, kind: str) -> Constraints:
    """``none``, ``hbonds`` (bonds to H, includes Amber rigid water) or ``allbonds``."""
    if kind == "none":
        pairs = np.zeros((0, 2), np.int64)
        lengths = np.zeros(0)
    elif kind == "hbonds":
        pairs = system.bond_atoms[: system.n_bonds_with_h]
        lengths = system.bond_r0[: system.n_bonds_with_h]
    elif kind == "allbonds":
        pairs, lengths = system.bond_atoms, system.bond_r0
    else:
        raise InputError(f"constraints: unknown value '{kind}'; use none, hbonds or allbonds")
    # Bonds to massless extra points are not constraints: the sites follow their parents.
    real = np.asarray(system.masses)[pairs].min(axis=1) > 0 if len(pairs) else np.zeros(0, bool)
    return Constraints(pairs[real], lengths[real], system.masses)
