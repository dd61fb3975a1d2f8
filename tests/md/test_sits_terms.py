"""Selective SITS on alanine dipeptide in vacuum, term class by term class: the SITS force is
minus the gradient of the reported effective energy (finite differences), and the selection's
energy holds every term class of the force field (bonds, angles, torsions, 1-4, LJ, Coulomb)."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.md.amber import load_amber
from mstool.toolkit.md.data import bundled
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.sits import SITS
from mstool.toolkit.md.solute_energy import SoluteEnergy
from tests.md.helpers import numerical_forces


def _vacuum():
    system = load_amber(*bundled("ala2_vacuum"))
    ff = build_forcefield(system, NonbondedSettings(method="nocutoff"))
    positions = system.positions + np.random.default_rng(5).normal(0.0, 0.01, system.positions.shape)
    return system, ff, positions


def _only(term: SoluteEnergy, keep_bonded: str | None, keep_14: bool = True) -> SoluteEnergy:
    """``term`` reduced to one bonded class, or to its nonbonded pairs (with or without 1-4)."""
    term.bonded = [t for t in term.bonded if type(t).__name__ == keep_bonded]
    if keep_bonded is not None:
        term.nonbonded = None
    elif not keep_14:
        term.pairs14 = term.pairs14[:0]
        term.scee, term.scnb = term.scee[:0], term.scnb[:0]
    return term


class _Frozen(SITS):
    """SITS with fixed, uneven n_k so that U_eff is a fixed function of the positions."""

    def __init__(self, provider, enhanced, energy):
        super().__init__(provider, 300.0, SITS.geometric_levels(300.0, 600.0, 6), enhanced=enhanced)
        self.log_nk = self.betas * energy + np.linspace(0.0, 1.5, 6)
        self.fixed_after = 1
        self.evaluations = 2


@pytest.mark.parametrize(
    "kind",
    ["HarmonicBondForce", "HarmonicAngleForce", "PeriodicTorsionForce", "pairs", "pairs+14"],
)
def test_sits_force_is_minus_gradient_of_effective_energy_per_term_class(kind):
    system, ff, pos = _vacuum()
    whole = SoluteEnergy(system, np.arange(system.n_atoms), ff.nonbonded)
    bonded = None if kind.startswith("pairs") else kind
    enhanced = _only(whole, bonded, keep_14=kind == "pairs+14")
    energy, _ = enhanced.energy_forces(pos, None)
    assert abs(energy) > 1e-3  # the class contributes at these positions
    sits = _Frozen(ff, enhanced, energy)
    _, forces = sits.energy_forces(pos, None)
    assert 0.55 < sits.force_factor < 0.95  # really scaled, so an unscaled term would show
    numeric = numerical_forces(sits, pos, None, h=1e-6)
    np.testing.assert_allclose(forces, numeric, atol=2e-4 * max(1.0, np.abs(numeric).max()))


def test_whole_solute_selection_holds_every_term_class():
    system, ff, pos = _vacuum()
    ff.energy_forces(pos, None)
    groups, parts = dict(ff.last_energies), dict(ff.nonbonded.last_terms)
    assert all(abs(parts[k]) > 1.0 for k in ("coulomb", "lj", "coulomb_14", "lj_14"))
    whole = SoluteEnergy(system, np.arange(system.n_atoms), ff.nonbonded)
    whole.energy_forces(pos, None)
    for name in ("bond", "angle", "torsion", "nonbonded"):
        assert whole.last_energies[name] == pytest.approx(groups[name], rel=1e-9, abs=1e-9)
    pairs_only = _only(SoluteEnergy(system, np.arange(system.n_atoms), ff.nonbonded), None, keep_14=False)
    energy, _ = pairs_only.energy_forces(pos, None)
    assert energy == pytest.approx(parts["coulomb"] + parts["lj"], rel=1e-9)
