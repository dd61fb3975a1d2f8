"""Integrated tempering sampling (SITS/ITS, as in SPONGE): a force-provider wrapper.

The effective potential ``U_eff = -1/b0 ln sum_k n_k exp(-b_k U)`` mixes temperature levels
b_k; forces are scaled by ``sum_k p_k b_k / b0``; n_k are re-estimated so every level
contributes equally (neighbour ratios n_k/n_k+1 averaged over all update windows, each window
weighted by how much it saw of both levels, as in Gao's ITS).
``log_weight = b0 (U_eff - U)`` reweights frames to the target temperature.

Selective SITS (``enhanced=``, e.g. a :class:`~mstool.toolkit.md.solute_energy.SoluteEnergy`)
applies the same transform to part of the energy only, ``U = U_rest + U_sel``:
``U_total = U_rest + U_eff(U_sel)``, forces ``F_rest + factor F_sel``.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.md.units import BOLTZMANN


def _logsumexp(values: np.ndarray) -> float:
    top = float(values.max())
    return top + float(np.log(np.exp(values - top).sum()))


class SITS:
    """Wrap ``provider`` (``energy_forces(pos, box)``) with the SITS effective potential.

    >>> class Flat:
    ...     last_energies = {}
    ...     def energy_forces(self, pos, box):
    ...         return 1.0, np.ones_like(pos)
    >>> s = SITS(Flat(), temperature=300.0, levels=np.array([300.0, 600.0]))
    >>> e, f = s.energy_forces(np.zeros((1, 3)), None)
    >>> bool(0.5 < s.force_factor <= 1.0)
    True
    """

    def __init__(
        self,
        provider,
        temperature: float,
        levels: np.ndarray,
        update_interval: int = 100,
        fixed_after: int = 0,
        enhanced=None,
    ) -> None:
        self.provider = provider
        self.enhanced = enhanced
        self.beta0 = 1.0 / (BOLTZMANN * temperature)
        self.betas = 1.0 / (BOLTZMANN * np.asarray(levels, dtype=float))
        self.log_nk: np.ndarray | None = None
        self.update_interval = update_interval
        self.fixed_after = fixed_after
        self.accumulated = np.zeros(len(self.betas))
        # Per neighbour pair: accumulated window weight and weighted mean of ln(n_k / n_k+1).
        self.ratio_weight = np.zeros(len(self.betas) - 1)
        self.log_ratio = np.zeros(len(self.betas) - 1)
        self.samples = 0
        self.evaluations = 0
        self.raw_potential = 0.0
        self.effective_potential = 0.0
        self.force_factor = 1.0
        self.last_energies: dict[str, float] = {}

    @staticmethod
    def geometric_levels(low: float, high: float, count: int) -> np.ndarray:
        """Temperatures spaced geometrically from ``low`` to ``high``."""
        return low * (high / low) ** (np.arange(count) / max(1, count - 1))

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        total, forces = self.provider.energy_forces(positions, box)
        if self.enhanced is None:
            energy, selected_forces = total, forces
        else:
            energy, selected_forces = self.enhanced.energy_forces(positions, box)
        if self.log_nk is None:
            # Start with every level contributing equally at the first energy.
            self.log_nk = self.betas * energy
            self.log_nk -= self.log_nk[0]
        terms = self.log_nk - self.betas * energy
        lse = _logsumexp(terms)
        weights = np.exp(terms - lse)
        self.raw_potential = float(energy)
        self.effective_potential = -lse / self.beta0
        # A plain sum: no BLAS call (and no BLAS thread wake-up) on the per-step path.
        self.force_factor = float(np.sum(weights * self.betas)) / self.beta0
        self.accumulated += weights
        self.samples += 1
        self.evaluations += 1
        self._maybe_update()
        biased = total - energy + self.effective_potential
        self.last_energies = dict(getattr(self.provider, "last_energies", {}))
        self.last_energies["sits_effective"] = self.effective_potential
        self.last_energies["potential"] = biased
        if self.enhanced is None:
            return biased, forces * self.force_factor
        # In place: the provider hands out a fresh force array per call.
        forces += (self.force_factor - 1.0) * selected_forces
        return biased, forces

    @property
    def log_weight(self) -> float:
        """ln of the factor that reweights the current configuration to the target temperature
        (``raw_potential`` is the enhanced energy: all of it, or the selection's part)."""
        return self.beta0 * (self.effective_potential - self.raw_potential)

    def _maybe_update(self) -> None:
        frozen = self.fixed_after and self.evaluations > self.fixed_after
        if frozen or self.samples < self.update_interval:
            return
        mean = np.maximum(self.accumulated / self.samples, 1e-300)
        # mean_k / n_k estimates Z_k up to the window's common factor, so each window gives
        # ln(n_k / n_k+1) = ln(Z_k+1 / Z_k); a window that barely visited one of the two levels
        # gets a weight near zero instead of pulling n_k with a log of noise.
        partition = np.log(mean) - self.log_nk
        window = partition[1:] - partition[:-1]
        weight = mean[:-1] * mean[1:] / (mean[:-1] + mean[1:])
        if self.ratio_weight.sum() == 0.0:  # first window: start from the initial guess
            self.log_ratio = self.log_nk[:-1] - self.log_nk[1:]
        self.ratio_weight += weight
        self.log_ratio += weight / self.ratio_weight * (window - self.log_ratio)
        self.log_nk = np.concatenate(([0.0], -np.cumsum(self.log_ratio)))
        self.accumulated[:] = 0.0
        self.samples = 0

    def state_dict(self) -> dict:
        return {
            "log_nk": None if self.log_nk is None else self.log_nk.tolist(),
            "accumulated": self.accumulated.tolist(),
            "samples": self.samples,
            "ratio_weight": self.ratio_weight.tolist(),
            "log_ratio": self.log_ratio.tolist(),
            "evaluations": self.evaluations,
        }

    def load_state(self, state: dict) -> None:
        self.log_nk = None if state["log_nk"] is None else np.asarray(state["log_nk"])
        self.accumulated = np.asarray(state["accumulated"])
        self.samples = int(state["samples"])
        if "ratio_weight" in state:  # checkpoints before the accumulated ratios start afresh
            self.ratio_weight = np.asarray(state["ratio_weight"])
            self.log_ratio = np.asarray(state["log_ratio"])
        self.evaluations = int(state["evaluations"])
