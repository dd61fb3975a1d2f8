"""Engines of the layered-circuit benchmark (run in the runner's worker processes).

Every engine builds the same circuit (10 layers of RX and RZ on every qubit, then a CNOT
chain; angles from ``numpy.random.default_rng(n)``) once, and its timed call returns the
final state only (no read-out to probabilities in any engine). The digest, computed after
the clock stops, is the probabilities of 256 fixed indices and the 256 marginal
probabilities of the 8 highest qubits: both engines order amplitudes little-endian (mstool
qubit q is cirq's ``LineQubit(n - 1 - q)``), so the digests compare entry by entry.
"""

from __future__ import annotations

import numpy as np

LAYERS = 10


def layered_angles(n: int, layers: int = LAYERS) -> np.ndarray:
    return np.random.default_rng(n).uniform(-np.pi, np.pi, size=(layers, 2, n))


def digest(state: np.ndarray) -> dict:
    """Probabilities at 256 fixed indices and summed over 256 blocks of the index."""
    probs = state.real.astype(np.float64) ** 2 + state.imag.astype(np.float64) ** 2
    picks = np.random.default_rng(0).integers(0, probs.shape[0], 256)
    return {"sampled": probs[picks], "blocks": probs.reshape(256, -1).sum(axis=1)}


def mstool_circuit(n: int, layers: int = LAYERS):
    """The layered circuit as an mstool Circuit."""
    from mstool.toolkit.qsim.circuit import Circuit

    circuit = Circuit(n)
    for layer in layered_angles(n, layers):
        for q in range(n):
            circuit.rx(float(layer[0, q]), q)
        for q in range(n):
            circuit.rz(float(layer[1, q]), q)
        for q in range(n - 1):
            circuit.cx(q, q + 1)
    return circuit


def mstool_engine(n: int, dtype: str = "complex64", threads: int = 2):
    from mstool.toolkit.qsim.gradients import final_state

    circuit = mstool_circuit(n)

    def run():
        state = final_state(circuit, dtype=dtype)
        return lambda: digest(state)

    import mstool.toolkit.qsim as package

    return {"run": run, "threads": threads, "settings": {"dtype": dtype, "source": package.__path__[0]}}


def qsim_engine(n: int, max_fused_gate_size: int = 3, threads: int = 2):
    import cirq
    import qsimcirq

    qubits = [cirq.LineQubit(n - 1 - q) for q in range(n)]
    circuit = cirq.Circuit()
    for layer in layered_angles(n):
        circuit.append(cirq.rx(float(a)).on(qubits[q]) for q, a in enumerate(layer[0]))
        circuit.append(cirq.rz(float(a)).on(qubits[q]) for q, a in enumerate(layer[1]))
        circuit.append(cirq.CNOT(qubits[q], qubits[q + 1]) for q in range(n - 1))
    options = qsimcirq.QSimOptions(max_fused_gate_size=max_fused_gate_size, cpu_threads=threads)
    simulator = qsimcirq.QSimSimulator(qsim_options=options)

    def run():
        state = simulator.simulate_into_1d_array(circuit)[1]  # complex64, translation included
        return lambda: digest(state)

    return {"run": run, "threads": threads,
            "settings": {"dtype": "complex64", "max_fused_gate_size": max_fused_gate_size}}


def gradient_circuit(n: int, layers: int = 6):
    """RY and RZ on every qubit (one symbol each: ``y{layer}_{q}``, ``z{layer}_{q}``) and a
    CNOT chain, ``layers`` times: the circuit of every gradient benchmark and check."""
    from mstool.toolkit.qsim.circuit import Circuit

    circuit = Circuit(n)
    for layer in range(layers):
        for q in range(n):
            circuit.ry(f"y{layer}_{q}", q).rz(f"z{layer}_{q}", q)
        for q in range(n - 1):
            circuit.cx(q, q + 1)
    return circuit


def gradient_engine(n: int, layers: int = 6, threads: int = 2):
    """mstool's adjoint gradient of <sum Z> through 6 layers of RY, RZ and a CNOT chain
    (bench.py's gradient case); the digest is the energy and the gradient."""
    from mstool.toolkit.qsim.gradients import expectation_and_gradient
    from mstool.toolkit.qsim.observables import PauliSum

    circuit = gradient_circuit(n, layers)
    names = circuit.parameters
    ham = PauliSum([(1.0, ((q, "Z"),)) for q in range(n)])
    x = np.random.default_rng(n).uniform(-np.pi, np.pi, size=len(names))
    values = dict(zip(names, x, strict=True))

    def run():
        energy, grad = expectation_and_gradient(circuit, ham, values, names)
        return {"energy": energy, "gradient": grad}

    return {"run": run, "threads": threads, "settings": {"parameters": len(names)}}
