"""Every zoo model converted once, then run at both stored shapes (batch 1 and the ``b3_`` case).

Prints model, converted, max error at each shape against the stored onnxruntime outputs (errors
on outputs above 10 in magnitude are relative, scaled by 0.1 so that 1e-4 is the bar for both),
conversion seconds, and with ``--keras`` whether ``model.keras`` saved from it loads in a fresh
Python where mstool cannot be imported and gives the same second-shape outputs.
Run: .venv/bin/python benchmarks/convert/zoo_dynamic.py [--keras] [NAME ...]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = [ROOT.parent / "shared" / "data" / "convert_zoo", ROOT.parent / "shared" / "data" / "convert"]


def relative_error(got: np.ndarray, want: np.ndarray) -> float:
    """Max abs error, scaled down by the output's magnitude when that is above 10."""
    error = float(np.abs(got.astype(np.float64) - want).max()) if want.size else 0.0
    scale = float(np.abs(want).max()) if want.size else 0.0
    return error / scale * 0.1 if scale > 10 else error


def second_case(path: Path) -> dict[str, np.ndarray]:
    """``b3_`` inputs and onnxruntime outputs for a model whose npz has only the batch-1 case."""
    import onnxruntime as ort

    from mstool.toolkit.convert.loader import load_onnx
    from mstool.toolkit.convert.verify import make_inputs

    feeds = make_inputs(load_onnx(str(path)), 0, None, "second")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = dict(zip(names, session.run(None, feeds), strict=True))
    return {**{f"b3_in_{k}": v for k, v in feeds.items()}, **{f"b3_out_{k}": v for k, v in outputs.items()}}


FRESH = ("import sys; sys.modules['mstool'] = None; import keras, numpy as np; "
         "m = keras.saving.load_model(sys.argv[1]); d = np.load(sys.argv[2]); "
         "out = m([d[n.name] for n in m.inputs] if len(m.inputs) > 1 else d[m.inputs[0].name]); "
         "out = out if isinstance(out, (list, tuple)) else [out]; "
         "np.savez(sys.argv[3], **{n: np.asarray(o) for n, o in zip(m.output_names, out)})")


def keras_round_trip(model, feeds: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> float:
    """Save ``model.keras``, load it in a fresh Python without mstool, run; max abs difference."""
    with tempfile.TemporaryDirectory() as tmp:
        model.save(f"{tmp}/model.keras")
        np.savez(f"{tmp}/in.npz", **feeds)
        env = {"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}
        subprocess.run([sys.executable, "-c", FRESH, f"{tmp}/model.keras", f"{tmp}/in.npz", f"{tmp}/out.npz"],
                       check=True, capture_output=True, env=env, cwd=tmp)
        got = np.load(f"{tmp}/out.npz")
        return max(float(np.abs(got[k] - v).max()) for k, v in expected.items())


def check(path: Path, keras_file: bool = False) -> dict:
    from mstool.toolkit.convert import onnx_to_keras_model

    io = np.load(path.with_suffix(".io.npz"))
    started = time.perf_counter()
    try:
        model = onnx_to_keras_model(str(path))
    except Exception as err:  # noqa: BLE001 - report and go on to the next model
        return {"model": path.stem, "converted": False, "error": " ".join(str(err).split())[:300]}
    seconds = time.perf_counter() - started
    row = {"model": path.stem, "converted": True, "seconds": round(seconds, 1)}
    names = [n[len("out_"):] for n in io.files if n.startswith("out_")]
    inputs = [n[len("in_"):] for n in io.files if n.startswith("in_")]
    order = [i.name for i in model.inputs]
    references = {k: io[k] for k in io.files}
    if not any(k.startswith("b3_") for k in references):
        references.update(second_case(path))
    for prefix, label in (("", "batch1"), ("b3_", "second")):
        try:
            by_name = {n: references[f"{prefix}in_{n}"] for n in inputs}
            feeds = [by_name[n] if n in by_name else list(by_name.values())[k] for k, n in enumerate(order)]
            got = model(feeds[0] if len(feeds) == 1 else feeds)
            got = got if isinstance(got, list | tuple) else [got]
            out_names = list(model.output_names)
            errors = []
            for k, name in enumerate(names):
                key = name if name in out_names else out_names[k]
                want = references[f"{prefix}out_{name}"]
                errors.append(relative_error(np.asarray(got[out_names.index(key)]), want))
            row[label] = max(errors)
        except Exception as err:  # noqa: BLE001
            row[label] = "FAIL " + " ".join(str(err).split())[:200]
    if keras_file:
        try:
            feeds_b3 = {n: references[f"b3_in_{n}"] for n in inputs}
            got = model([feeds_b3[n] for n in order] if len(order) > 1 else feeds_b3[order[0]])
            got = got if isinstance(got, list | tuple) else [got]
            expected = {n: np.asarray(g) for n, g in zip(model.output_names, got, strict=True)}
            row["keras_file"] = keras_round_trip(model, feeds_b3, expected)
        except Exception as err:  # noqa: BLE001
            row["keras_file"] = "FAIL " + " ".join(str(err).split())[-200:]
    return row


def main(args: list[str]) -> None:
    keras_file = "--keras" in args
    names = [a for a in args if not a.startswith("--")]
    paths = sorted(p for folder in FOLDERS for p in folder.glob("*.onnx"))
    if names:
        paths = [p for p in paths if p.stem in names]
    for path in paths:
        row = check(path, keras_file)
        print(row, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
