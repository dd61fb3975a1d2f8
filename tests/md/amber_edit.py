"""Edit single entries of a fixed-width Amber prmtop/rst7 text, for bad-input and fuzz tests."""

from __future__ import annotations

import re

_FORMAT = re.compile(r"\((\d+)\(?[aAiIeEfF](\d+)")


def set_entry(text: str, flag: str, index: int, value: str) -> str:
    """``text`` with entry ``index`` (0-based) of ``%FLAG flag`` replaced by ``value`` (right-aligned)."""
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("%FLAG") and line.split()[1] == flag)
    per_line, width = (int(g) for g in _FORMAT.search(lines[at + 1]).groups())
    row, column = divmod(index, per_line)
    line = lines[at + 2 + row].rstrip("\n")
    field = value.rjust(width)[-width:] if len(value) <= width else value
    lines[at + 2 + row] = line[: column * width] + field + line[(column + 1) * width :] + "\n"
    return "".join(lines)


def set_coordinate(text: str, index: int, value: str) -> str:
    """An rst7 text with coordinate value ``index`` (0-based, 6 per line, width 12) replaced."""
    lines = text.splitlines(keepends=True)
    row, column = divmod(index, 6)
    line = lines[2 + row].rstrip("\n")
    lines[2 + row] = line[: column * 12] + value.rjust(12) + line[(column + 1) * 12 :] + "\n"
    return "".join(lines)
