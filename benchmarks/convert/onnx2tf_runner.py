"""onnx2tf as a benchmarks/runner.py engine: one conversion per timed call, run inside its bench venv.

The bench venv (/work/bench-convert: onnx2tf with its own TensorFlow) runs this file as a
runner worker; zoo.py names ``onnx2tf_engine`` as the factory.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _onnx_layout_output(model, inputs, expected):  # noqa: ANN001, ANN202
    """The first output in the ONNX layout, trying the inputs as given and NCHW -> NHWC
    (onnx2tf moves channels last); the candidate closest to onnxruntime wins."""
    import numpy as np

    best = None
    for transpose in (False, True):
        args = [np.transpose(x, (0, 2, 3, 1)) if transpose and x.ndim == 4 else x for x in inputs]
        try:
            out = model(args if len(args) > 1 else args[0])
        except Exception:  # noqa: BLE001 - the other layout is tried
            continue
        got = np.asarray(out[0] if isinstance(out, list | tuple) else out)
        if got.shape != expected.shape and got.ndim == 4:
            got = np.transpose(got, (0, 3, 1, 2))
        error = float(np.abs(got - expected).max()) if got.shape == expected.shape else float("inf")
        if best is None or error < best[1]:
            best = (got, error)
    return best


def onnx2tf_engine(name: str, model: str, io: str, work_dir: str):
    """Runner factory: ``onnx2tf.convert`` into a fresh folder per call."""
    import numpy as np
    import onnx2tf

    with np.load(io) as data:
        inputs = [data[k] for k in data.files if k.startswith("in_")]
        expected = [data[k] for k in data.files if k.startswith("out_")]
        shapes = [f"{k[3:]}:{','.join(map(str, data[k].shape))}" for k in data.files if k.startswith("in_")]
    out = Path(work_dir) / f"{name}-onnx2tf"
    converted = {}

    def digest():
        got, error = _onnx_layout_output(converted["model"], inputs, expected[0])
        flat = np.asarray(got, np.float64).ravel()
        return {
            "first_values": flat[:16],
            "sum": float(flat.sum()),
            "size": int(flat.size),
            "max_abs_error_vs_onnxruntime": error,
        }

    def run():
        converted["model"] = onnx2tf.convert(
            input_onnx_file_path=model,
            output_folder_path=str(out),
            non_verbose=True,
            overwrite_input_shape=shapes,
        )
        return digest

    return {
        "run": run,
        "settings": {"overwrite_input_shape": shapes, "outputs": "onnx2tf defaults"},
        "before": lambda: shutil.rmtree(out, ignore_errors=True),
    }
