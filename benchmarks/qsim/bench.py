"""qsim benchmark against Qulacs, Qiskit Aer, PennyLane-Lightning and MindQuantum (same run,
same thread count). Prints median wall time, CPU seconds and the ratio to the fastest anchor.

    .venv-bench-qsim/bin/python benchmarks/qsim/bench.py [--threads 2] [--layered 16 20 24]
        [--gradient 10 14 18] [--repeats 3] [--skip-bandwidth]
"""

from __future__ import annotations

import argparse
import os
import sys

THREADS = "2"
for _i, _a in enumerate(sys.argv):
    if _a == "--threads":
        THREADS = sys.argv[_i + 1]
for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "QULACS_NUM_THREADS", "MKL_NUM_THREADS",
             "OPENBLAS_NUM_THREADS", "MQ_NUM_THREADS"):
    os.environ[_var] = THREADS
# Idle OpenMP threads sleep instead of spinning (for every library alike): on a shared,
# oversubscribed machine spinning threads steal the cores the working ones need.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import anchors  # noqa: E402
from layered_engines import gradient_circuit  # noqa: E402

from mstool.toolkit.qsim import kernels  # noqa: E402
from mstool.toolkit.qsim.circuit import Circuit  # noqa: E402
from mstool.toolkit.qsim.gradients import expectation_and_gradient, final_state  # noqa: E402
from mstool.toolkit.qsim.observables import PauliSum  # noqa: E402
from mstool.toolkit.qsim.qasm import load_qasm  # noqa: E402

QASM_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "qasm"


