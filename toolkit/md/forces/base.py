"""The force-term protocol every term follows, and how a term's energy is booked to its
energy groups (the ``energy_*`` observables of a trajectory and the energies of a summary)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np


class ForceTerm(Protocol):
    """One job: energy (kJ/mol) and forces (kJ/mol/nm, shape (N, 3)) for positions (nm).

    ``energy_groups`` names the energy groups the term reports into. With one group the whole
    energy goes there; a term with several sets ``last_energies`` ({group: kJ/mol}, summing to
    the energy it returns) at every evaluation. A term may also offer
    ``add_forces(positions, box, forces) -> energy``, adding into a shared array.
    """

    energy_groups: tuple[str, ...]

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]: ...


def energy_groups_of(terms: Iterable, first: Iterable[str] = ()) -> tuple[str, ...]:
    """The groups of ``first`` and then of each term, in order, each once.

    >>> class Bond:
    ...     energy_groups = ("bond",)
    >>> class Split:
    ...     energy_groups = ("coulomb", "bond")
    >>> energy_groups_of([Bond(), Split()], first=("angle",))
    ('angle', 'bond', 'coulomb')
    """
    ordered = dict.fromkeys(first)
    for term in terms:
        ordered.update(dict.fromkeys(term.energy_groups))
    return tuple(ordered)


def add_terms(terms: Iterable, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray,
              energies: dict[str, float]) -> None:
    """Evaluate ``terms``: their forces added into ``forces``, each energy added to its term's
    groups in ``energies``.

    >>> class Spring:
    ...     energy_groups = ("spring",)
    ...     def energy_forces(self, positions, box):
    ...         return float(np.sum(positions**2)), -2.0 * positions
    >>> forces, energies = np.zeros((1, 3)), {"spring": 1.0}
    >>> add_terms([Spring()], np.array([[1.0, 0.0, 0.0]]), None, forces, energies)
    >>> energies, forces[0].tolist()
    ({'spring': 2.0}, [-2.0, 0.0, 0.0])
    """
    for term in terms:
        add_forces = getattr(term, "add_forces", None)
        if add_forces is not None:
            energy = add_forces(positions, box, forces)
        else:
            energy, term_forces = term.energy_forces(positions, box)
            forces += term_forces
        groups = term.energy_groups
        if len(groups) == 1:
            energies[groups[0]] = energies.get(groups[0], 0.0) + energy
        else:
            split = term.last_energies
            for group in groups:
                energies[group] = energies.get(group, 0.0) + split[group]
