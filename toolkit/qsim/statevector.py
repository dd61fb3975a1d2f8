"""State vectors: allocation with a memory check, and circuits lowered to kernel calls.

Which way a circuit runs is decided in :mod:`mstool.toolkit.qsim.simulator`.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> psi = zero_state(2)
>>> for call in compile_circuit(Circuit(2).h(0).cx(0, 1)):
...     run_call(psi, call)
>>> np.round(np.abs(psi) ** 2, 3).tolist()
[0.5, 0.0, 0.0, 0.5]
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim import kernels
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
