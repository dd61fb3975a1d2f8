"""Time the conversion of the full-width keras.applications ResNet-50 (random weights, via tf2onnx).

The ONNX model is built in a temp folder from ``keras.applications.ResNet50(weights=None)``
(no download; batch dim dynamic). Each of ``--repeat`` conversions then runs in a fresh Python
process: ``convert_onnx(..., verify=False)`` (load, convert, write model.py + weights + report),
timed inside the process after TensorFlow is imported, with the process's peak RSS (VmHWM,
Linux) and its whole wall time (imports included). The last run also verifies against onnxruntime
at two shapes. Prints each run, the median and the load average.

Run: .venv/bin/python benchmarks/convert/time_resnet50.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CHILD = r"""
import json, re, sys, time
import tensorflow, keras  # imported before the clock starts
from mstool.toolkit.convert import convert_onnx
started, cpu = time.perf_counter(), time.process_time()
report = convert_onnx(sys.argv[1], sys.argv[2], verify=False, overwrite=True)
wall, cpu = time.perf_counter() - started, time.process_time() - cpu
# VmHWM, not ru_maxrss: the latter carries the parent's peak across fork + exec
rss = int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024
error = None
if sys.argv[3] == "verify":
    verified = convert_onnx(sys.argv[1], sys.argv[2], overwrite=True)
    error = max(verified.verification["max_abs_error"].values())
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mib": rss, "status": report.status, "error": error}))
"""


def build_onnx(path: Path) -> int:
    """Export ResNet-50 (random weights, batch dim dynamic) with tf2onnx; returns the node count."""
    import keras
    import tensorflow as tf
    import tf2onnx

    keras.utils.set_random_seed(0)
    model = keras.applications.ResNet50(weights=None)
    spec = (tf.TensorSpec((None, 224, 224, 3), tf.float32, name="input"),)
    proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=17)
    path.write_bytes(proto.SerializeToString())
    return len(proto.graph.node)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = Path(tmp) / "resnet50.onnx"
        nodes = build_onnx(onnx_path)
        print(f"ResNet50 (keras.applications, weights=None) via tf2onnx: {nodes} nodes, "
              f"{onnx_path.stat().st_size / 1e6:.0f} MB")
        times = []
        for run in range(args.repeat):
            last = run == args.repeat - 1
            started = time.perf_counter()
            child = subprocess.run([sys.executable, "-c", CHILD, str(onnx_path), str(Path(tmp) / "out"),
                                    "verify" if last else "no"], capture_output=True, text=True, check=True)
            process_wall = time.perf_counter() - started
            result = json.loads(child.stdout.strip().splitlines()[-1])
            times.append(result["wall"])
            verified = f", then verified: max abs error {result['error']:.1e}" if last else ""
            print(f"run {run + 1}: conversion {result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU, "
                  f"peak RSS {result['rss_mib']:.0f} MiB, status {result['status']} (whole process "
                  f"{process_wall:.1f} s with imports{verified}); load average {os.getloadavg()[0]:.2f}")
        print(f"median of {len(times)}: {statistics.median(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
