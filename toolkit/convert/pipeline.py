"""The whole ONNX -> Keras job: load, convert, write model.py + weights + reports, verify.

The output folder is built in a temp folder beside it and swapped in at the end
(:mod:`mstool.toolkit.convert.output_folder`), so a failed or killed run never leaves a
half-written folder, and ``overwrite`` replaces only a folder mstool wrote.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from pathlib import Path
from typing import Any

from mstool.toolkit.convert import report as reports
from mstool.toolkit.convert.artifact import KERAS_FILE, load_generated_model
from mstool.toolkit.convert.codegen import model_source
from mstool.toolkit.convert.graph import ConvertedGraph, convert_graph
from mstool.toolkit.convert.loader import LoadedModel, load_onnx
from mstool.toolkit.convert.output_folder import check_replaceable, staged_output
from mstool.toolkit.convert.safe_code import check_model_source
from mstool.toolkit.convert.verify import (
    compare,
    has_dynamic_dims,
    keras_outputs,
    make_inputs,
    onnxruntime_outputs,
)


def _layout_note(graph: ConvertedGraph) -> str:
    if not graph.builder.has_spatial_layers:
        return "ONNX layout (no spatial layers)"
    if graph.builder.keep_layout:
        return "ONNX layout kept (channels-first spatial layers)"
    return "channels-last inside; inputs and outputs in the ONNX layout"


def base_report(loaded: LoadedModel, graph: ConvertedGraph) -> dict[str, Any]:
    return {
        "source": loaded.source, "opset": loaded.opset, "nodes": len(loaded.model.graph.node),
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "layout": _layout_note(graph),
        "inputs": [{"name": n, "shape": list(s), "dtype": str(loaded.input_dtypes[n])}
                   for n, s in loaded.input_shapes.items()],
        "dynamic_dims": loaded.dynamic_dims,
        "dynamic_axes_kept": [f"{d['input']}[{d['axis']}] ({d['name']})" for d in loaded.dynamic_dims
                              if d["kept"]],
        "fixed_shape": not has_dynamic_dims(loaded),
        "op_mapping": reports.op_mapping(graph.records),
        "unconverted": [{"name": u.name, "op_type": u.op_type, "reason": u.reason}
                        for u in graph.unconverted],
    }


def convert_onnx(model: str | os.PathLike, out_dir: str | os.PathLike, *,
                 input_shapes: list[str] | None = None,
                 keep_layout: bool = False, verify: bool = True, inputs_npz: str | None = None, seed: int = 0,
                 atol: float = 1e-4, rtol: float = 1e-3, overwrite: bool = False,
                 source_label: str | None = None, keras_file: bool = False) -> reports.ConversionReport:
    """Convert ``model`` (a path or ``onnx.ModelProto``) into ``out_dir`` (model.py,
    model.weights.h5, report.md, report.json; with ``keras_file`` also model.keras, the same
    model as one plain-Keras file that ``keras.saving.load_model`` reads without mstool).

    Returns the report (:class:`~mstool.toolkit.convert.report.ConversionReport`);
    ``report.status`` is ``ok``, ``unconverted`` or ``mismatch``.
    An in-memory model is also saved as ``out_dir/source.onnx``.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    check_replaceable(out_dir, overwrite)  # before the slow part; checked again before the swap
    loaded = load_onnx(model, input_shapes)
    if source_label:
        loaded.source = source_label
    with staged_output(out_dir, overwrite) as tmp:
        if loaded.path is None and loaded.original_bytes is not None:
            (tmp / "source.onnx").write_bytes(loaded.original_bytes)
        graph = convert_graph(loaded, keep_layout)
        report = base_report(loaded, graph)
        files = ["report.md", "report.json"]
        if not graph.unconverted:
            source = model_source(graph.lines, graph.inputs, graph.outputs, Path(loaded.source).name,
                                  loaded.opset, _layout_note(graph))
            check_model_source(source, "")  # no class of its own: plain Keras only
            (tmp / "model.py").write_text(source)
            keras_model = graph.keras_model()
            keras_model.save_weights(str(tmp / "model.weights.h5"))
            files = ["model.py", "model.weights.h5", *files]
            if keras_file:
                keras_model.save(str(tmp / KERAS_FILE))
                files.insert(2, KERAS_FILE)
            report["model_py_lines"] = source.count("\n")
        if (tmp / "source.onnx").exists():
            files.append("source.onnx")
        report["conversion_seconds"] = round(time.perf_counter() - started, 3)
        report["verification"] = None
        if verify and not graph.unconverted:
            report["verification"] = verify_folder(tmp, loaded, inputs_npz, seed, atol, rtol)
        report["status"] = _status(report)
        report["files"] = files
        (tmp / "report.json").write_text(reports.to_json(report))
        (tmp / "report.md").write_text(reports.render_markdown(report))
    report["output"] = str(out_dir)
    return reports.ConversionReport.from_dict(report)


def _status(report: dict[str, Any]) -> str:
    if report["unconverted"]:
        return "unconverted"
    verification = report.get("verification")
    if verification and not verification["passed"]:
        return "mismatch"
    return "ok"


def verify_folder(folder: Path, loaded: LoadedModel, inputs_npz: str | None, seed: int, atol: float,
                  rtol: float) -> dict[str, Any]:
    """Run the written model.py + weights and onnxruntime on the same inputs: at the exported shape
    and, when the model kept a dynamic dim, at a second shape (batch 3, other dynamic dims 11)."""
    model = load_generated_model(folder)
    cases = ["exported", "second"] if has_dynamic_dims(loaded) else ["exported"]
    rows, shapes, skipped = [], {}, {}
    for case in cases:
        feeds = make_inputs(loaded, seed, inputs_npz, case)
        shapes[case] = {n: list(v.shape) for n, v in feeds.items()}
        try:
            reference = onnxruntime_outputs(loaded, feeds)
        except Exception as err:  # noqa: BLE001 - onnxruntime raises its own types for shapes it refuses
            if case == "exported":
                raise
            # The model itself cannot run at this size (a dim it needs fixed, a minimum length).
            skipped[case] = f"onnxruntime refused these inputs: {' '.join(str(err).split())[:200]}"
            continue
        converted = keras_outputs(model, loaded, feeds, list(reference))
        rows += [{**row, "case": case} for row in compare(reference, converted, atol, rtol)]
    worst: dict[str, float | None] = {}
    for row in rows:
        error = row["max_abs_error"]
        previous = worst.get(row["name"], 0.0)
        worst[row["name"]] = None if error is None or previous is None else max(previous, error)
    return {"inputs": str(inputs_npz) if inputs_npz else f"random in the model's input range (seed {seed})",
            "atol": atol, "rtol": rtol, "tolerance": "abs <= atol * max(1, max|output|) + rtol * |output|",
            "cases": shapes, "skipped_cases": skipped, "passed": all(r["passed"] for r in rows),
            "outputs": rows, "max_abs_error": worst}
