"""The force-term protocol every term follows."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class ForceTerm(Protocol):
    """One job: energy (kJ/mol) and forces (kJ/mol/nm, shape (N, 3)) for positions (nm)."""

    group: str

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]: ...
