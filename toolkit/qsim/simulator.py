"""The state-vector simulator: the one place that decides how a circuit runs.

:func:`choose_path` picks, once per circuit, the device (CPU or CUDA) and the method
(cache-blocked buffer groups, fused or per-gate kernel calls); :class:`Simulator` uses that
choice to run a circuit, for expectation values and for adjoint gradients alike.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> sim = Simulator(2)
>>> sim.apply_circuit(Circuit(2).h(0).cx(0, 1))
>>> np.round(sim.probabilities(), 3).tolist()
[0.5, 0.0, 0.0, 0.5]
>>> sim.path(Circuit(2).h(0)), sim.path(Circuit(2).h(0)).gradient
(ExecutionPath(device='cpu', method='blocked'), 'blocked')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim import blocked
from mstool.toolkit.qsim.adjoint import adjoint_gates
from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.fusion import lower
from mstool.toolkit.qsim.gradients import (
    _chain_rule,
    _flat_expectation_and_gradient,
    _prepare,
    blocked_expectation_and_gradient,
)
from mstool.toolkit.qsim.statevector import (
    DTYPES,
    FUSION_MIN_QUBITS,
    MAX_QUBITS,
    check_memory,
    compile_circuit,
    validate_circuit,
    zero_state,
)

METHODS = ("blocked", "fused", "per-gate", "shot-by-shot")


@dataclass(frozen=True)
class ExecutionPath:
    """How a circuit runs: ``device`` (cpu, cuda) and ``method``: ``blocked`` (cache-sized
    buffer groups, CPU), ``fused`` (neighbouring gates merged into 1-2 qubit kernel calls),
    ``per-gate`` (one kernel call per gate) or ``shot-by-shot`` (mid-circuit measurement,
    reset, ``if`` or channels: CPU, one trajectory per shot)."""

    device: str
    method: str

    @property
    def gradient(self) -> str:
        """The adjoint method this path takes (``blocked``, ``flat`` or ``device``).

        >>> ExecutionPath("cpu", "blocked").gradient, ExecutionPath("cuda", "fused").gradient
        ('blocked', 'device')
        """
        if self.device == "cuda":
            return "device"
        return "blocked" if self.method == "blocked" else "flat"


def fits_buffer_groups(circuit: Circuit) -> bool:
    """Whether every gate fits a buffer group's position table (wider gates take the kernels).

    >>> fits_buffer_groups(Circuit(3).h(0).cx(0, 1))
    True
    """
    limit = blocked.MAX_POSITIONS
    return all(len(op.targets) + len(op.controls) <= limit or op.name == "barrier" for op in circuit.ops)


def choose_path(n_qubits: int, dtype: str, device: str, circuit: Circuit,
                fuse_gates: bool | None = None) -> ExecutionPath:
    """The execution path for ``circuit`` on an ``n_qubits`` state of ``dtype`` on ``device``
    (cpu or cuda, already resolved); ``fuse_gates`` True/False forces the kernel calls
    (fused or per gate) instead of buffer groups. Fusion pays from ``FUSION_MIN_QUBITS`` on.

    >>> choose_path(3, "complex128", "cpu", Circuit(3).h(0).cx(0, 1))
    ExecutionPath(device='cpu', method='blocked')
    >>> choose_path(14, "complex64", "cuda", Circuit(14).h(0))
    ExecutionPath(device='cuda', method='fused')
    >>> choose_path(3, "complex128", "cpu", Circuit(3).h(0).measure(0).x(0))
    ExecutionPath(device='cpu', method='shot-by-shot')
    """
    if dtype not in DTYPES:
        raise InputError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
    if circuit.has_mid_circuit_ops:
        return ExecutionPath("cpu", "shot-by-shot")
    if device == "cpu" and fuse_gates is None and fits_buffer_groups(circuit):
        return ExecutionPath("cpu", "blocked")
    fused = fuse_gates or (fuse_gates is None and n_qubits >= FUSION_MIN_QUBITS)
    return ExecutionPath(device, "fused" if fused else "per-gate")


class Simulator:
    """A state-vector simulator on ``n_qubits`` (``device`` cpu, cuda or auto).

    The state starts as |0...0> (allocated on first use); :meth:`apply_circuit` changes it,
    :meth:`expectation_and_gradient` runs from |0...0> on vectors of its own.

    >>> from mstool.toolkit.qsim.observables import PauliSum
    >>> sim = Simulator(1)
    >>> sim.apply_circuit(Circuit(1).rx("a", 0), {"a": np.pi})
    >>> round(float(sim.probabilities()[1]), 6)
    1.0
    >>> energy, grad = sim.expectation_and_gradient(Circuit(1).ry("t", 0), PauliSum.parse("Z0"), {"t": 0.5})
    >>> round(energy, 6), round(float(grad[0]), 6)
    (0.877583, -0.479426)
    """

    def __init__(self, n_qubits: int, dtype: str = "complex128", device: str = "cpu") -> None:
        from mstool.toolkit.qsim.backend import select_backend

        if dtype not in DTYPES:
            raise InputError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
        if int(n_qubits) > MAX_QUBITS:
            check_memory(int(n_qubits), dtype)  # the "max 40" error
        self.n_qubits = int(n_qubits)
        self.dtype = dtype
        self.backend = select_backend(device)
        self._state = None

    @property
    def device(self) -> str:
        return self.backend.name

    @property
    def state(self):
        """The amplitudes where they live (a NumPy array, or a device array on a GPU)."""
        if self._state is None:
            self._state = self._zero_state()
        return self._state

    @state.setter
    def state(self, value) -> None:
        self._state = value

    def _zero_state(self):
        return self.backend.to_device(zero_state(self.n_qubits, self.dtype))

    def path(self, circuit: Circuit, fuse_gates: bool | None = None) -> ExecutionPath:
        """The execution path this simulator takes for ``circuit`` (see :func:`choose_path`)."""
        return choose_path(self.n_qubits, self.dtype, self.device, circuit, fuse_gates)

    def reset(self) -> None:
        self._state = self._zero_state()

    def set_state(self, psi: np.ndarray) -> None:
        psi = np.asarray(psi, dtype=DTYPES[self.dtype])
        if psi.shape != (2 ** self.n_qubits,):
            raise InputError(f"state must have shape ({2 ** self.n_qubits},), got {psi.shape}")
        self._state = self.backend.to_device(psi.copy())

    def get_state(self) -> np.ndarray:
        """The amplitudes as a NumPy array (a copy when on a GPU)."""
        return self.backend.to_host(self.state)

    def apply_circuit(self, circuit: Circuit, values: Mapping[str, float] | None = None,
                      fuse_gates: bool | None = None) -> None:
        """Run a unitary circuit on the current state along :meth:`path` (``fuse_gates``
        forces the kernel calls, with or without fusion, instead of buffer groups)."""
        self._apply_unitary(circuit, values, self.path(circuit, fuse_gates))

    def _apply_unitary(self, circuit: Circuit, values: Mapping[str, float] | None,
                       path: ExecutionPath, from_zero: bool = False) -> None:
        validate_circuit(circuit, self.n_qubits)
        if path.method == "shot-by-shot" or not circuit.is_unitary:
            raise InputError("circuit has measurements, resets, conditions or channels; use run_circuit(), "
                             "run_shots() or the trajectory simulator")
        self._apply(path, circuit, values, self.state, from_zero)

    def run(self, circuit: Circuit, values: Mapping[str, float] | None = None,
            path: ExecutionPath | None = None) -> np.ndarray:
        """The state ``circuit`` prepares from |0...0> (a NumPy array; also this simulator's state);
        ``path``, when given, is what :meth:`path` returned for this circuit (not chosen again).

        >>> Simulator(1).run(Circuit(1).x(0)).real.tolist()
        [0.0, 1.0]
        """
        self.reset()
        self._apply_unitary(circuit, values, path or self.path(circuit), from_zero=True)
        return self.get_state()

    def _apply(self, path: ExecutionPath, circuit: Circuit, values: Mapping[str, float] | None,
               psi, from_zero: bool = False) -> None:
        if path.method == "blocked":
            ops = blocked.forward_ops(circuit.ops, values)
            encoded = blocked.plan(ops, self.n_qubits, itemsize=psi.itemsize)
            blocked.run_encoded(psi, encoded, from_zero=from_zero)
            return
        for call in compile_circuit(circuit, values, path.method == "fused"):
            self.backend.run_call(psi, call)

    def expectation(self, hamiltonian) -> float:
        """<psi|H|psi> of the current state for a :class:`~mstool.toolkit.qsim.observables.PauliSum`."""
        hamiltonian.check_qubits(self.n_qubits)
        return self.backend.pauli_expectation(self.state, hamiltonian)

    def expectation_and_gradient(self, circuit: Circuit, hamiltonian, values: Mapping[str, float],
                                 names: Sequence[str] | None = None) -> tuple[float, np.ndarray]:
        """<H> in the state ``circuit`` prepares from |0...0>, and its gradient with respect to
        ``names`` (default ``circuit.parameters``) by the adjoint method, on the path
        :meth:`path` picks: buffer groups or the flat sweep on the CPU, per-gate kernels on a GPU."""
        n, names, values = _prepare(circuit, hamiltonian, values, names)
        validate_circuit(circuit, self.n_qubits)
        check_memory(self.n_qubits, self.dtype, copies=2)
        path = self.path(circuit)
        if path.gradient == "blocked":
            return blocked_expectation_and_gradient(circuit, hamiltonian, values, names, self.dtype)
        if path.gradient == "flat":
            return _flat_expectation_and_gradient(circuit, hamiltonian, values, names, self.dtype)
        return self._device_expectation_and_gradient(path, circuit, hamiltonian, values, names)

    def _device_expectation_and_gradient(self, path: ExecutionPath, circuit: Circuit, hamiltonian,
                                         values: Mapping[str, float], names: Sequence[str]):
        """The adjoint method with one kernel call per gate on the device: each step reads
        ``Re <lam|dU U^dagger|psi>`` for the gate's parameters, then undoes the gate on both."""
        psi = self._zero_state()
        self._apply(path, circuit, values, psi)
        lam = self.backend.apply_hamiltonian(psi, hamiltonian)
        energy = self.backend.inner_real(psi, lam)
        d_theta, params = [], []
        for gate in reversed(adjoint_gates(circuit.ops, values)):
            op = gate.op
            for kmat, param in zip(gate.kmats, gate.params, strict=True):
                d_theta.append(2.0 * self.backend.matrix_expectation(lam, psi, op.targets, op.controls, kmat))
                params.append(param)
            undo = lower(op.name, op.targets, op.controls, gate.udag)
            self.backend.run_call(psi, undo)
            self.backend.run_call(lam, undo)
        return energy, _chain_rule(params, np.array(d_theta), names)

    def probabilities(self) -> np.ndarray:
        psi = self.get_state()
        return psi.real ** 2 + psi.imag ** 2
