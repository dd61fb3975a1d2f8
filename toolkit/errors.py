"""Errors every layer raises; the CLI maps them to exit codes and one-line messages.

``InputError`` (exit 2) is for bad usage or invalid input, ``WorkFailed`` (exit 1)
for work that ran and failed.
"""

from __future__ import annotations


class MstoolError(Exception):
    """Base of mstool's own errors; ``exit_code`` is what the CLI returns.

    >>> MstoolError("boom").exit_code
    1
    """

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(self.render())

    def render(self) -> str:
        """One line: ``where: message`` when a location is known."""
        text = " ".join(str(self.message).split())
        return f"{self.where}: {text}" if self.where else text


class InputError(MstoolError):
    """Bad usage or invalid input (a file, recipe field, model): exit code 2.

    >>> InputError("unknown key 'stepz'", where="run.yaml:3").render()
    "run.yaml:3: unknown key 'stepz'"
    """

    exit_code = 2


class WorkFailed(MstoolError):
    """The work ran and failed (a blow-up, a verification miss): exit code 1."""

    exit_code = 1
