"""Rendering helpers: JSON on stdout, tables and logs on stderr, progress bars.

Commands call :func:`emit` with a JSON-able result and a function that renders
it for people; ``--json`` picks the first, otherwise the second.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from mstool.cli.context import settings


def stdout_console() -> Console:
    return Console(file=sys.stdout, soft_wrap=True)


def stderr_console() -> Console:
    return Console(file=sys.stderr, soft_wrap=True)


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _to_jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else (1e308 if value > 0 else -1e308)
    if hasattr(value, "model_dump"):
        return _to_jsonable(value.model_dump(mode="json"))
    if hasattr(value, "__fspath__"):
        return str(value)
    return value


def to_json(data: Any) -> str:
    """One JSON document (numpy values converted, NaN as null).

    >>> to_json({"a": np.float64(1.5)})
    '{"a": 1.5}'
    """
    return json.dumps(_to_jsonable(data))


def emit(data: dict[str, Any], human: Callable[[Console], None] | None = None) -> None:
    """Print a command's result: JSON with ``--json``, else ``human(console)``."""
    if settings.json:
        sys.stdout.write(to_json(data) + "\n")
        sys.stdout.flush()
        return
    console = stdout_console()
    if human is not None:
        human(console)
    else:
        console.print(key_value_table(data))


def key_value_table(data: dict[str, Any], title: str | None = None) -> Table:
    """A two-column table of a flat result dict."""
    table = Table(title=title, show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value")
    for key, value in data.items():
        table.add_row(str(key), str(value))
    return table


def log(message: str) -> None:
    """A line of progress information on stderr (silent with ``--quiet``)."""
    if not settings.quiet:
        stderr_console().print(message, highlight=False)


def warn(message: str) -> None:
    """A warning on stderr; shown even with ``--quiet``."""
    stderr_console().print(f"[yellow]warning:[/yellow] {message}", highlight=False)


def show_progress() -> bool:
    """Progress bars only for a person: not with ``--quiet`` or a non-terminal stderr."""
    return not settings.quiet and sys.stderr.isatty()


@contextmanager
def progress_bar(description: str, total: float | None) -> Iterator[Callable[..., None]]:
    """A rich progress bar on stderr; yields ``advance(n=1, **fields)``.

    Silent (a no-op ``advance``) with ``--quiet`` or when stderr is not a terminal.

    >>> with progress_bar("steps", 3) as advance:
    ...     for _ in range(3):
    ...         advance()
    """
    if not show_progress():
        yield lambda *args, **kwargs: None
        return
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[info]}"),
    ]
    with Progress(*columns, console=stderr_console(), transient=False) as progress:
        task = progress.add_task(description, total=total, info="")

        def advance(n: float = 1, info: str | None = None) -> None:
            if info is not None:
                progress.update(task, advance=n, info=info)
            else:
                progress.advance(task, n)

        yield advance
