"""report.json and report.md: op mapping, unconverted nodes, dynamic dims, verification."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mstool.toolkit.records import Record, optional


@dataclass(frozen=True)
class ConversionReport(Record):
    """What :func:`~mstool.toolkit.convert.pipeline.convert_onnx` did; ``to_dict()`` less ``output``
    is report.json. ``status`` is ``ok``, ``unconverted`` or ``mismatch``; ``model_py_lines`` only
    when a model.py was written; ``verification`` None when not run."""

    source: str
    opset: int
    nodes: int
    date: str
    layout: str
    inputs: list[dict[str, Any]]
    dynamic_dims: list[dict[str, Any]]
    dynamic_axes_kept: list[str]
    fixed_shape: bool
    op_mapping: list[dict[str, Any]]
    unconverted: list[dict[str, Any]]
    model_py_lines: int | None = optional()
    conversion_seconds: float = 0.0
    verification: dict[str, Any] | None = None
    status: str = "ok"
    files: list[str] = field(default_factory=list)
    output: str = ""


@dataclass(frozen=True)
class OnnxExportReport(Record):
    """What :func:`~mstool.toolkit.convert.tensorflow_io.keras_to_onnx` did (``--to onnx``);
    ``to_dict()`` less ``output`` is report.json."""

    source: str
    direction: str
    opset: int
    nodes: int
    date: str
    inputs: list[dict[str, Any]]
    op_mapping: list[dict[str, Any]]
    unconverted: list[dict[str, Any]]
    dynamic_dims: list[dict[str, Any]]
    layout: str
    conversion_seconds: float
    verification: dict[str, Any] | None
    status: str
    files: list[str]
    output: str


def op_mapping(records: list[Any]) -> list[dict[str, Any]]:
    """One row per (ONNX op, Keras construct) with a node count."""
    counts = Counter((r.op_type, r.keras) for r in records)
    return [{"onnx_op": op, "keras": keras, "count": n} for (op, keras), n in sorted(counts.items())]


def render_markdown(report: dict[str, Any]) -> str:
    """A human-readable report.md."""
    lines = [f"# Conversion report: {_md(report['source'])}", "",
             f"- ONNX opset {report['opset']}, {report['nodes']} nodes; converted {report['date']}",
             f"- layout: {report['layout']}",
             f"- status: **{report['status']}**", ""]
    lines += ["## Inputs", "", "| input | shape | dtype |", "|---|---|---|"]
    lines += [f"| {_md(i['name'])} | {i['shape']} | {i['dtype']} |" for i in report["inputs"]]
    if report["dynamic_dims"]:
        lines += ["", "Dynamic dims:", ""]
        lines += [f"- {_md(d['input'])} dim {d['axis']} ({_md(d['name'])}): " +
                  ("kept dynamic (None in the Keras model)" if d.get("kept") else
                   f"fixed to {d['value']} by --input-shape")
                  for d in report["dynamic_dims"]]
    if report.get("fixed_shape") is not None:
        lines += ["", f"- shape: {'fixed' if report['fixed_shape'] else 'dynamic axes kept'}"]
    lines += ["", "## Op mapping", "", "| ONNX op | Keras | nodes |", "|---|---|---|"]
    lines += [f"| {_md(r['onnx_op'])} | {r['keras']} | {r['count']} |" for r in report["op_mapping"]]
    lines += ["", "## Unconverted nodes", ""]
    if report["unconverted"]:
        lines += ["| node | op | reason |", "|---|---|---|"]
        lines += [f"| {_md(u['name'])} | {_md(u['op_type'])} | {_md(u['reason'])} |"
                  for u in report["unconverted"]]
    else:
        lines.append("None.")
    lines += ["", "## Verification", ""]
    verification = report.get("verification")
    if not verification:
        lines.append("Not run.")
    else:
        lines.append(f"onnxruntime vs the generated Keras model, inputs: {_md(verification['inputs'])}, "
                     f"atol {verification['atol']}, rtol {verification['rtol']}.")
        if verification.get("tolerance"):
            lines.append(f"Tolerance: {verification['tolerance']}.")
        for case, reason in (verification.get("skipped_cases") or {}).items():
            lines.append(f"Case {case} not run: {_md(reason)}.")
        lines += ["", "| output | case | shape | max abs error | max rel error | passed |",
                  "|---|---|---|---|---|---|"]
        for row in verification["outputs"]:
            lines.append(f"| {_md(row['name'])} | {row.get('case', 'exported')} | {row['shape']} | "
                         f"{_num(row['max_abs_error'])} | "
                         f"{_num(row['max_rel_error'])} | {'yes' if row['passed'] else 'NO'} |")
    return "\n".join(lines) + "\n"


_MARKDOWN_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "<": "&lt;", ">": "&gt;", "`": "'"})


def _md(value: Any) -> str:
    """Text from the model as one line of Markdown table text: no line breaks, no table or HTML syntax.

    >>> _md("a|b\\n<script>")
    'a\\\\|b &lt;script&gt;'
    """
    text = " ".join(str(value).split())
    return text.translate(_MARKDOWN_ESCAPES)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, default=str) + "\n"
