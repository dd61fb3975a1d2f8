"""Atom selections for restraints: atom numbers, residue ranges or names, atom names, and the
Amber-mask subset that combines them (``:1-10@CA``)."""

from __future__ import annotations

import re

import numpy as np

from mstool.toolkit.errors import InputError

_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


def _numbers(text: str, limit: int, what: str, selection: str, field: str) -> set[int]:
    """1-based numbers and ranges (``1-5,9``) as 0-based indices, checked against ``limit``."""
    out: set[int] = set()
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if match is None:
            raise InputError(f"{field} '{selection}': '{part}' is not a {what} number or range")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if first < 1 or last > limit or first > last:
            raise InputError(f"{field} '{selection}': {what}s {part} are outside 1..{limit}")
        out.update(range(first - 1, last))
    return out


def _name_matches(name: str, patterns: list[str]) -> bool:
    # Amber's '=' (and '*') wildcard matches any ending: '@H=' is every hydrogen by name.
    return any(name == p or (p[-1:] in "=*" and p[-1:] and name.startswith(p[:-1])) for p in patterns)


def select_atoms(system, selection: str, field: str = "restraints.selection") -> np.ndarray:
    """0-based indices of the atoms ``selection`` names; an empty result is an error.

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> s = load_amber(*bundled("ala2_vacuum"))
    >>> select_atoms(s, ":2@CA").tolist(), len(select_atoms(s, "1-5,7"))
    ([8], 6)
    """
    text = selection.strip()
    if not text:
        raise InputError(f"{field} is empty")
    starts = np.r_[np.asarray(system.residue_starts), system.n_atoms]
    residue_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    if text[0] not in ":@":
        atoms = _numbers(text, system.n_atoms, "atom", selection, field)
        chosen = np.zeros(system.n_atoms, dtype=bool)
        chosen[list(atoms)] = True
    else:
        residue_part, _, atom_part = text.partition("@")
        chosen = np.ones(system.n_atoms, dtype=bool)
        if residue_part:
            spec = residue_part[1:]
            if spec and spec[0].isdigit():
                residues = _numbers(spec, len(starts) - 1, "residue", selection, field)
            else:
                names = [n.strip() for n in spec.split(",")]
                residues = {r for r, n in enumerate(system.residue_names) if _name_matches(n.strip(), names)}
            chosen &= np.isin(residue_of, list(residues))
        if atom_part:
            names = [n.strip() for n in atom_part.split(",")]
            chosen &= np.array([_name_matches(a.strip(), names) for a in system.atom_names], dtype=bool)
    atoms = np.flatnonzero(chosen)
    if not len(atoms):
        raise InputError(f"{field} '{selection}' selects no atoms")
    return atoms
