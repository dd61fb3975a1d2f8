"""CHARMM harmonic impropers and the 12-6-4 ion term: forces are the energy gradient, and the
prmtop flags that carry them are read."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.amber import read_prmtop_sections
from mstool.toolkit.md.builders import lj_fluid
from mstool.toolkit.md.forces.bonded import HarmonicImproperForce
from mstool.toolkit.md.forces.lj1264 import IonDipoleForce
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from tests.md.helpers import numerical_forces


def test_harmonic_improper_forces_are_the_gradient():
    rng = np.random.default_rng(0)
    pos = np.array([[0.1, 0, 0], [0, 0, 0], [0, 0.12, 0], [0.1, 0.1, 0.05]]) + rng.normal(
        scale=0.01, size=(4, 3)
    )
    term = HarmonicImproperForce(np.array([[0, 1, 2, 3]]), np.array([400.0]), np.array([np.radians(170.0)]))
    _, forces = term.energy_forces(pos, None)
    assert np.allclose(forces, numerical_forces(term, pos, None), atol=1e-5)


@pytest.mark.parametrize("method", ["nocutoff", "pme"])
def test_ion_dipole_forces_are_the_gradient(method):
    system = lj_fluid(27, 20.0)
    system.atom_types = np.array([1] + [0] * 26)
    system.lj_c = np.array([[0.0, 0.02], [0.02, 0.0]])
    system.lj_a = np.zeros((2, 2))
    system.lj_b = np.zeros((2, 2))
    term = IonDipoleForce(system, NonbondedSettings(method=method, cutoff=0.5))
    energy, forces = term.energy_forces(system.positions, system.box)
    assert energy < 0.0
    assert np.allclose(forces, numerical_forces(term, system.positions, system.box), atol=1e-5)


def test_comment_lines_and_mixed_formats_are_read(tmp_path):
    path = tmp_path / "x.parm7"
    path.write_text(
        "%FLAG FORCE_FIELD_TYPE\n%FORMAT(i2,a78)\n 1 CHARMM36\n"
        "%FLAG LENNARD_JONES_CCOEF\n%COMMENT r^-4 term\n%FORMAT(5E16.8)\n  1.00000000E+00\n"
    )
    sections = read_prmtop_sections(path)
    assert sections["LENNARD_JONES_CCOEF"] == [1.0]
    assert sections["FORCE_FIELD_TYPE"] == [" 1 CHARMM36"]
