"""QNN layer backends side by side: TensorFlow ops (default; exportable SavedModel) against
mstool's Numba simulator with adjoint gradients, training the same classifier.

    .venv/bin/python benchmarks/qsim/bench_qnn_backends.py [--qubits 2 4 6] [--epochs 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def train_seconds(backend: str, n_qubits: int, epochs: int, samples: int) -> tuple[float, float]:
    from mstool.toolkit.qsim.qnn import build_classifier, make_dataset

    x, y = make_dataset("moons", samples, 0.1, 0)
    x = np.tile(x, (1, (n_qubits + 1) // 2))[:, :n_qubits]
    model = build_classifier(n_qubits, x.shape[1], 2, 0.05, seed=0, backend=backend)
    model.fit(x[:16], y[:16], epochs=1, batch_size=16, verbose=0)  # trace and compile once
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return (time.perf_counter() - start) / epochs, float(history.history["loss"][-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qubits", type=int, nargs="*", default=[2, 4, 6])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--samples", type=int, default=120)
    args = ap.parse_args()
    print("| qubits | tensorflow s/epoch | adjoint s/epoch | ratio tf/adjoint |")
    print("|---|---|---|---|")
    for n in args.qubits:
        tf_s, _ = train_seconds("tensorflow", n, args.epochs, args.samples)
        adj_s, _ = train_seconds("adjoint", n, args.epochs, args.samples)
        print(f"| {n} | {tf_s:.3f} | {adj_s:.3f} | {tf_s / adj_s:.2f} |")


if __name__ == "__main__":
    main()
