"""Zoo benchmark: conversion time of mstool convert against onnx2tf on the same ONNX models.

Each engine runs in its own warm process through benchmarks/runner.py (TensorFlow and the
converter imported once, a warm-up conversion first): mstool from .venv, onnx2tf from its bench
venv (its own TensorFlow), interleaved with repeats. The timed call is one conversion of the
model into a fresh folder (mstool: ``convert_onnx`` writing model.py and the weights, without
its verification; onnx2tf: ``onnx2tf.convert`` with its default outputs). The outputs check
runs each converted model on the stored input and compares the first output with the other
engine's (and both errors against onnxruntime are recorded).

Models: ../shared/data/convert and ../shared/data/convert_zoo (the zoo's ResNet-50s are 1/4
wide), plus benchmarks/convert/zoo/ built by build_zoo.py, which holds the full-width
ResNet-50 (keras_resnet50) where it has been built. Run:

    .venv/bin/python benchmarks/convert/zoo.py --onnx2tf-python /work/bench-convert/bin/python [NAME ...]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = [ROOT.parent / "shared" / "data" / "convert", ROOT.parent / "shared" / "data" / "convert_zoo"]
DEFAULT_MODELS = [
    "keras_resnet50",
    "tf_resnet50v2",
    "keras_mobilenetv2",
    "tf_mobilenetv3small",
    "tf_densenet121",
]
QUICK_MODELS = ["tf_mobilenetv3small"]


def models() -> dict[str, tuple[Path, Path]]:
    """name -> (model.onnx, its .io.npz with stored inputs and onnxruntime outputs)."""
    found = {}
    for folder in (*SHARED, HERE / "zoo"):
        for onnx_path in sorted(folder.glob("*.onnx")):
            io = onnx_path.with_suffix(".io.npz")
            if io.exists():
                found[onnx_path.stem] = (onnx_path, io)
    return found


def stored_io(io_path: str) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """The batch-1 inputs (by ONNX input name) and the onnxruntime outputs stored beside a model."""
    with np.load(io_path) as data:
        inputs = {k[3:]: data[k] for k in data.files if k.startswith("in_")}
        outputs = [data[k] for k in data.files if k.startswith("out_")]
    return inputs, outputs


def output_digest(first_output: np.ndarray, reference: list[np.ndarray], error: float) -> dict:
    """The first output's leading values and sum (to compare engines) and the error against onnxruntime."""
    flat = np.asarray(first_output, np.float64).ravel()
    return {
        "first_values": flat[:16],
        "sum": float(flat.sum()),
        "size": int(flat.size),
        "max_abs_error_vs_onnxruntime": error,
    }


def mstool_engine(name: str, model: str, io: str, work_dir: str):
    """Runner factory: ``convert_onnx`` into a fresh folder per call (no verification inside the clock)."""
    from mstool.toolkit.convert import load_converted
    from mstool.toolkit.convert.pipeline import convert_onnx

    inputs, expected = stored_io(io)
    shapes = [f"{k}={','.join(map(str, v.shape))}" for k, v in inputs.items()]
    out = Path(work_dir) / f"{name}-mstool"

    def digest():
        model_out = load_converted(out)(
            list(inputs.values()) if len(inputs) > 1 else next(iter(inputs.values()))
        )
        outs = model_out if isinstance(model_out, list | tuple) else [model_out]
        got = np.asarray(outs[0])
        return output_digest(got, expected, float(np.abs(got - expected[0]).max()))

    def run():
        convert_onnx(model, out, input_shapes=shapes, verify=False, overwrite=True)
        return digest

    return {
        "run": run,
        "settings": {"verify": False, "input_shapes": shapes},
        "before": lambda: shutil.rmtree(out, ignore_errors=True),
    }


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"models (default {' '.join(DEFAULT_MODELS)})")
    parser.add_argument("--threads", type=int, default=2, help="TensorFlow threads of every engine")
    parser.add_argument("--onnx2tf-python", default="/work/bench-convert/bin/python")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="absolute tolerance between engines")
    args = runner.parse_args(parser=parser)
    available = models()
    wanted = args.names or (QUICK_MODELS if args.quick else DEFAULT_MODELS)
    missing = [n for n in wanted if n not in available]
    if missing:
        print(
            f"not found (skipped): {', '.join(missing)}; keras_* models come from build_zoo.py",
            file=sys.stderr,
        )
    env = {"TF_CPP_MIN_LOG_LEVEL": "3"}
    engines = [
        runner.Engine(
            "mstool",
            f"{HERE / 'zoo.py'}:mstool_engine",
            threads=args.threads,
            env=env,
            packages=("mstool", "tensorflow-cpu", "keras", "onnx"),
        ),
        runner.Engine(
            "onnx2tf",
            f"{HERE / 'onnx2tf_runner.py'}:onnx2tf_engine",
            python=args.onnx2tf_python,
            threads=args.threads,
            env=env,
            packages=("onnx2tf", "tensorflow", "onnx"),
        ),
    ]
    with tempfile.TemporaryDirectory() as work_dir:
        cases = [
            runner.Case(
                n,
                {"name": n, "model": str(available[n][0]), "io": str(available[n][1]), "work_dir": work_dir},
                units=1,
                unit_name="conversions",
            )
            for n in wanted
            if n in available
        ]
        runner.run(
            "convert",
            "zoo",
            engines,
            cases,
            args=args,
            rtol=1e-3,
            atol=args.tolerance,
            reference="mstool",
            params={"threads": args.threads, "models": wanted},
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
