"""Options shared by subcommands, so every command spells them the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Output file (one file, not a folder).")
]
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


def recipe_overrides(options: dict[str, Any], sets: list[str] | None) -> list[str | tuple[str, Any]]:
    """A command's own options as typed recipe overrides, then its ``--set`` texts (which win).

    ``options`` maps a dotted recipe key to the option's value; None means "not given".
    Values stay typed (no YAML text is built, so a path with a quote stays that path), and a
    ``Path`` (given on the command line, so relative to the working directory) becomes absolute.

    >>> recipe_overrides({"seed": 3, "data.path": None, "name": "it's"}, ["steps=5"])
    [('seed', 3), ('name', "it's"), 'steps=5']
    """
    typed: list[str | tuple[str, Any]] = []
    for key, value in options.items():
        if value is None:
            continue
        typed.append((key, str(value.expanduser().resolve()) if isinstance(value, Path) else value))
    return typed + list(sets or [])


SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", metavar="ADDRESS",
                 help="Run the tasks on this Dask scheduler (tcp://host:8786; also $MSTOOL_SCHEDULER). "
                      "Needs mstool[dask] and a folder every worker sees."),
]
ProcessesOption = Annotated[
    int | None,
    typer.Option("--processes", min=1, metavar="N",
                 help="Run the tasks on a local Dask cluster of N worker processes (needs mstool[dask])."),
]

