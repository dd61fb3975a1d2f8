"""State vectors: allocation with a memory check, and running circuits through the kernels.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> sim = Simulator(2)
>>> sim.apply_circuit(Circuit(2).h(0).cx(0, 1))
>>> np.round(sim.probabilities(), 3).tolist()
[0.5, 0.0, 0.0, 0.5]
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim import kernels
from mstool.toolkit.qsim.blocked import apply_gates
from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.fusion import KernelCall, fuse, gate_stream, lower

DTYPES = {"complex128": np.complex128, "complex64": np.complex64}
MAX_QUBITS = 40
FUSION_MIN_QUBITS = 12  # below this a kernel call is cheaper than the fusion bookkeeping


def available_memory_bytes() -> int:
    """MemAvailable from /proc/meminfo (Linux), else physical memory."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def check_memory(n_qubits: int, dtype: str = "complex128", copies: int = 1) -> None:
    """Raise :class:`InputError` when ``copies`` state vectors of ``n_qubits`` will not fit.

    >>> check_memory(50)
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: 50 qubits is more than this simulator supports (max 40)
    """
    if n_qubits > MAX_QUBITS:
        raise InputError(f"{n_qubits} qubits is more than this simulator supports (max {MAX_QUBITS})")
    need = copies * np.dtype(DTYPES[dtype]).itemsize * (2 ** n_qubits)
    have = available_memory_bytes()
    if need > 0.9 * have:
        raise InputError(f"{n_qubits} qubits need {need / 2**30:.1f} GiB for {copies} state vector(s) "
                         f"({dtype}); only {have / 2**30:.1f} GiB of memory is available")


def zero_state(n_qubits: int, dtype: str = "complex128") -> np.ndarray:
    """|0...0> after a memory check."""
    if dtype not in DTYPES:
        raise InputError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
    check_memory(n_qubits, dtype)
    psi = np.zeros(2 ** n_qubits, dtype=DTYPES[dtype])
    psi[0] = 1.0
    return psi


def run_call(psi: np.ndarray, call: KernelCall) -> None:
    """Apply one kernel call to ``psi`` in place (CPU)."""
    m = call.matrix_as(psi.dtype)
    if call.kind == "dense1":
        if call.controls:
            kernels.apply_1q_controlled(psi, call.targets[0], m, call.positions, call.control_mask)
        else:
            kernels.apply_1q(psi, call.targets[0], m)
    elif call.kind == "dense2":
        kernels.apply_2q(psi, call.targets[0], call.targets[1], m, call.positions, call.control_mask)
    elif call.kind == "selected":
        kernels.apply_1q_selected(psi, call.targets[0], call.controls[0], m, call.positions[0],
                                  call.positions[1])
    elif call.kind == "diagonal":
        kernels.apply_diagonal(psi, call.target_array, m, call.positions, call.control_mask)
    else:  # swapbits: X flips one bit, SWAP exchanges |01> and |10>
        t = call.targets
        mask_a = 0 if len(t) == 1 else 1 << t[0]
        mask_b = (1 << t[0]) if len(t) == 1 else 1 << t[1]
        kernels.apply_swap_bits(psi, mask_a, mask_b, call.positions, call.control_mask)


def compile_circuit(circuit: Circuit, values: Mapping[str, float] | None = None,
                    fuse_gates: bool | None = None) -> list[KernelCall]:
    """Kernel calls for a unitary circuit (symbols resolved from ``values``); ``fuse_gates``
    None fuses from ``FUSION_MIN_QUBITS`` qubits on, True or False forces the choice."""
    stream = gate_stream(circuit.ops, values)
    if fuse_gates or (fuse_gates is None and circuit.n_qubits >= FUSION_MIN_QUBITS):
        return fuse(stream)
    return [lower(*g) for g in stream]


def validate_circuit(circuit: Circuit, n_qubits: int) -> None:
    """Every qubit index in range; an out-of-range index is an :class:`InputError`."""
    for k, op in enumerate(circuit.ops):
        for q in op.qubits:
            if q >= n_qubits:
                raise InputError(f"operation {k} ({op.name}) uses qubit {q} but the state has "
                                 f"{n_qubits} qubit(s)")


class Simulator:
    """A state-vector simulator on ``n_qubits`` (``device`` cpu, cuda or auto).

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> sim = Simulator(1)
    >>> sim.apply_circuit(Circuit(1).rx("a", 0), {"a": np.pi})
    >>> round(float(sim.probabilities()[1]), 6)
    1.0
    """

    def __init__(self, n_qubits: int, dtype: str = "complex128", device: str = "cpu") -> None:
        from mstool.toolkit.qsim.backend import select_backend

        self.n_qubits = int(n_qubits)
        self.dtype = dtype
        self.backend = select_backend(device)
        self.state = self.backend.to_device(zero_state(self.n_qubits, dtype))

    @property
    def device(self) -> str:
        return self.backend.name

    def reset(self) -> None:
        self.state = self.backend.to_device(zero_state(self.n_qubits, self.dtype))

    def set_state(self, psi: np.ndarray) -> None:
        psi = np.asarray(psi, dtype=DTYPES[self.dtype])
        if psi.shape != (2 ** self.n_qubits,):
            raise InputError(f"state must have shape ({2 ** self.n_qubits},), got {psi.shape}")
        self.state = self.backend.to_device(psi.copy())

    def get_state(self) -> np.ndarray:
        """The amplitudes as a NumPy array (a copy when on a GPU)."""
        return self.backend.to_host(self.state)

    def apply_circuit(self, circuit: Circuit, values: Mapping[str, float] | None = None,
                      fuse_gates: bool | None = None) -> None:
        """Run a unitary circuit on the current state (on the CPU through cache-blocked gate
        groups unless ``fuse_gates`` forces the per-gate kernels with or without fusion)."""
        validate_circuit(circuit, self.n_qubits)
        if not circuit.is_unitary:
            raise InputError("circuit has measurements, resets or channels; use run_shots() or "
                             "the trajectory simulator")
        if fuse_gates is None and self.backend.name == "cpu" and apply_gates(self.state, circuit.ops, values):
            return  # cache-blocked gate groups
        for call in compile_circuit(circuit, values, fuse_gates):
            self.backend.run_call(self.state, call)

    def expectation(self, hamiltonian) -> float:
        """<psi|H|psi> for a :class:`~mstool.toolkit.qsim.observables.PauliSum`."""
        hamiltonian.check_qubits(self.n_qubits)
        return self.backend.pauli_expectation(self.state, hamiltonian)

    def probabilities(self) -> np.ndarray:
        psi = self.get_state()
        return psi.real ** 2 + psi.imag ** 2
