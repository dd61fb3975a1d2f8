"""Pass rate of mstool convert over ONNX's backend node tests, per op, and the ops still missing.

Run: .venv/bin/python benchmarks/convert/conformance.py [--json out.json] [--filter REGEX]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", help="write the full results here")
    parser.add_argument("--filter", help="only cases whose name matches this regex")
    parser.add_argument("--missing-ops", action="store_true",
                        help="only print the Markdown list of op types with no converter (docs/convert.md)")
    args = parser.parse_args()
    from mstool.toolkit.convert.conformance import load_cases, missing_op_types, run_conformance, summarise

    if args.missing_ops:
        version, opset, missing = missing_op_types()
        print(f"As of onnx {version} (default domain, opset {opset}), {len(missing)} op types have no "
              f"converter:\n")
        print(", ".join(f"`{op}`" for op in missing))
        return 0

    cases = load_cases()
    if args.filter:
        cases = [c for c in cases if re.search(args.filter, c.name)]
    started, cpu = time.perf_counter(), time.process_time()
    results = run_conformance(cases, progress=lambda i, n: print(f"\r{i}/{n}", end="", file=sys.stderr))
    print(file=sys.stderr)
    summary = summarise(results)
    print(f"node cases: {summary['cases']}, with every op in the registry: {summary['supported_cases']}, "
          f"passed: {summary['passed']} ({100 * summary['pass_rate']:.1f}%)  "
          f"[{time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu:.0f} s CPU]")
    print(f"  judged against onnxruntime where it runs the case, against the stored outputs otherwise; "
          f"vs stored outputs only: {summary['stored_passed']} ({100 * summary['stored_pass_rate']:.1f}%); "
          f"vs onnxruntime, on the {summary['onnxruntime_cases']} cases it runs: "
          f"{summary['onnxruntime_passed']} ({100 * summary['onnxruntime_pass_rate']:.1f}%)")
    disagree = summary["references_disagree"]
    print(f"  cases where the two references disagree ({len(disagree)}): {', '.join(disagree)}")
    print(f"of those, cases using only dtypes Keras has (no float8/int4/int2/float4/string/complex): "
          f"{summary['keras_dtype_cases']}, passed: {summary['keras_dtype_passed']} "
          f"({100 * summary['keras_dtype_pass_rate']:.1f}%)")
    print("\nper op (passed/total), ops below 100% first:")
    rows = sorted(summary["per_op"].items(), key=lambda kv: kv[1]["passed"] / kv[1]["total"])
    for op, row in rows:
        print(f"  {op:28s} {row['passed']}/{row['total']}")
    missing = summary["missing_ops"]
    print(f"\nops with cases but no converter ({len(missing)}): {', '.join(missing)}")
    failures = [r for r in results if r.supported and not r.passed]
    print("\nfailures:")
    for r in failures:
        print(f"  {r.name}: {r.reason[:160]}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"summary": summary, "failures": [r.__dict__ for r in failures]}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
