"""Convert one ONNX model with onnx2tf and compare its output with stored onnxruntime outputs.

Runs inside the benchmark venv (.venv-bench-convert: onnx2tf with its own TensorFlow); prints
one JSON line. Usage: python onnx2tf_runner.py MODEL.onnx IO.npz OUT_DIR
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _best_error(model, inputs, expected):
    """onnx2tf moves channels last; feed the layout it expects (as given, or NCHW -> NHWC)."""
    import numpy as np

    best = None
    for transpose in (False, True):
        args = [np.transpose(x, (0, 2, 3, 1)) if transpose and x.ndim == 4 else x for x in inputs]
        try:
            out = model(args if len(args) > 1 else args[0])
        except Exception:  # noqa: BLE001 - the other layout is tried
            continue
        outs = out if isinstance(out, list | tuple) else [out]
        errors = []
        for got, ref in zip(outs, expected, strict=False):
            got = np.asarray(got)
            if got.shape != ref.shape and got.ndim == 4:
                got = np.transpose(got, (0, 3, 1, 2))
            errors.append(float(np.abs(got - ref).max()) if got.shape == ref.shape else float("inf"))
        worst = max(errors) if errors else float("inf")
        best = worst if best is None else min(best, worst)
    return best


def main() -> int:
    import numpy as np
    import onnx2tf

    model_path, io_path, out_dir = sys.argv[1:4]
    data = np.load(io_path)
    inputs = [data[k] for k in data.files if k.startswith("in_")]
    expected = [data[k] for k in data.files if k.startswith("out_")]
    started, cpu = time.perf_counter(), time.process_time()
    try:
        model = onnx2tf.convert(input_onnx_file_path=model_path, output_folder_path=out_dir, non_verbose=True,
                                overwrite_input_shape=[f"{k[3:]}:{','.join(map(str, data[k].shape))}"
                                                       for k in data.files if k.startswith("in_")])
    except Exception as err:  # noqa: BLE001 - reported as a failed conversion
        print(json.dumps({"ok": False, "error": f"{type(err).__name__}: {str(err)[:200]}"}))
        return 0
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    error = _best_error(model, inputs, expected)
    print(json.dumps({"ok": True, "seconds": seconds, "cpu_seconds": cpu_seconds, "max_abs_error": error}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
