"""TensorFlow side: Keras model files to ONNX, and frozen GraphDefs / SavedModels to ONNX, via tf2onnx.

Keras -> ONNX is verified like the other direction: onnxruntime against Keras on the same inputs.
"""

from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path
from typing import Any

import numpy as np

from mstool.toolkit.convert import report as reports
from mstool.toolkit.convert.output_folder import staged_output
from mstool.toolkit.convert.verify import compare
from mstool.toolkit.errors import InputError

OPSET = 17


def load_keras_file(path: Path) -> Any:
    """A Keras model from ``.keras`` or ``.h5``; one-line errors for anything else."""
    import keras

    if not path.exists():
        raise InputError("file not found", where=str(path))
    try:
        return keras.models.load_model(str(path), compile=False, safe_mode=True)  # refuses Lambda code
    except Exception as err:  # noqa: BLE001 - Keras raises many types for a bad file
        first = " ".join(str(err).split())[:200]
        raise InputError(f"not a loadable Keras model ({type(err).__name__}: {first})",
                         where=str(path)) from None


def _random_inputs(model: Any, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    feeds = []
    for tensor in model.inputs:
        shape = [(1 if axis == 0 else 16) if d is None else int(d) for axis, d in enumerate(tensor.shape)]
        dtype = np.dtype(str(tensor.dtype))
        if np.issubdtype(dtype, np.floating):
            feeds.append(rng.standard_normal(shape).astype(dtype))
        else:
            feeds.append(rng.integers(0, 2, shape).astype(dtype))
    return feeds


def _verify_export(model: Any, onnx_path: Path, names: list[str], seed: int, atol: float,
                   rtol: float) -> dict[str, Any]:
    import onnxruntime as ort

    feeds = _random_inputs(model, seed)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    out_names = [o.name for o in session.get_outputs()]
    ran = session.run(None, dict(zip(names, feeds, strict=True)))
    onnx_out = dict(zip(out_names, ran, strict=True))
    keras_out = model(feeds[0] if len(feeds) == 1 else feeds, training=False)
    keras_out = keras_out if isinstance(keras_out, list | tuple) else [keras_out]
    reference = {n: np.asarray(v) for n, v in zip(out_names, keras_out, strict=True)}
    rows = compare(reference, onnx_out, atol, rtol)
    return {"inputs": f"random (seed {seed})", "atol": atol, "rtol": rtol, "reference": "keras",
            "passed": all(r["passed"] for r in rows), "outputs": rows,
            "max_abs_error": {r["name"]: r["max_abs_error"] for r in rows}}


def _export_report(path: Path, model: Any, names: list[str], proto: Any) -> dict[str, Any]:
    ops, counts = np.unique([n.op_type for n in proto.graph.node], return_counts=True)
    inputs = [{"name": n, "shape": [None if d is None else int(d) for d in t.shape], "dtype": str(t.dtype)}
              for n, t in zip(names, model.inputs, strict=True)]
    return {"source": str(path), "direction": "keras -> onnx", "opset": OPSET, "nodes": len(proto.graph.node),
            "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), "inputs": inputs,
            "op_mapping": [{"onnx_op": str(op), "keras": "tf2onnx", "count": int(c)}
                           for op, c in zip(ops, counts, strict=True)],
            "unconverted": [], "dynamic_dims": [], "layout": "as the Keras model"}


def _input_names(model: Any) -> list[str]:
    """The Keras input names (a converted model keeps its ONNX input names), made unique."""
    names = []
    for i, tensor in enumerate(model.inputs):
        name = getattr(tensor, "name", "") or f"input_{i}"
        names.append(name if name not in names else f"{name}_{i}")
    return names


def keras_to_onnx(path: str | Path, out_dir: str | Path, *, verify: bool = True, seed: int = 0,
                  atol: float = 1e-4, rtol: float = 1e-3,
                  overwrite: bool = False) -> reports.OnnxExportReport:
    """Export a Keras model (a ``.keras``/``.h5`` file, or a convert output folder) to
    ``out_dir/model.onnx`` with tf2onnx and check it with onnxruntime.

    Dynamic (None) dims stay dynamic in the ONNX model. A convert output folder whose source
    ONNX model is still there is checked against that original at both verification shapes
    (a round trip); anything else against Keras itself.
    """
    import tensorflow as tf
    import tf2onnx

    from mstool.toolkit.convert.artifact import is_converted_folder, load_converted, original_onnx

    started = time.perf_counter()
    path, out_dir = Path(path), Path(out_dir)
    converted = is_converted_folder(path) or path.suffix.lower() == ".keras" and path.parent.joinpath(
        "report.json").is_file()
    model = load_converted(path) if is_converted_folder(path) else load_keras_file(path)
    original = original_onnx(path if path.is_dir() else path.parent) if converted else None
    with staged_output(out_dir, overwrite) as tmp:
        names = _input_names(model)
        spec = tuple(tf.TensorSpec(t.shape, t.dtype, name=n)
                     for t, n in zip(model.inputs, names, strict=True))
        proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=OPSET)
        (tmp / "model.onnx").write_bytes(proto.SerializeToString())
        report = _export_report(path, model, names, proto)
        report["conversion_seconds"] = round(time.perf_counter() - started, 3)
        verification = None
        if verify and original is not None:
            verification = _verify_round_trip(original, tmp / "model.onnx", seed, atol, rtol)
        elif verify:
            verification = _verify_export(model, tmp / "model.onnx", names, seed, atol, rtol)
        report["verification"] = verification
        report["status"] = "mismatch" if verification and not verification["passed"] else "ok"
        report["files"] = ["model.onnx", "report.md", "report.json"]
        (tmp / "report.json").write_text(reports.to_json(report))
        (tmp / "report.md").write_text(reports.render_markdown(report))
    report["output"] = str(out_dir)
    return reports.OnnxExportReport.from_dict(report)


