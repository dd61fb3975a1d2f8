"""Options shared by subcommands, so every command spells them the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mstool.cli.context import settings

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a recipe field: --set path.to.field=value (repeatable)."),
]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Random seed (same seed, same result).")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Output path.")]
OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace the output if it exists.")
]


def _resolved_device(value: str) -> str:
    """Every ``--device`` is checked (and ``auto`` resolved) by one rule, so the error is the same."""
    from mstool.toolkit.backend import resolve_device

    return resolve_device(value, where="--device")


DeviceOption = Annotated[
    str,
    typer.Option("--device", callback=_resolved_device,
                 help="cpu, cuda or auto (cuda when a GPU is present)."),
]


def apply_local_json(json_output: bool) -> None:
    """A subcommand's own ``--json`` flag means the same as the root one."""
    if json_output:
        settings.json = True
