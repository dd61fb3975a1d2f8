"""qsim on a real GPU: the CUDA kernels against the CPU kernels (max error) and the time of
each, on a layered circuit, a random circuit over every kernel kind, <H>, and the adjoint
gradient of a parameterised layered circuit. Exits non-zero on a mismatch. No TensorFlow.
(Runs under NUMBA_ENABLE_CUDASIM=1 with a few qubits as a smoke test; times are meaningless there.)

    python3 benchmarks/qsim/gpu_check.py [--qubits 24]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

if not hasattr(np, "row_stack"):  # numba-cuda releases that still register np.row_stack (NumPy >= 2.4)
    np.row_stack = np.vstack

sys.path.insert(0, str(Path(__file__).resolve().parent))
from layered_engines import gradient_circuit  # noqa: E402
from layered_engines import mstool_circuit as layered  # noqa: E402

from mstool.toolkit.qsim.backend import cuda_available  # noqa: E402
from mstool.toolkit.qsim.circuit import Circuit, GateSpec  # noqa: E402
from mstool.toolkit.qsim.observables import PauliSum  # noqa: E402
from mstool.toolkit.qsim.simulator import Simulator  # noqa: E402

TOLERANCE = 1e-9


def mixed(n: int, n_gates: int = 200) -> Circuit:
    rng = np.random.default_rng(7)
    circ = Circuit(n)
    names = ["h", "x", "y", "rz", "rx", "phase", "u3", "swap", "rzz", "rxx", "t", "sx"]
    params = {"rz": 1, "rx": 1, "phase": 1, "u3": 3, "rzz": 1, "rxx": 1}
    for _ in range(n_gates):
        name = names[rng.integers(len(names))]
        spec = GateSpec(name, rng.uniform(-3, 3, params.get(name, 0)))
        qubits = [int(q) for q in rng.permutation(n)[: spec.n_targets + int(rng.integers(0, 3))]]
        circ += spec.on(qubits[: spec.n_targets], qubits[spec.n_targets:] or None)
    return circ


def parameterised(n: int, layers: int = 4) -> tuple[Circuit, dict[str, float]]:
    """bench.py's gradient circuit with ``layers`` layers and fixed random values."""
    circ = gradient_circuit(n, layers)
    rng = np.random.default_rng(3)
    return circ, {name: float(v) for name, v in zip(circ.parameters, rng.uniform(-3, 3, len(circ.parameters)),
                                                    strict=True)}


def gradient(circ: Circuit, values: dict[str, float], ham: PauliSum, n: int, device: str):
    sim = Simulator(n, device=device)
    t0 = time.perf_counter()
    energy, grad = sim.expectation_and_gradient(circ, ham, values)
    return energy, grad, time.perf_counter() - t0


def run(circ: Circuit, n: int, device: str, fuse: bool) -> tuple[np.ndarray, float, Simulator]:
    sim = Simulator(n, device=device)
    sim.reset()  # allocate (and copy to the GPU) before the clock starts
    if device == "cuda":
        sim.backend.synchronize()
    t0 = time.perf_counter()
    sim.apply_circuit(circ, fuse_gates=fuse)
    if device == "cuda":
        sim.backend.synchronize()
    elapsed = time.perf_counter() - t0
    return sim.get_state(), elapsed, sim


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qubits", type=int, default=24)
    n = ap.parse_args().qubits
    if not cuda_available():
        print("no CUDA GPU visible to numba: nothing to check")
        return 2
    ham = PauliSum([(1.0, ((q, "Z"),)) for q in range(n)] + [(0.5, ((0, "X"), (n - 1, "Y")))])
    warm = layered(4, 1) + mixed(4, 30)
    run(warm, 4, "cuda", True)
    run(warm, 4, "cuda", False)
    run(warm, 4, "cpu", True)
    run(warm, 4, "cpu", False)
    failed = False
    print(f"{'case':<28}{'n':>4}{'cpu s':>10}{'cuda s':>10}{'speedup':>9}{'max |dpsi|':>13}{'|dE|':>11}")
    for label, circ, fuse in (("layered 10x(RX,RZ,CX) fused", layered(n), True),
                              ("mixed 200 gates unfused", mixed(n), False),
                              ("mixed 200 gates fused", mixed(n), True)):
        cpu_state, cpu_time, _ = run(circ, n, "cpu", fuse)
        gpu_state, gpu_time, sim = run(circ, n, "cuda", fuse)
        err = float(np.max(np.abs(gpu_state - cpu_state)))
        e_err = abs(sim.expectation(ham) - ham.expectation(cpu_state))
        failed |= not (err < TOLERANCE and e_err < TOLERANCE)
        print(f"{label:<28}{n:>4}{cpu_time:>10.3f}{gpu_time:>10.3f}{cpu_time / gpu_time:>9.1f}"
              f"{err:>13.2e}{e_err:>11.2e}")
    small_circ, small_values = parameterised(4, 1)
    small_ham = PauliSum([(1.0, ((0, "Z"),))])
    gradient(small_circ, small_values, small_ham, 4, "cuda")  # compile the gradient kernels
    circ, values = parameterised(n)
    e_cpu, g_cpu, t_cpu = gradient(circ, values, ham, n, "cpu")
    e_gpu, g_gpu, t_gpu = gradient(circ, values, ham, n, "cuda")
    g_err = float(np.max(np.abs(g_gpu - g_cpu)))
    failed |= not (g_err < TOLERANCE and abs(e_gpu - e_cpu) < TOLERANCE)
    label = f"gradient, {len(values)} params"
    print(f"{label:<28}{n:>4}{t_cpu:>10.3f}{t_gpu:>10.3f}{t_cpu / t_gpu:>9.1f}"
          f"{g_err:>13.2e}{abs(e_gpu - e_cpu):>11.2e}   (max |dgrad| in the dpsi column)")
    print("MISMATCH" if failed else "qsim gpu_check ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
