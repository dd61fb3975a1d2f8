"""Small Amber systems shipped with mstool (``recipes/data/md``), found from the package or the repo."""

from __future__ import annotations

from pathlib import Path

from mstool.toolkit.errors import InputError

_BUNDLED = {
    "ala2_vacuum": ("ala2_vacuum.parm7", "ala2_vacuum.rst7"),
}


def data_dir() -> Path:
    """The folder with the bundled Amber files (repository ``recipes/data/md``)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "recipes" / "data" / "md"
        if candidate.is_dir():
            return candidate
    raise InputError("bundled MD data folder recipes/data/md not found")


def bundled(name: str) -> tuple[Path, Path]:
    """(topology, coordinates) of a bundled system.

    >>> bundled("ala2_vacuum")[0].name
    'ala2_vacuum.parm7'
    """
    if name not in _BUNDLED:
        raise InputError(f"unknown bundled system '{name}'; known: {', '.join(_BUNDLED)}")
    top, crd = _BUNDLED[name]
    return data_dir() / top, data_dir() / crd
