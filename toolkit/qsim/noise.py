"""Noise channels: depolarizing, amplitude and phase damping, bit/phase flip and Pauli
channels, as circuit operations simulated by seeded Monte Carlo trajectories.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> c = Circuit(1).x(0)
>>> c += amplitude_damping(0.3).on(0)
>>> round(trajectory_expectation(c, "Z0", trajectories=2000, seed=1)[0], 1)
-0.4
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim import kernels
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.gates import I2, PAULI_X, PAULI_Y, PAULI_Z


class Channel:
    """A single-qubit channel given by Kraus operators; ``mixture`` holds the probabilities
    when every Kraus operator is a scaled unitary (then trajectories need no norm pass)."""

    def __init__(self, label: str, kraus: list[np.ndarray], mixture: list[float] | None = None) -> None:
        self.label = label
        self.kraus = [np.asarray(k, dtype=complex) for k in kraus]
        total = sum(k.conj().T @ k for k in self.kraus)
        if not np.allclose(total, np.eye(2), atol=1e-10):
            raise InputError(f"channel {label}: Kraus operators do not sum to the identity")
        self.mixture = mixture
        if mixture is not None:
            self.unitaries = [k / np.sqrt(p) if p > 0 else k
                              for k, p in zip(self.kraus, mixture, strict=True)]

    def on(self, qubit: int) -> Operation:
        return Operation("channel", (int(qubit),), channel=self)

    def apply_trajectory(self, psi: np.ndarray, targets: tuple[int, ...], rng: np.random.Generator) -> None:
        """Apply one Kraus operator, drawn with its Born probability, and renormalise."""
        t = targets[0]
        if self.mixture is not None:
            k = int(rng.choice(len(self.mixture), p=self.mixture))
            if k:  # Kraus 0 is the identity in every mixture here
                kernels.apply_1q(psi, t, np.ascontiguousarray(self.unitaries[k], dtype=psi.dtype))
            return
        r00, r11, r01 = kernels.reduced_density_1q(psi, t)
        rho = np.array([[r00, r01], [np.conj(r01), r11]])
        probs = np.array([max(np.real(np.trace(k @ rho @ k.conj().T)), 0.0) for k in self.kraus])
        k = int(rng.choice(len(probs), p=probs / probs.sum()))
        kernels.apply_1q(psi, t, np.ascontiguousarray(self.kraus[k] / np.sqrt(probs[k]), dtype=psi.dtype))


def _check_probability(name: str, p: float) -> float:
    if not 0.0 <= p <= 1.0:
        raise InputError(f"{name} probability must be in [0, 1], got {p}")
    return float(p)


def pauli_channel(px: float, py: float, pz: float) -> Channel:
    """rho -> (1-px-py-pz) rho + px X rho X + py Y rho Y + pz Z rho Z."""
    p0 = 1.0 - px - py - pz
    for name, p in (("px", px), ("py", py), ("pz", pz), ("1-px-py-pz", p0)):
        _check_probability(name, p)
    probs = [p0, px, py, pz]
    kraus = [np.sqrt(p) * m for p, m in zip(probs, (I2, PAULI_X, PAULI_Y, PAULI_Z), strict=True)]
    return Channel(f"PC({px:g},{py:g},{pz:g})", kraus, probs)


def depolarizing(p: float) -> Channel:
    """rho -> (1-p) rho + p/3 (X rho X + Y rho Y + Z rho Z)."""
    _check_probability("depolarizing", p)
    ch = pauli_channel(p / 3, p / 3, p / 3)
    ch.label = f"DEP({p:g})"
    return ch


def bit_flip(p: float) -> Channel:
    ch = pauli_channel(_check_probability("bit flip", p), 0.0, 0.0)
    ch.label = f"BF({p:g})"
    return ch


def phase_flip(p: float) -> Channel:
    ch = pauli_channel(0.0, 0.0, _check_probability("phase flip", p))
    ch.label = f"PF({p:g})"
    return ch


def amplitude_damping(gamma: float) -> Channel:
    """|1> decays to |0> with probability gamma."""
    g = _check_probability("amplitude damping", gamma)
    return Channel(f"AD({g:g})", [np.array([[1, 0], [0, np.sqrt(1 - g)]]),
                                  np.array([[0, np.sqrt(g)], [0, 0]])])


def phase_damping(lam: float) -> Channel:
    """Off-diagonal elements shrink by sqrt(1 - lambda)."""
    g = _check_probability("phase damping", lam)
    return Channel(f"PD({g:g})", [np.array([[1, 0], [0, np.sqrt(1 - g)]]),
                                  np.array([[0, 0], [0, np.sqrt(g)]])])


def with_noise(circuit: Circuit, channel: Channel) -> Circuit:
    """A copy of ``circuit`` with ``channel`` after every gate on each qubit it touches."""
    out = Circuit(circuit.n_qubits, n_clbits=circuit.n_clbits)
    for op in circuit.ops:
        out.append(op)
        if op.is_gate:
            for q in op.qubits:
                out.append(channel.on(q))
    return out


def trajectory_expectation(circuit: Circuit, hamiltonian, trajectories: int = 1000, seed: int | None = None,
                           values: Mapping[str, float] | None = None) -> tuple[float, float]:
    """Mean of <H> over seeded trajectories and its standard error."""
    from mstool.toolkit.qsim.execution import _segments
    from mstool.toolkit.qsim.observables import PauliSum
    from mstool.toolkit.qsim.statevector import run_call, validate_circuit, zero_state

    ham = PauliSum.parse(hamiltonian) if isinstance(hamiltonian, str) else hamiltonian
    n = circuit.n_qubits
    ham.check_qubits(n)
    validate_circuit(circuit, n)
    if any(op.name in ("measure", "reset") or op.condition is not None for op in circuit.ops):
        raise InputError("trajectory expectation values take gates and channels only")
    rng = np.random.default_rng(seed)
    segments = _segments(circuit.ops, values)
    samples = np.empty(int(trajectories))
    for k in range(samples.shape[0]):
        psi = zero_state(n)
        for kind, item in segments:
            if kind == "gates":
                for call in item:
                    run_call(psi, call)
            else:
                item.channel.apply_trajectory(psi, item.targets, rng)
        samples[k] = ham.expectation(psi)
    stderr = samples.std(ddof=1) / np.sqrt(len(samples)) if len(samples) > 1 else 0.0
    return float(samples.mean()), float(stderr)
