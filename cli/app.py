"""The root ``mstool`` Typer app: global options, error rendering and exit codes.

Subcommands live one per module in ``mstool.cli``; :data:`COMMAND_MODULES` lists
them in help order, and a module that is not there yet is simply absent.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from mstool.cli.context import settings
from mstool.cli.output import stderr_console
from mstool.toolkit.errors import MstoolError
from mstool.toolkit.extras import missing_module_message
from mstool.toolkit.version import __version__

# Help order; each module defines ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = (
    "qsim",
    "simulate",
    "convert",
    "audit",
    "preprocess",
    "train",
    "qa",
    "inspect",
)

EXAMPLES = """

\b
Examples:
  mstool inspect out.h5            # what is in an artifact, ONNX model or recipe
  mstool --json inspect out.h5     # the same as one JSON document
"""


def render_error(message: str) -> None:
    """One rich line on stderr (the message is text, never markup: it may quote a file's content)."""
    from rich.markup import escape

    stderr_console().print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False)


def _exit_code_for(err: BaseException) -> tuple[int, str]:
    if isinstance(err, MstoolError):
        return err.exit_code, err.render()
    if isinstance(err, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        name = err.filename or ""
        return 2, f"{name}: {err.strerror or err}" if name else str(err)
    if isinstance(err, PermissionError):
        return 2, f"{err.filename}: permission denied"
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(root)"
        return 2, f"field '{field}': {first['msg']}"
    if isinstance(err, ModuleNotFoundError) and (missing := missing_module_message(err)):
        return 2, missing  # an optional field's package, imported deep inside a command
    if isinstance(err, KeyboardInterrupt):
        return 130, "interrupted"
    if isinstance(err, MemoryError):
        return 1, "out of memory"
    return 1, f"{type(err).__name__}: {err}"


def _is_cli_framework_signal(err: BaseException) -> bool:
    return isinstance(err, typer.Exit | typer.Abort) or type(err).__module__.startswith(
        ("typer", "click")
    )


class MstoolGroup(TyperGroup):
    """Turns mstool's errors into one line and an exit code (0 ok, 1 failed, 2 bad input)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - the CLI boundary
            if _is_cli_framework_signal(err):
                raise  # usage errors, --help and exits are the framework's to render
            if settings.debug:
                traceback.print_exc()
            code, message = _exit_code_for(err)
            render_error(message)
            raise typer.Exit(code) from None


app = typer.Typer(
    name="mstool",
    cls=MstoolGroup,
    help="mstool: quantum simulation, molecular dynamics, model conversion, robustness "
    "audits, image preprocessing, distributed training and multi-hop QA in one toolchain."
    + EXAMPLES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version_callback(value: bool) -> None:
    if value:
        print(f"mstool {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or logs.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Version."),
    ] = False,
) -> None:
    """Global options apply to every subcommand."""
    settings.reset()
    settings.json = json_output
    settings.quiet = quiet
    settings.debug = settings.debug or debug


def register_commands(root_app: typer.Typer) -> None:
    """Import every subcommand module that exists and let it add its command."""
    for name in COMMAND_MODULES:
        module_name = f"mstool.cli.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(root_app)


register_commands(app)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="mstool")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
