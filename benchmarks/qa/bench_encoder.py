"""Paragraph-encoding throughput: mstool's encoder against its previous settings, same texts, one run.

The baseline is the encoder as first shipped: texts ordered by character length,
batches of 32, onnxruntime's default session (spinning worker threads). The
current encoder orders by token length, uses small batches and sleeping threads.
Prints paragraphs/s (wall) and CPU milliseconds per paragraph for each, the
largest vector difference, and, per batch size, the current encoder's cost.

    python benchmarks/qa/bench_encoder.py --paragraphs 1000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from mstool.toolkit.qa import Encoder, read_corpus

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "qa" / "hotpotqa_dev500.jsonl"


def baseline_encode(encoder: Encoder, session, texts: list[str], batch_size: int = 32) -> np.ndarray:
    """The first shipped procedure: character-length order, batches of 32, default session."""
    current = encoder.session
    encoder.session = session
    try:
        order = np.argsort([len(t) for t in texts], kind="stable")
        result = np.zeros((len(texts), encoder.identity.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            result[rows] = encoder._run_batch(encoder.tokenizer.encode_batch([texts[i] for i in rows]))
        return result
    finally:
        encoder.session = current


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    import onnxruntime as ort

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--paragraphs", type=int, default=1000)
    parser.add_argument("--batch-sizes", default="", help="comma list to sweep, e.g. 1,4,8,16")
    args = parser.parse_args()
    texts = [p.title + ". " + p.text for p in read_corpus(args.data)[: args.paragraphs]]
    encoder = Encoder()
    default_session = ort.InferenceSession(str(encoder.model_path), providers=["CPUExecutionProvider"])
    n = len(texts)
    print(f"{n} paragraphs, {np.mean([len(e.ids) for e in encoder.tokenizer.encode_batch(texts)]):.1f} "
          f"tokens on average; {ort.get_device()} onnxruntime {ort.__version__}")
    print("\n| encoder | paragraphs/s wall | CPU ms / paragraph | wall s | CPU s |\n|---|---|---|---|---|")
    rows = {}
    rows["baseline (chars, 32, spinning)"] = timed(lambda: baseline_encode(encoder, default_session, texts))
    rows["mstool (tokens, 4, sleeping)"] = timed(lambda: encoder.encode(texts))
    for size in [int(s) for s in args.batch_sizes.split(",") if s]:
        rows[f"mstool, batch {size}"] = timed(lambda size=size: encoder.encode(texts, batch_size=size))
    for name, (_, wall, cpu) in rows.items():
        print(f"| {name} | {n / wall:.1f} | {1000 * cpu / n:.1f} | {wall:.1f} | {cpu:.1f} |")
    base, new = rows["baseline (chars, 32, spinning)"][0], rows["mstool (tokens, 4, sleeping)"][0]
    print(f"\nmax |difference| between baseline and mstool vectors: {np.abs(base - new).max():.2e}")


if __name__ == "__main__":
    main()