def timed(fn, repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``fn()`` after one warm-up call."""
    fn()
    walls, cpus = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return float(np.median(walls)), float(np.median(cpus))


def layered_angles(n: int, layers: int = 10) -> np.ndarray:
    return np.random.default_rng(n).uniform(-np.pi, np.pi, size=(layers, 2, n))


def layered_mstool(n: int, angles: np.ndarray) -> Circuit:
    circ = Circuit(n)
    for layer in angles:
        for q in range(n):
            circ.rx(float(layer[0, q]), q)
        for q in range(n):
            circ.rz(float(layer[1, q]), q)
        for q in range(n - 1):
            circ.cx(q, q + 1)
    return circ


def gradient_mstool(n: int, layers: int = 6) -> tuple[Circuit, list[str]]:
    circ = gradient_circuit(n, layers)
    return circ, circ.parameters


def report(title: str, rows: dict[str, tuple[float, float]]) -> None:
    print(f"\n## {title}")
    anchors_only = {k: v for k, v in rows.items() if not k.startswith("mstool")}
    fastest = min(anchors_only.items(), key=lambda kv: kv[1][0]) if anchors_only else None
    for name, (wall, cpu) in sorted(rows.items(), key=lambda kv: kv[1][0]):
        ratio = f"{wall / fastest[1][0]:.2f}x {fastest[0]}" if fastest else "-"
        print(f"  {name:<22} {wall:9.3f} s wall {cpu:9.3f} s cpu   ratio {ratio}")


def bench_layered(n: int, repeats: int) -> None:
    angles = layered_angles(n)
    circ = layered_mstool(n, angles)
    rows = {"mstool": timed(lambda: final_state(circ), repeats)}
    reference = np.abs(final_state(circ)) ** 2
    for name, runner in anchors.layered_runners(n, angles).items():
        try:
            probs = runner()
            if probs is not None and np.max(np.abs(probs - reference)) > 1e-8:
                diff = np.max(np.abs(probs - reference))
                print(f"  WARNING {name}: probabilities differ from mstool by {diff:.2e}")
            rows[name] = timed(runner, repeats)
        except Exception as exc:  # noqa: BLE001 - an anchor failing must not stop the others
            print(f"  {name}: failed ({type(exc).__name__}: {exc})")
    report(f"layered circuit n={n} (10 layers RX, RZ, CNOT chain; {THREADS} threads)", rows)


def bench_gradient(n: int, repeats: int) -> None:
    circ, names = gradient_mstool(n)
    ham = PauliSum([(1.0, ((q, "Z"),)) for q in range(n)])
    x = np.random.default_rng(n).uniform(-np.pi, np.pi, size=len(names))
    values = dict(zip(names, x, strict=True))
    energy, grad = expectation_and_gradient(circ, ham, values, names)
    rows = {"mstool adjoint": timed(lambda: expectation_and_gradient(circ, ham, values, names), repeats)}
    for name, runner in anchors.gradient_runners(n, x).items():
        try:
            e, g = runner()
            if abs(e - energy) > 1e-8 or np.max(np.abs(np.asarray(g) - grad)) > 1e-6:
                print(f"  WARNING {name}: energy/gradient differ from mstool ({abs(e - energy):.1e}, "
                      f"{np.max(np.abs(np.asarray(g) - grad)):.1e})")
            rows[name] = timed(runner, repeats)
        except Exception as exc:  # noqa: BLE001
            print(f"  {name}: failed ({type(exc).__name__}: {exc})")
    report(f"gradient of <sum Z>, 6 layers RY/RZ + CNOT, n={n}, {len(names)} parameters", rows)


def bench_qasm(name: str, repeats: int) -> None:
    path = QASM_DIR / f"{name}.qasm"
    if not path.exists():
        print(f"\n## {name}: {path} not found, skipped")
        return
    circ = load_qasm(path)
    unitary = Circuit(circ.n_qubits, [op for op in circ.ops if op.is_gate])
    rows = {"mstool": timed(lambda: final_state(unitary), repeats)}
    reference = np.abs(final_state(unitary)) ** 2
    for anchor, runner in anchors.qasm_runners(path).items():
        try:
            probs = runner()
            if probs is not None and np.max(np.abs(probs - reference)) > 1e-8:
                print(f"  WARNING {anchor}: probabilities differ by {np.max(np.abs(probs - reference)):.2e}")
            rows[anchor] = timed(runner, repeats)
        except Exception as exc:  # noqa: BLE001
            print(f"  {anchor}: failed ({type(exc).__name__}: {exc})")
    report(f"{name}.qasm ({circ.n_qubits} qubits, {len(unitary)} gates)", rows)


def bench_bandwidth(n: int, repeats: int) -> None:
    psi = np.zeros(2 ** n, dtype=np.complex128)
    psi[0] = 1
    other = np.empty_like(psi)
    h = np.ascontiguousarray(np.array([[1, 1], [1, -1]]) / np.sqrt(2), dtype=np.complex128)
    targets = [0, n // 2, n - 1]

    def gates():
        for t in targets:
            kernels.apply_1q(psi, t, h)

    gate_wall, _ = timed(gates, repeats)
    copy_wall, _ = timed(lambda: kernels.copy_state(psi, other), repeats)
    numpy_wall, _ = timed(lambda: np.copyto(other, psi), repeats)
    per_gate = gate_wall / len(targets)
    moved = 2 * psi.nbytes  # every gate reads and writes the whole vector; so does a copy
    print(f"\n## single-qubit gate memory bandwidth, n={n} ({psi.nbytes / 2**20:.0f} MiB state)")
    print(f"  1q gate (targets {targets})  {per_gate * 1e3:8.2f} ms  {moved / per_gate / 1e9:6.2f} GB/s")
    print(f"  numba parallel copy        {copy_wall * 1e3:8.2f} ms  {moved / copy_wall / 1e9:6.2f} GB/s")
    print(f"  numpy copyto               {numpy_wall * 1e3:8.2f} ms  {moved / numpy_wall / 1e9:6.2f} GB/s")
    print(f"  gate bandwidth / numba copy = {copy_wall / per_gate:.2f}; "
          f"/ numpy copy = {numpy_wall / per_gate:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--threads", default="2")
    ap.add_argument("--layered", type=int, nargs="*", default=[16, 20, 24])
    ap.add_argument("--gradient", type=int, nargs="*", default=[10, 14, 18])
    ap.add_argument("--qasm", nargs="*", default=["qft_n18", "bigadder_n18"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bandwidth-qubits", type=int, default=24)
    ap.add_argument("--skip-bandwidth", action="store_true")
    args = ap.parse_args()
    print(f"threads={THREADS}  OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}  "
          f"load average={os.getloadavg()}")
    for n in args.layered:
        bench_layered(n, args.repeats if n < 24 else 1)
    for n in args.gradient:
        bench_gradient(n, args.repeats)
    for name in args.qasm:
        bench_qasm(name, args.repeats)
    if not args.skip_bandwidth:
        bench_bandwidth(args.bandwidth_qubits, args.repeats)


if __name__ == "__main__":
    main()
