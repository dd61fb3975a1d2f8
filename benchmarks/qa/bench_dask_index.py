"""``qa index`` dense encoding: in-process against Dask worker processes, same texts, one run.

Rounds interleave three engines on the same paragraphs: the in-process encoder
(onnxruntime on all cores), ``--processes N`` as a user runs it (a new local cluster,
so worker start and model load are included), and a local cluster already running
(``--scheduler``). Prints paragraphs/s per engine (median over rounds), the ratio to
in-process, whether the vectors are bit-identical, and the load average, and writes
the table to benchmarks/results/qa_dask/.

    python benchmarks/qa/bench_dask_index.py --paragraphs 400 --processes 2 --rounds 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from mstool.toolkit.qa import Encoder, read_corpus
from mstool.toolkit.qa.tasks import EncoderSource, TaskEncoder
from mstool.toolkit.workers import EngineSpec

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "qa" / "hotpotqa_dev500.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "qa_dask"


def main() -> None:
    import distributed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--paragraphs", type=int, default=400)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    texts = [p.title + ". " + p.text for p in read_corpus(args.data)[: args.paragraphs]]
    local = Encoder()
    source = EncoderSource.of(None, None)
    share = str(max(1, (os.cpu_count() or 1) // args.processes))
    with distributed.LocalCluster(n_workers=args.processes, threads_per_worker=1, processes=True,
                                  dashboard_address=None, env={"NUMBA_NUM_THREADS": share}) as cluster:
        engines = {
            "in-process": local,
            f"--processes {args.processes} (cluster start included)":
                TaskEncoder(local, source, EngineSpec(processes=args.processes)),
            f"--scheduler (running cluster, {args.processes} processes)":
                TaskEncoder(local, source, EngineSpec(scheduler=cluster.scheduler_address)),
        }
        TaskEncoder(local, source, EngineSpec(scheduler=cluster.scheduler_address)).encode(texts[:8])  # warm
        rates: dict[str, list[float]] = {name: [] for name in engines}
        vectors: dict[str, bytes] = {}
        load_before = os.getloadavg()
        for _ in range(args.rounds):
            for name, encoder in engines.items():
                start = time.perf_counter()
                out = encoder.encode(texts)
                rates[name].append(len(texts) / (time.perf_counter() - start))
                vectors[name] = out.tobytes()
        load_after = os.getloadavg()
    base = statistics.median(rates["in-process"])
    identical = len(set(vectors.values())) == 1
    lines = [
        f"# qa index encoding on Dask ({len(texts)} paragraphs of {args.data.name}, all-MiniLM-L6-v2 int8)",
        "",
        f"Command: `python benchmarks/qa/bench_dask_index.py --paragraphs {args.paragraphs} "
        f"--processes {args.processes} --rounds {args.rounds}`",
        f"Machine: {os.cpu_count()} cores, shared; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (1-minute). Rounds interleaved; median shown.",
        "",
        "| engine | paragraphs/s | per round | x in-process |",
        "|---|---|---|---|",
    ]
    for name, values in rates.items():
        median = statistics.median(values)
        per_round = ", ".join(f"{v:.1f}" for v in values)
        lines.append(f"| {name} | {median:.1f} | {per_round} | {median / base:.2f} |")
    lines += ["", f"Vectors bit-identical across engines: {identical}"]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"index_{args.processes}proc_{time.strftime('%Y%m%d-%H%M')}.md").write_text(text)


if __name__ == "__main__":
    main()
