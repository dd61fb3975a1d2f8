"""Write an audit's report: report.json, report.md, a self-contained report.html (inline SVG
plots, example images as base64 PNG) and the ``audit-report`` HDF5 artifact.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np

from mstool.schemas.audit import AuditReport, AuditReportMeta, ResultRow
from mstool.toolkit.io import atomic_write_text, write_artifact

COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def _fmt(value: float | None, digits: int = 3) -> str:
    return (
        "-"
        if value is None
        else f"{value:.{digits}g}"
        if abs(value) >= 1e-3 or value == 0
        else f"{value:.2e}"
    )


def _budget(row: ResultRow) -> str:
    if row.kind == "perturbation":
        return f"severity {int(row.budget)}"
    return "unbounded" if row.budget is None else f"{row.norm} {row.budget:g}"


TABLE_COLUMNS = ("method", "budget", "accuracy", "success", "mean L2", "mean Linf", "queries", "seconds")


def table_rows(report: AuditReport) -> list[list[str]]:
    """The rows of the human summary table (shared by the terminal, Markdown and HTML)."""
    return [
        [
            r.method,
            _budget(r),
            f"{r.accuracy:.3f}",
            f"{r.success_rate:.3f}",
            _fmt(r.mean_l2),
            _fmt(r.mean_linf),
            str(r.queries),
            f"{r.seconds:.2f}",
        ]
        for r in report.results
    ]


Table = tuple[str, list[str], list[list[str]]]


def _standard_table(st: dict) -> Table:
    rows = [
        [a["attack"], str(a.get("attacked", "-")), str(a.get("fooled", "-")),
         f"{a['robust_accuracy']:.3f}" if "robust_accuracy" in a else a.get("skipped", "")]
        for a in st["attacks"]
    ]
    rows += [
        [f"check: {c['check']}", "", "ok" if c["passed"] else "FAILED", c["detail"]] for c in st["checks"]
    ]
    title = (f"Standard evaluation ({st['norm']} eps {st['eps']:g}): robust accuracy "
             f"{st['robust_accuracy']:.3f}, clean {st['clean_accuracy']:.3f}")
    return title, ["attack", "attacked", "fooled", "robust accuracy after"], rows


def _hardening_table(h: dict) -> Table:
    rows = [["clean", "-", f"{h['before']['clean_accuracy']:.3f}", f"{h['after']['clean_accuracy']:.3f}"]]
    for r in h["rows"]:
        budget = "-" if r["budget"] is None else f"{r['norm']} {r['budget']:g}"
        rows.append([r["method"], budget, f"{r['before']:.3f}", f"{r['after']:.3f}"])
    settings = h["settings"]
    title = (f"Before / after adversarial training ({settings['attack']} eps {settings['eps']:g}, "
             f"{len(h['epochs'])} epochs, {h['training_seconds']:.1f} s): {h['model']}")
    return title, ["method", "budget", "accuracy before", "accuracy after"], rows


def _detection_table(d: dict) -> Table:
    rows = [
        [a["attack"], "-" if a["budget"] is None else f"{a['budget']:g}", str(a["adversarials"]),
         _fmt(a["roc_auc"]), _fmt(a["detection_rate"]), _fmt(a.get("accuracy")),
         _fmt(a.get("guarded_accuracy")), _fmt(a.get("median_l2"))]
        for a in d["attacks"]
    ]
    title = f"Detection: {d['detector']}, false positives {d['false_positive_rate']:.3f}"
    if d.get("guarded_robust_accuracy") is not None:
        title += f", guarded robust accuracy {d['guarded_robust_accuracy']:.3f} (worst case over eps attacks)"
    header = ["attack", "budget", "adversarials", "ROC AUC", "detected", "accuracy", "guarded accuracy",
              "median L2"]
    return title, header, rows


def extra_tables(report: AuditReport) -> list[Table]:
    """(title, header, rows) for the standard evaluation, before/after hardening and detection."""
    tables = []
    if report.standard:
        tables.append(_standard_table(report.standard))
    if report.hardening:
        tables.append(_hardening_table(report.hardening))
    if report.detection:
        tables.append(_detection_table(report.detection))
    return tables


def markdown(report: AuditReport) -> str:
    """The report as Markdown."""
    lines = [
        "# Robustness audit",
        "",
        f"- model: `{report.model}` ({report.model_format}, "
        f"{'white-box' if report.whitebox else 'black-box'})",
        f"- data: `{report.data}`, {report.samples} samples, {report.num_classes} classes, "
        f"input {report.input_shape} in [{report.input_range[0]:g}, {report.input_range[1]:g}]",
        f"- seed: {report.seed}",
        f"- clean accuracy: **{report.clean_accuracy:.3f}**",
        "",
        "| " + " | ".join(TABLE_COLUMNS) + " |",
        "|" + "---|" * len(TABLE_COLUMNS),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(report)]
    for title, header, rows in extra_tables(report):
        lines += ["", f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    s = report.summary
    lines += ["", "## Summary", ""]
    for item in s.strongest_per_budget:
        budget = "unbounded" if item["budget"] is None else f"{item['budget']:g}"
        lines.append(
            f"- strongest at {item['norm']} {budget}: {item['method']}, accuracy {item['accuracy']:.3f}"
        )
    if s.mean_corruption_accuracy is not None:
        lines.append(
            f"- mean corruption accuracy: {s.mean_corruption_accuracy:.3f} "
            f"({s.relative_corruption_accuracy:.3f} of clean)"
        )
    if s.clever:
        lines.append(f"- CLEVER (L2): mean {s.clever['mean']:.4g}, min {s.clever['min']:.4g}")
    for w in report.warnings:
        lines.append(f"- warning: {w}")
    return "\n".join(lines) + "\n"


def svg_chart(
    series: dict[str, list[tuple[float, float]]],
    title: str,
    xlabel: str,
    ylabel: str = "accuracy",
    width: int = 520,
    height: int = 300,
) -> str:
    """A small line chart as inline SVG (y in [0, 1])."""
    left, right, top, bottom = 50, 150, 30, 40
    xs = [x for pts in series.values() for x, _ in pts] or [0.0, 1.0]
    x0, x1 = min(xs), max(xs)
    x1 = x1 if x1 > x0 else x0 + 1

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def py(y: float) -> float:
        return top + (1 - y) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="11">',
        f'<text x="{width / 2 - 60}" y="16" font-weight="bold">{html.escape(title)}</text>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{py(tick)}" y2="{py(tick)}" stroke="#ddd"/>'
            f'<text x="{left - 30}" y="{py(tick) + 4}">{tick:.2f}</text>'
        )
    for tick in np.linspace(x0, x1, 5):
        parts.append(f'<text x="{px(tick) - 10}" y="{height - bottom + 15}">{tick:.3g}</text>')
    parts.append(f'<text x="{(width - right) / 2}" y="{height - 5}">{html.escape(xlabel)}</text>')
    parts.append(f'<text x="5" y="{top - 8}">{html.escape(ylabel)}</text>')
    for i, (name, pts) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(pts))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for x, y in pts:
            parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        parts.append(
            f'<text x="{width - right + 8}" y="{top + 14 * i + 10}" fill="{colour}">'
            f"{html.escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def png_base64(img: np.ndarray, low: float, high: float, size: int = 96) -> str:
    """An (H, W, C) data-space image as a base64 PNG, upscaled with nearest neighbours."""
    from PIL import Image

    u8 = np.round(np.clip((img - low) / (high - low), 0, 1) * 255).astype(np.uint8)
    pil = Image.fromarray(u8[..., 0] if u8.shape[-1] == 1 else u8)
    scale = max(1, size // max(u8.shape[:2]))
    pil = pil.resize((u8.shape[1] * scale, u8.shape[0] * scale), Image.NEAREST)
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _charts(report: AuditReport) -> list[str]:
    charts = []
    by_norm: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for r in report.results:
        if r.kind != "perturbation" and r.budget is not None:
            by_norm.setdefault(r.norm, {}).setdefault(r.method, []).append((r.budget, r.accuracy))
    for norm, series in by_norm.items():
        charts.append(svg_chart(series, f"accuracy vs {norm} epsilon", f"epsilon ({norm})"))
    corr: dict[str, list[tuple[float, float]]] = {}
    for r in report.results:
        if r.kind == "perturbation":
            corr.setdefault(r.method, []).append((r.budget, r.accuracy))
    for i in range(0, len(corr), 8):
        chunk = dict(list(corr.items())[i : i + 8])
        charts.append(svg_chart(chunk, "accuracy per corruption and severity", "severity"))
    return charts


def _examples(
    report: AuditReport,
    x: np.ndarray,
    y: np.ndarray,
    perturbed: list[tuple[np.ndarray, np.ndarray]],
    count: int,
) -> str:
    low, high = report.input_range
    blocks = []
    for row, (x_adv, pred) in zip(report.results, perturbed, strict=True):
        if row.kind == "perturbation" or row.success_rate == 0:
            continue
        changed = np.flatnonzero(pred != y)[:count]
        if not len(changed):
            continue
        cells = "".join(
            f'<figure><img src="data:image/png;base64,{png_base64(x[i], low, high)}"/>'
            f'<img src="data:image/png;base64,{png_base64(x_adv[i], low, high)}"/>'
            f"<figcaption>{int(y[i])} &rarr; {int(pred[i])}</figcaption></figure>"
            for i in changed
        )
        blocks.append(
            f"<h3>{html.escape(row.method)} ({html.escape(_budget(row))})</h3><div class='ex'>{cells}</div>"
        )
        if len(blocks) >= 6:
            break
    return "".join(blocks)


def html_report(
    report: AuditReport,
    x: np.ndarray,
    y: np.ndarray,
    perturbed: list[tuple[np.ndarray, np.ndarray]],
    examples: int,
) -> str:
    """A self-contained HTML page: summary, table, plots and example adversarials."""
    head = "".join(f"<th>{c}</th>" for c in TABLE_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table_rows(report)
    )
    summary = html.escape(markdown(report).split("## Summary", 1)[-1]).replace("\n", "<br>")
    extra = "".join(
        f"<h2>{html.escape(title)}</h2><table><tr>"
        + "".join(f"<th>{html.escape(c)}</th>" for c in header)
        + "</tr>"
        + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        + "</table>"
        for title, header, rows in extra_tables(report)
    )
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:3px 8px;text-align:right}figure{display:inline-block;margin:4px;text-align:center}"
        ".ex img{margin:1px;image-rendering:pixelated}"
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Robustness audit</title>"
        f"<style>{style}</style></head><body><h1>Robustness audit</h1>"
        f"<p>model <code>{html.escape(report.model)}</code>, {report.samples} samples, clean accuracy "
        f"<b>{report.clean_accuracy:.3f}</b></p><h2>Summary</h2><p>{summary}</p>"
        f"{extra}<h2>Results</h2><table><tr>{head}</tr>{body}</table><h2>Plots</h2>{''.join(_charts(report))}"
        f"<h2>Examples (original, perturbed; true &rarr; predicted)</h2>"
        f"{_examples(report, x, y, perturbed, examples)}</body></html>"
    )


def write_artifact_file(
    path: Path,
    report: AuditReport,
    x: np.ndarray,
    y: np.ndarray,
    clean_pred: np.ndarray,
    perturbed: list[tuple[np.ndarray, np.ndarray]],
) -> None:
    """The ``audit-report`` HDF5 artifact holding the samples and every perturbed version."""
    rows = [
        {"index": i, "method": r.method, "budget": r.budget, "norm": r.norm, "accuracy": r.accuracy}
        for i, r in enumerate(report.results)
    ]
    meta = AuditReportMeta(
        samples=len(x),
        num_classes=report.num_classes,
        input_range=report.input_range,
        clean_accuracy=report.clean_accuracy,
        results=rows,
    )
    with write_artifact(path, meta) as art:
        art.h5.create_dataset("x", data=x, compression="gzip")
        art.h5.create_dataset("y", data=y)
        art.h5.create_dataset("clean_pred", data=clean_pred)
        group = art.h5.create_group("adversarial")
        for i, (x_adv, pred) in enumerate(perturbed):
            sub = group.create_group(str(i))
            sub.create_dataset("x", data=x_adv, compression="gzip")
            sub.create_dataset("pred", data=pred)


def write_reports(
    out_dir: Path,
    report: AuditReport,
    x: np.ndarray,
    y: np.ndarray,
    clean_pred: np.ndarray,
    perturbed: list[tuple[np.ndarray, np.ndarray]],
    examples: int = 6,
    save_adversarials: bool = True,
) -> dict[str, str]:
    """Write every report file into ``out_dir``; returns their paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "json": out_dir / "report.json",
        "markdown": out_dir / "report.md",
        "html": out_dir / "report.html",
    }
    atomic_write_text(files["json"], json.dumps(report.model_dump(mode="json"), indent=2) + "\n")
    atomic_write_text(files["markdown"], markdown(report))
    atomic_write_text(files["html"], html_report(report, x, y, perturbed, examples))
    if save_adversarials:
        files["artifact"] = out_dir / "audit-report.h5"
        write_artifact_file(files["artifact"], report, x, y, clean_pred, perturbed)
    return {k: str(v) for k, v in files.items()}
