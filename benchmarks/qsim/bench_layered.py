"""Layered circuit: mstool (complex64 and complex128) against Google's qsim (qsimcirq, complex64)
on the shared runner, with the memory-bandwidth bound of mstool's cache-blocked plan.

Each engine runs in its own warm worker (qsim from its bench venv), all with the same
thread count, interleaved with repeats; every timed call returns the final state only (no
read-out). qsim runs at each ``--fused`` value of ``max_fused_gate_size`` (the sweep that
picks its best setting per size). The bandwidth bound is the bytes mstool's plan moves
(each group reads and writes the cosets it runs once: every coset, except those a run from
|0...0> skips while they are still zero) / a stream rate measured here before the engines
start (the fastest of 10): a numpy copy of a state-sized array (one thread; the rate earlier
runs quoted) and an in-place read-modify-write of the state with the benchmark's threads
(what a pass does; the stricter bound when it is faster). Run:

    .venv/bin/python benchmarks/qsim/bench_layered.py --sizes 20 24 --threads 2 \
        --qsim-python /work/bench-qsim/bin/python --repeats 7 [--baseline main] [--gradient 14 18]

``--baseline REV`` adds mstool as of git revision REV (complex64 and complex128), extracted
into a temporary folder and imported from there, to measure a change in the same run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import runner  # noqa: E402

DTYPES = {"complex64": 8, "complex128": 16}


def stream_rate(n: int, repeats: int = 10) -> float:
    """Bytes per second of ``numpy.copyto`` between two 2^n complex64 arrays (read + write),
    from the fastest of ``repeats`` copies (on a busy machine the median measures the
    scheduler, not the memory)."""
    src = np.ones(1 << n, np.complex64)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        times.append(time.perf_counter() - t0)
    return 2 * src.nbytes / min(times)


def inplace_rate(n: int, threads: int, repeats: int = 10) -> float:
    """Bytes per second of an in-place read-modify-write of a 2^n complex64 array (read +
    write) on ``threads`` Numba threads: what one pass of a group does to the state."""
    import numba

    @numba.njit(parallel=True)
    def scale(x, s):
        for i in numba.prange(x.shape[0]):
            x[i] = x[i] * s

    numba.set_num_threads(threads)
    x = np.ones(1 << n, np.complex64)
    factor = np.float32(1.0)  # an argument, so the compiler cannot drop the pass
    scale(x, factor)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        scale(x, factor)
        times.append(time.perf_counter() - t0)
    return 2 * x.nbytes / min(times)


def plan_traffic(n: int, dtype: str) -> dict:
    """mstool's plan for the layered circuit run from |0...0>: its groups, and the bytes they
    move (each group reads and writes the cosets it runs once), also as full-state passes."""
    from layered_engines import mstool_circuit

    from mstool.toolkit.qsim import blocked

    itemsize = DTYPES[dtype]
    enc = blocked.plan(blocked.forward_ops(mstool_circuit(n).ops, None), n, itemsize=itemsize)
    masks = blocked.coset_masks(enc, n, from_zero=True)
    moved = sum(2 * itemsize << (int(nq) + int(mask).bit_count())
                for nq, mask in zip(enc.g_nq, masks, strict=True))
    return {"groups": len(enc.g_nq), "bytes": moved, "passes": moved / (2 * itemsize << n)}


def bandwidth_bounds(sizes: list[int], rates: dict[str, float]) -> dict:
    out = {}
    for n in sizes:
        for dtype, itemsize in DTYPES.items():
            traffic = plan_traffic(n, dtype)
            out[f"n{n} {dtype}"] = {**traffic, "bytes_per_pass": 2 * itemsize << n,
                                    **{f"bound_s_{k}": traffic["bytes"] / r for k, r in rates.items()}}
            # the faster rate gives the lower time, the stricter bound
            out[f"n{n} {dtype}"]["bound_s"] = min(out[f"n{n} {dtype}"][f"bound_s_{k}"] for k in rates)
    return out


def baseline_source(rev: str) -> str:
    """A folder holding the ``mstool`` package (toolkit, schemas) as of git revision ``rev``."""
    folder = Path(tempfile.mkdtemp(prefix="mstool-baseline-")) / "mstool"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    archive = subprocess.run(["git", "-C", str(runner.REPO_ROOT), "archive", rev, "toolkit", "schemas"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return str(folder.parent)


def summary(record: dict, bounds: dict) -> None:
    print("\nmstool / best qsim (median wall; CPU-seconds ratio beside it) and the bandwidth bound")
    for case in record["cases"]:
        engines = {k: v for k, v in case["engines"].items() if "wall_stats" in v}
        qsim = {k: v for k, v in engines.items() if k.startswith("qsim")}
        if not qsim:
            continue
        best = min(qsim, key=lambda k: qsim[k]["wall_stats"]["median"])
        q_wall, q_cpu = qsim[best]["wall_stats"]["median"], qsim[best]["cpu_stats"]["median"]
        print(f"  {case['label']}: best qsim {best} {q_wall:.3f} s")
        for dtype in DTYPES:
            entry = engines.get(f"mstool {dtype}")
            if entry is None:
                continue
            wall, cpu = entry["wall_stats"]["median"], entry["cpu_stats"]["median"]
            bound = bounds[f"{case['label']} {dtype}"]
            print(f"    mstool {dtype:<10} {wall:7.3f} s  {wall / q_wall:5.2f}x wall  "
                  f"{cpu / q_cpu:5.2f}x cpu  bound {bound['bound_s']:.3f} s ({bound['groups']} groups, "
                  f"{bound['passes']:.2f} state passes): {100 * bound['bound_s'] / wall:4.1f} % of it "
                  f"(numpy-copy bound {bound['bound_s_copy']:.3f} s: "
                  f"{100 * bound['bound_s_copy'] / wall:4.1f} %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 24], help="layered sizes (none: skip)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--fused", type=int, nargs="+", default=[2, 3, 4, 5],
                        help="qsim's max_fused_gate_size values (one engine each)")
    parser.add_argument("--qsim-python", default="/work/bench-qsim/bin/python")
    parser.add_argument("--baseline", default=None, help="git revision of mstool to time beside this one")
    parser.add_argument("--gradient", type=int, nargs="*", default=[],
                        help="also time mstool's adjoint gradient at these sizes (and the baseline's)")
    args = runner.parse_args(parser=parser)
    sizes = [16] if args.quick else args.sizes
    os.environ["NUMBA_NUM_THREADS"] = str(args.threads)
    target = str(HERE / "layered_engines.py")
    if sizes:
        layered(args, sizes, target)
    if args.gradient:
        gradient(args, target)


def layered(args, sizes: list[int], target: str) -> None:
    """The layered circuit on mstool (both precisions), qsim at each fusion size, the baseline."""
    rates = {"copy": stream_rate(max(sizes)), "inplace": inplace_rate(max(sizes), args.threads)}
    bounds = bandwidth_bounds(sizes, rates)
    print(f"stream rates (read + write, 2^{max(sizes)} complex64): "
          f"numpy copy {rates['copy'] / 1e9:.1f} GB/s, "
          f"in-place on {args.threads} threads {rates['inplace'] / 1e9:.1f} GB/s")
    engines = [runner.Engine(f"mstool {dtype}", f"{target}:mstool_engine", threads=args.threads,
                             packages=("numba", "numpy"), kwargs={"dtype": dtype, "threads": args.threads})
               for dtype in DTYPES]
    engines += [runner.Engine(f"qsim f={f}", f"{target}:qsim_engine", python=args.qsim_python,
                              threads=args.threads, packages=("qsimcirq", "cirq-core"),
                              kwargs={"max_fused_gate_size": f, "threads": args.threads})
                for f in args.fused]
    if args.baseline:
        source = baseline_source(args.baseline)
        engines += [runner.Engine(f"mstool@{args.baseline} {dtype}", f"{target}:mstool_engine",
                                  threads=args.threads, env={"PYTHONPATH": source},
                                  kwargs={"dtype": dtype, "threads": args.threads})
                    for dtype in DTYPES]
    cases = [runner.Case(f"n{n}", {"n": n}) for n in sizes]
    record = runner.run("qsim", "bench_layered", engines, cases, args=args, rtol=0.0, atol=1e-5,
                        reference="mstool complex128",
                        notes="timed call = final state only in every engine; digest = 256 sampled "
                              "probabilities + 256 block sums, equal to 1e-5",
                        params={"threads": args.threads, "stream_rate_bytes_per_s": rates["copy"],
                                "inplace_rate_bytes_per_s": rates["inplace"],
                                "baseline": args.baseline,
                                "bandwidth_bounds": bounds, "layers": 10})
    summary(record, bounds)


def gradient(args, target: str) -> None:
    """The adjoint-gradient case of bench.py, this mstool against the baseline's (no anchor)."""
    engines = [runner.Engine("mstool", f"{target}:gradient_engine", threads=args.threads,
                             kwargs={"threads": args.threads})]
    if args.baseline:
        engines.append(runner.Engine(f"mstool@{args.baseline}", f"{target}:gradient_engine",
                                     threads=args.threads, env={"PYTHONPATH": baseline_source(args.baseline)},
                                     kwargs={"threads": args.threads}))
    cases = [runner.Case(f"gradient n{n}", {"n": n}) for n in args.gradient]
    runner.run("qsim", "bench_gradient", engines, cases, args=args, rtol=1e-8, atol=1e-10,
               notes="adjoint gradient of <sum Z>, 6 layers RY/RZ + CNOT chain, complex128",
               params={"threads": args.threads, "baseline": args.baseline})


if __name__ == "__main__":
    main()
