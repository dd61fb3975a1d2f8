"""Running circuits with measurements: final-measurement sampling from one state, and
shot-by-shot simulation for mid-circuit measurement, reset, ``if`` and noise channels.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> c = Circuit(2).h(0).cx(0, 1).measure(0).measure(1)
>>> counts = run_circuit(c, shots=100, seed=1).counts
>>> sorted(counts), sum(counts.values())
(['00', '11'], 100)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from mstool.toolkit.qsim import kernels
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.fusion import fuse, gate_stream
from mstool.toolkit.qsim.statevector import check_memory, run_call, validate_circuit, zero_state


@dataclass
class RunResult:
    """What a circuit run produced: the pre-measurement state (when there is one), counts."""

    n_qubits: int
    n_clbits: int
    state: np.ndarray | None = None
    counts: dict[str, int] = field(default_factory=dict)
    shot_by_shot: bool = False

    def probabilities(self) -> np.ndarray | None:
        if self.state is None:
            return None
        return self.state.real ** 2 + self.state.imag ** 2


def marginal_probabilities(probabilities: np.ndarray, qubits: list[int]) -> np.ndarray:
    """Probabilities of the outcomes of ``qubits`` (bit k of the index = ``qubits[k]``).

    >>> marginal_probabilities(np.array([0.1, 0.2, 0.3, 0.4]), [1]).round(3).tolist()
    [0.3, 0.7]
    """
    n = int(np.log2(probabilities.shape[0]))
    tensor = probabilities.reshape((2,) * n)  # axis a is qubit n-1-a
    keep = [n - 1 - q for q in qubits]
    drop = tuple(a for a in range(n) if a not in keep)
    reduced = tensor.sum(axis=drop)
    remaining = [a for a in range(n) if a in keep]
    order = [remaining.index(n - 1 - q) for q in reversed(qubits)]
    return np.transpose(reduced, order).reshape(-1)


def sample_counts(probabilities: np.ndarray, measure_map: list[tuple[int, int]], n_clbits: int,
                  shots: int, rng: np.random.Generator) -> dict[str, int]:
    """Counts keyed by the classical bits, highest bit first (Qiskit's order)."""
    qubits = [q for q, _ in measure_map]
    marginal = marginal_probabilities(probabilities, qubits)
    # normalised in float64: numpy checks the sum of the probabilities in float64, and float32
    # ones (complex64 states) normalised in float32 can exceed 1 there
    marginal = np.clip(marginal, 0, None).astype(np.float64)
    hits = rng.multinomial(shots, marginal / marginal.sum())
    counts: dict[str, int] = {}
    for outcome in np.nonzero(hits)[0]:
        bits = ["0"] * n_clbits
        for k, (_, c) in enumerate(measure_map):
            bits[n_clbits - 1 - c] = str((outcome >> k) & 1)
        key = "".join(bits)
        counts[key] = counts.get(key, 0) + int(hits[outcome])
    return counts


def _segments(ops: list[Operation], values: Mapping[str, float] | None):
    """Runs of plain gates (fused once) and single non-unitary or conditioned operations."""
    out, run = [], []
    for op in ops:
        if op.is_gate and op.condition is None:
            run.append(op)
            continue
        if run:
            out.append(("gates", fuse(gate_stream(run, values))))
            run = []
        if op.name != "barrier":
            out.append(("op", op))
    if run:
        out.append(("gates", fuse(gate_stream(run, values))))
    return out


def _measure(psi: np.ndarray, qubit: int, rng: np.random.Generator) -> int:
    p1 = min(max(kernels.probability_of_one(psi, qubit), 0.0), 1.0)
    outcome = int(rng.random() < p1)
    p = p1 if outcome else 1.0 - p1
    kernels.collapse(psi, qubit, outcome, 1.0 / np.sqrt(p))
    return outcome


def _run_op(psi: np.ndarray, op: Operation, bits: list[int], rng: np.random.Generator,
            values: Mapping[str, float] | None) -> None:
    if op.condition is not None:
        clbits, value = op.condition
        if sum(bits[c] << k for k, c in enumerate(clbits)) != value:
            return
    if op.name == "measure":
        bits[op.clbits[0]] = _measure(psi, op.targets[0], rng)
    elif op.name == "reset":
        if _measure(psi, op.targets[0], rng):
            kernels.apply_swap_bits(psi, 0, 1 << op.targets[0],
                                    np.array([op.targets[0]], dtype=np.int64), 0)
    elif op.name == "channel":
        op.channel.apply_trajectory(psi, op.targets, rng)
    else:
        for call in fuse(gate_stream([op], values)):
            run_call(psi, call)


def run_shots(circuit: Circuit, shots: int, seed: int | None = None,
              values: Mapping[str, float] | None = None, dtype: str = "complex128") -> dict[str, int]:
    """Simulate ``shots`` independent runs (measurement collapse, resets, conditions, channels)."""
    n = circuit.n_qubits
    validate_circuit(circuit, n)
    check_memory(n, dtype, copies=2)
    rng = np.random.default_rng(seed)
    segments = _segments(circuit.ops, values)
    start = zero_state(n, dtype)
    while segments and segments[0][0] == "gates":  # the common unitary prefix runs once
        for call in segments.pop(0)[1]:
            run_call(start, call)
    counts: Counter[str] = Counter()
    psi = np.empty_like(start)
    for _ in range(int(shots)):
        psi[:] = start
        bits = [0] * circuit.n_clbits
        for kind, item in segments:
            if kind == "gates":
                for call in item:
                    run_call(psi, call)
            else:
                _run_op(psi, item, bits, rng, values)
        counts["".join(str(b) for b in reversed(bits))] += 1
    return dict(counts)


def run_circuit(circuit: Circuit, shots: int = 0, seed: int | None = None,
                values: Mapping[str, float] | None = None, dtype: str = "complex128",
                device: str = "cpu") -> RunResult:
    """Run ``circuit``: the state before the final measurements, plus ``shots`` samples.

    The simulator picks the path (:func:`~mstool.toolkit.qsim.simulator.choose_path`): circuits
    with mid-circuit measurement, reset, ``if`` or channels are run shot by shot on the CPU
    (``shots`` defaults to 1024 then) and carry no single state.
    """
    from mstool.toolkit.qsim.simulator import Simulator

    n = circuit.n_qubits
    sim = Simulator(n, dtype, device)
    path = sim.path(circuit)
    if path.method == "shot-by-shot":
        return RunResult(n, circuit.n_clbits, None, run_shots(circuit, shots or 1024, seed, values, dtype),
                         shot_by_shot=True)
    validate_circuit(circuit, n)
    psi = sim.run(Circuit(n, [op for op in circuit.ops if op.is_gate]), values, path)
    result = RunResult(n, circuit.n_clbits, psi)
    measure_map = [(op.targets[0], op.clbits[0]) for op in circuit.ops if op.name == "measure"]
    if shots:
        if not measure_map:  # no measurements: sample every qubit into bits of the same index
            measure_map = [(q, q) for q in range(n)]
            result.n_clbits = n
        result.counts = sample_counts(result.probabilities(), measure_map, result.n_clbits, shots,
                                      np.random.default_rng(seed))
    return result
