"""Every integrator scheme against trajectories recorded before the schemes became a table of
moves: 20 steps of alanine dipeptide, with and without constraints. The schemes were equal to
the last bit when the table came in; kernels that change the summation order since (and other
CPUs) move the results by rounding only, so the check is to 1e-10 relative.

Regenerate (only when a change of the numbers is intended):
``python -m tests.md.test_integrator_schemes --record [SCHEME ...]`` (all schemes, or only
those named). The Langevin schemes (langevin_middle, baoab) were recorded anew when their noise
became a counter-based hash of (seed, step, atom, component); the others are unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from mstool.schemas.md import SimulateRecipe
from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import SCHEMES, Integrator, Move, State, maxwell_boltzmann

REFERENCE = Path(__file__).parent / "data" / "integrator_reference_ala2.npz"
RECORDED = ("verlet", "langevin_middle", "baoab", "andersen", "berendsen")
CONSTRAINTS = ("none", "hbonds")
STEPS = 20


def run_ala2(kind: str, constraints: str, friction: float = 10.0) -> dict[str, np.ndarray]:
    """Final positions and velocities and the potential at every step of a 20-step run."""
    system = load_amber(*bundled("ala2_vacuum"))
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    cons = constraints_for(system, constraints)
    integ = Integrator(kind, 0.002, system.masses, cons, temperature=300.0, friction=friction, seed=7)
    positions = system.positions.copy()
    velocities = maxwell_boltzmann(system.masses, 300.0, integ.rng)
    if cons.count:
        cons.apply_positions(positions, positions.copy(), 0)
        cons.apply_velocities(positions, velocities, 0)
    state = State(positions, velocities, None)
    potentials = []
    for _ in range(STEPS):
        integ.step(state, ff)
        potentials.append(state.potential)
    return {"positions": state.positions, "velocities": state.velocities, "potential": np.array(potentials)}


@pytest.mark.parametrize("constraints", CONSTRAINTS)
@pytest.mark.parametrize("kind", RECORDED)
def test_scheme_reproduces_the_recorded_trajectory(kind, constraints):
    recorded = np.load(REFERENCE)
    now = run_ala2(kind, constraints)
    for name, values in now.items():
        expected = recorded[f"{kind}/{constraints}/{name}"]
        scale = np.abs(expected).max()
        assert np.allclose(values, expected, rtol=0, atol=1e-10 * scale), \
            f"{kind} {constraints} {name}: max diff {np.abs(values - expected).max():.3g}"


@pytest.mark.parametrize("kind", sorted(SCHEMES))
def test_every_scheme_is_made_of_known_moves_and_ends_with_current_forces(kind):
    moves = SCHEMES[kind]
    assert all(m.name == "forces" or hasattr(Integrator, f"_{m.name}") for m in moves)
    last_drift = max(i for i, m in enumerate(moves) if m.name == "drift")
    assert any(m.name == "forces" for m in moves[last_drift:])
    assert sum(m.fraction for m in moves if m.name == "drift") == 1.0


def test_recipes_name_exactly_the_schemes():
    allowed = get_args(SimulateRecipe.model_fields["integrator"].annotation)
    assert set(allowed) == set(SCHEMES)


def test_a_new_integrator_is_one_table_entry(monkeypatch):
    """OBABO (Langevin split around velocity Verlet): with no friction and no constraints its O
    moves leave the velocities as they are, so it is velocity Verlet to the last bit; with
    friction it is not."""
    o_half = Move("thermostat", 0.5)
    monkeypatch.setitem(SCHEMES, "obabo", (o_half, *SCHEMES["verlet"], o_half))
    frictionless = run_ala2("obabo", "none", friction=0.0)
    verlet = run_ala2("verlet", "none", friction=0.0)
    for name in verlet:
        assert np.array_equal(frictionless[name], verlet[name]), name
    damped = run_ala2("obabo", "none")
    assert not np.array_equal(damped["velocities"], verlet["velocities"])


def record(kinds: tuple[str, ...] = RECORDED) -> None:
    """Record ``kinds`` anew, keeping the recorded arrays of the other schemes as they are."""
    arrays = dict(np.load(REFERENCE)) if REFERENCE.exists() else {}
    arrays.update({
        f"{kind}/{cons}/{name}": values
        for kind in kinds
        for cons in CONSTRAINTS
        for name, values in run_ala2(kind, cons).items()
    })
    REFERENCE.parent.mkdir(exist_ok=True)
    np.savez(REFERENCE, **arrays)
    print(f"wrote {len(arrays)} arrays to {REFERENCE}")


if __name__ == "__main__" and "--record" in sys.argv:
    record(tuple(sys.argv[sys.argv.index("--record") + 1:]) or RECORDED)
