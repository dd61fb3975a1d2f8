"""Fuzz the Amber readers: mutated prmtop/rst7 either load (and evaluate) or raise InputError.

Loaded systems are evaluated once with the plain (no-cutoff) force field, so an index
that escaped the range checks would reach the Numba kernels here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mstool.toolkit.md.amber import load_amber, read_prmtop_sections
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from tests.fuzz.budget import FUZZ, Outcomes
from tests.fuzz.mutate import edit
from tests.md.amber_edit import set_coordinate, set_entry

OUTCOMES = Outcomes("prmtop/rst7 (load_amber + energy)")
TOPOLOGY, COORDINATES = (path.read_text() for path in bundled("ala2_vacuum"))
SECTIONS = {flag: len(values) for flag, values in read_prmtop_sections(bundled("ala2_vacuum")[0]).items()
            if values and not isinstance(values[0], str)}
VALUES = ["0", "-1", "-3", "1", "2", "3", "7", "8", "22", "23", "66", "69", "9000000", "99999999",
          "-2147483648", "nan", "inf", "-inf", "1e300", "-1e300", "0.0", "-0.0", "1e-300", "abc", ""]
WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-amber-"))


@st.composite
def topology_texts(draw) -> str:
    if draw(st.booleans()):
        flag = draw(st.sampled_from(sorted(SECTIONS)))
        text = TOPOLOGY
        for _ in range(draw(st.integers(1, 3))):
            index = draw(st.integers(0, SECTIONS[flag] - 1))
            text = set_entry(text, flag, index, draw(st.sampled_from(VALUES)))
        return text
    if draw(st.integers(0, 3)) == 0:
        return TOPOLOGY
    return edit(draw, TOPOLOGY.encode(), max_edits=3).decode("latin-1")


@st.composite
def coordinate_texts(draw) -> str:
    mode = draw(st.sampled_from(["same", "same", "value", "bytes", "count", "box"]))
    if mode == "value":
        return set_coordinate(COORDINATES, draw(st.integers(0, 65)), draw(st.sampled_from(VALUES)))
    if mode == "bytes":
        return edit(draw, COORDINATES.encode(), max_edits=3).decode("latin-1")
    if mode == "count":
        lines = COORDINATES.splitlines()
        lines[1] = draw(st.sampled_from(["0", "-22", "21", "23", "9000000", "x", "", "22 1e400"]))
        return "\n".join(lines) + "\n"
    if mode == "box":
        edges = "".join(f"{draw(st.sampled_from(VALUES + ['20.0'] * 8)):>12}" for _ in range(6))
        return COORDINATES.rstrip("\n") + "\n" + edges + "\n"
    return COORDINATES


def load_and_evaluate(topology: str, coordinates: str):
    top, crd = WORKDIR / "t.parm7", WORKDIR / "t.rst7"
    top.write_bytes(topology.encode("latin-1"))
    crd.write_bytes(coordinates.encode("latin-1"))
    system = load_amber(top, crd)
    n_types = system.lj_a.shape[0]
    for name in ("bond_atoms", "angle_atoms", "torsion_atoms", "pair14_atoms", "exclusions", "ub_atoms"):
        atoms = getattr(system, name)
        assert not len(atoms) or (atoms.min() >= 0 and atoms.max() < system.n_atoms), name
    assert system.atom_types.min() >= 0 and system.atom_types.max() < n_types
    assert np.all(np.isfinite(system.positions)) and np.all(np.isfinite(system.masses))
    forcefield = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    energy, forces = forcefield.energy_forces(system.positions, None)
    return energy


@pytest.fixture(scope="module", autouse=True)
def compiled_kernels():
    """Compile the force-field kernels once, outside the per-case time limit: a first JIT
    compile on a loaded 2-core machine with an empty Numba cache can outlast one case's budget."""
    load_and_evaluate(TOPOLOGY, COORDINATES)


@FUZZ
@given(topology=topology_texts(), coordinates=coordinate_texts())
def test_amber_inputs_load_or_raise_input_error(topology, coordinates):
    OUTCOMES.run(load_and_evaluate, topology, coordinates)