def _verify_round_trip(original: Path, exported: Path, seed: int, atol: float, rtol: float) -> dict[str, Any]:
    """onnxruntime on the original ONNX model and on the exported one, same inputs, both shapes."""
    import onnxruntime as ort

    from mstool.toolkit.convert.loader import load_onnx
    from mstool.toolkit.convert.verify import has_dynamic_dims, make_inputs

    loaded = load_onnx(original)
    reference_session = ort.InferenceSession(str(original), providers=["CPUExecutionProvider"])
    session = ort.InferenceSession(str(exported), providers=["CPUExecutionProvider"])
    rows = []
    for case in ["exported", "second"] if has_dynamic_dims(loaded) else ["exported"]:
        feeds = make_inputs(loaded, seed, None, case)
        reference_names = [o.name for o in reference_session.get_outputs()]
        reference = dict(zip(reference_names, reference_session.run(None, feeds), strict=True))
        ordered = list(feeds.values())
        ran = session.run(None, {i.name: ordered[k] for k, i in enumerate(session.get_inputs())})
        got = dict(zip(reference_names, ran, strict=True))
        rows += [{**row, "case": case} for row in compare(reference, got, atol, rtol)]
    worst: dict[str, Any] = {}
    for row in rows:
        worst[row["name"]] = max(worst.get(row["name"], 0.0), row["max_abs_error"] or 0.0)
    return {"inputs": f"random in the model's input range (seed {seed})", "atol": atol, "rtol": rtol,
            "reference": f"onnxruntime on the original {original}", "passed": all(r["passed"] for r in rows),
            "outputs": rows, "max_abs_error": worst}


def _graph_io(graph_def: Any) -> tuple[list[str], list[str]]:
    consumed = {i.split(":")[0].lstrip("^") for node in graph_def.node for i in node.input}
    inputs = [n.name + ":0" for n in graph_def.node if n.op == "Placeholder"]
    skip = {"Const", "NoOp", "Placeholder", "Assert"}
    outputs = [n.name + ":0" for n in graph_def.node if n.name not in consumed and n.op not in skip]
    return inputs, outputs


UNTRUSTED_GRAPH = ("a TensorFlow graph is a program, not data: loading it can run arbitrary ops (such as "
                   "file writes); pass --trust-model only for a model from a source you trust")


def tensorflow_to_onnx(path: str | Path, *, trusted: bool = False) -> Any:
    """An ONNX ``ModelProto`` from a frozen GraphDef ``.pb`` or a SavedModel folder (tf2onnx).

    TensorFlow graphs can hold ops that touch files or run code, so the caller must say the
    model is ``trusted``.

    >>> tensorflow_to_onnx("net.pb")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    InputError: net.pb: a TensorFlow graph is a program, not data: ...
    """
    path = Path(path)
    if path.is_dir() and not any((path / n).is_file() for n in ("saved_model.pb", "saved_model.pbtxt")):
        raise InputError("a folder without saved_model.pb is not a TensorFlow SavedModel", where=str(path))
    if not trusted:
        raise InputError(UNTRUSTED_GRAPH, where=str(path))
    import tensorflow as tf
    import tf2onnx
    from tf2onnx import tf_loader

    tf.get_logger().setLevel("ERROR")
    try:
        if path.is_dir():
            graph_def, inputs, outputs = tf_loader.from_saved_model(str(path), None, None)
        else:
            graph_def = tf.compat.v1.GraphDef()
            graph_def.ParseFromString(path.read_bytes())
            inputs, outputs = _graph_io(graph_def)
            if not inputs or not outputs:
                raise ValueError("no Placeholder inputs or no unconsumed outputs in the graph")
    except Exception as err:  # noqa: BLE001 - protobuf and TF raise many types
        kind = "SavedModel" if path.is_dir() else "frozen GraphDef (.pb)"
        raise InputError(f"not a readable TensorFlow {kind}: {' '.join(str(err).split())[:200]}",
                         where=str(path)) from None
    try:
        proto, _ = tf2onnx.convert.from_graph_def(graph_def, input_names=inputs, output_names=outputs,
                                                  opset=OPSET)
    except Exception as err:  # noqa: BLE001
        raise InputError(f"tf2onnx could not convert the graph: {' '.join(str(err).split())[:200]}",
                         where=str(path)) from None
    return proto
