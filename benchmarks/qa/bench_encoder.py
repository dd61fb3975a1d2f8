"""Paragraph-encoding throughput: mstool's encoder against its previous settings, same texts, one run.

The baseline is the encoder as first shipped: texts ordered by character length,
batches of 32, onnxruntime's default session (spinning worker threads). The
current encoder orders by token length, uses small batches and sleeping threads.
Each variant runs in its own warm process through benchmarks/runner.py, interleaved with
repeats, on the same thread count; the outputs check compares the vectors (per-paragraph
sums and the first vector) within 1e-3.

    .venv/bin/python benchmarks/qa/bench_encoder.py --paragraphs 1000 [--batch-sizes 2,8]
"""

from __future__ import annotations

import argparse
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
            rows = order[start : start + batch_size]
            result[rows] = encoder._run_batch(encoder.tokenizer.encode_batch([texts[i] for i in rows]))
        return result
    finally:
        encoder.session = current


def vectors_digest(vectors: np.ndarray) -> dict:
    return {"shape": list(vectors.shape), "row_sums": vectors.sum(axis=1), "first": vectors[0]}


def encoder_engine(data: str, paragraphs: int, variant: str, batch_size: int | None = None):
    """Runner factory: ``baseline`` (first shipped procedure) or ``mstool`` (optionally at ``batch_size``)."""
    import onnxruntime as ort

    texts = [p.title + ". " + p.text for p in read_corpus(Path(data))[:paragraphs]]
    encoder = Encoder()
    if variant == "baseline":
        session = ort.InferenceSession(str(encoder.model_path), providers=["CPUExecutionProvider"])
        encode = lambda: baseline_encode(encoder, session, texts)  # noqa: E731
    elif batch_size is None:
        encode = lambda: encoder.encode(texts)  # noqa: E731
    else:
        encode = lambda: encoder.encode(texts, batch_size=batch_size)  # noqa: E731

    def run():
        vectors = encode()
        return lambda: vectors_digest(vectors)

    return {"run": run, "settings": {"variant": variant, "batch_size": batch_size}}


def main() -> int:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--paragraphs", type=int, default=1000)
    parser.add_argument("--batch-sizes", default="", help="comma list to sweep, e.g. 1,4,8,16")
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime threads of every variant")
    args = runner.parse_args(parser=parser)
    if not args.data.exists():
        print(f"no corpus at {args.data}")
        return 2
    n = 64 if args.quick else args.paragraphs
    this = str(Path(__file__).resolve())
    engines = [
        runner.Engine(
            "baseline (chars, 32, spinning)",
            f"{this}:encoder_engine",
            threads=args.threads,
            kwargs={"variant": "baseline"},
            packages=("mstool", "onnxruntime"),
        ),
        runner.Engine(
            "mstool (tokens, 4, sleeping)",
            f"{this}:encoder_engine",
            threads=args.threads,
            kwargs={"variant": "mstool"},
            packages=("mstool", "onnxruntime"),
        ),
    ]
    for size in [int(s) for s in args.batch_sizes.split(",") if s]:
        engines.append(
            runner.Engine(
                f"mstool, batch {size}",
                f"{this}:encoder_engine",
                threads=args.threads,
                kwargs={"variant": "mstool", "batch_size": size},
                packages=("mstool", "onnxruntime"),
            )
        )
    case = runner.Case(
        f"{n} paragraphs", {"data": str(args.data), "paragraphs": n}, units=n, unit_name="paragraphs"
    )
    record = runner.run(
        "qa",
        "bench_encoder",
        engines,
        [case],
        args=args,
        rtol=0.0,
        atol=1e-3,
        reference="mstool (tokens, 4, sleeping)",
        params={"paragraphs": n, "threads": args.threads},
    )
    print("\n| encoder | paragraphs/s wall (median) | CPU ms / paragraph |\n|---|---|---|")
    for name, entry in record["cases"][0]["engines"].items():
        if "wall_stats" in entry:
            wall, cpu = entry["wall_stats"]["median"], entry["cpu_stats"]["median"]
            print(f"| {name} | {n / wall:.1f} | {1000 * cpu / n:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
