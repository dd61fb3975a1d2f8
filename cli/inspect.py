"""``mstool inspect FILE``: what is in an artifact, an ONNX model or a recipe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mstool.cli.options import JsonOption, apply_local_json
from mstool.cli.output import emit


def _render(info: dict[str, Any], console: Console) -> None:
    kind = info.get("kind") or info.get("recipe") or info["type"]
    console.print(f"[bold]{info['path']}[/bold]: {info['type']} [cyan]{kind}[/cyan]")
    if info["type"] == "artifact":
        console.print(
            f"schema version {info['schema_version']}, written by mstool {info['mstool_version']}"
        )
        if info.get("being_written_by"):
            writer = info["being_written_by"]
            console.print(f"mstool (pid {writer}) is writing this file: shown as it is on disk now")
        console.print_json(json.dumps(info["meta"]))
        table = Table("dataset", "shape", "dtype", "chunks")
        for ds in info["datasets"]:
            table.add_row(ds["name"], str(tuple(ds["shape"])), ds["dtype"], str(ds["chunks"]))
        console.print(table)
    elif info["type"] == "onnx":
        console.print(f"opsets {info['opsets']}, {info['nodes']} nodes, "
                      f"{info['parameters']:,} parameters, producer {info['producer'] or '?'}")
        table = Table("io", "name", "shape", "dtype")
        for direction in ("inputs", "outputs"):
            for item in info[direction]:
                table.add_row(direction[:-1], item["name"], str(item["shape"]), item["dtype"])
        console.print(table)
        ops = Table("op", "count")
        for op, count in info["op_histogram"].items():
            ops.add_row(op, str(count))
        console.print(ops)
    else:
        console.print_json(json.dumps(info["values"]))


def inspect_command(
    file: Annotated[Path, typer.Argument(help="An mstool .h5 artifact, an .onnx model or a .yaml recipe.")],
    json_output: JsonOption = False,
) -> None:
    """Print a file's kind, schema, metadata and contents summary.

    Example: mstool inspect out.h5 --json
    """
    from mstool.toolkit.inspect import describe_file

    apply_local_json(json_output)
    info = describe_file(file)
    emit(info, lambda console: _render(info, console))


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect_command)
