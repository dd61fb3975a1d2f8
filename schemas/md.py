"""The ``simulate`` recipe (``sponge.yaml``) and the ``trajectory`` artifact metadata.

Lengths in nm, time in ps, temperature in K, pressure in bar.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, PositiveFloat, PositiveInt, field_validator, model_validator

from mstool.schemas.base import ArtifactMeta, Recipe, Section


class SystemSection(Section):
    """Input files: an Amber topology (parm7/prmtop) and coordinates (inpcrd/rst7)."""

    topology: str = "data/md/ala2_vacuum.parm7"
    coordinates: str = "data/md/ala2_vacuum.rst7"


class NonbondedSection(Section):
    """Lennard-Jones + Coulomb treatment.

    >>> NonbondedSection(method="pme", cutoff=0.9).cutoff
    0.9
    """

    method: Literal["nocutoff", "cutoff", "pme"] = "nocutoff"
    cutoff: PositiveFloat = 1.0
    switch_distance: PositiveFloat | None = None
    ewald_tolerance: PositiveFloat = 5e-4
    pme_order: Literal[4, 5] = 5
    dispersion_correction: bool = True
    skin: PositiveFloat = 0.2


class BarostatSection(Section):
    """Monte Carlo barostat (isotropic volume moves)."""

    enabled: bool = False
    pressure: float = 1.0
    frequency: PositiveInt = 25


class MinimisationSection(Section):
    """Energy minimisation before dynamics (on by default: minimise, then equilibrate):
    steepest descent, then L-BFGS."""

    enabled: bool = True
    steepest_descent_steps: int = Field(default=50, ge=0)
    max_iterations: int = Field(default=500, ge=0)
    tolerance: PositiveFloat = 10.0  # kJ/mol/nm, on the largest force


class SitsSection(Section):
    """Integrated tempering sampling: temperature levels and the n_k weight iteration.

    ``selection``: an Amber mask (``:1-3``, ``:ALA,ACE,NME``, ``1-22``); when set, only the
    selection's internal energy and its nonbonded pairs with everything else are enhanced
    (selective SITS on a solute); empty enhances the whole potential.

    >>> SitsSection(enabled=True, selection=":1-3").levels
    20
    >>> try:
    ...     SitsSection(temperature_low=400.0, temperature_high=300.0)
    ... except ValueError as err:
    ...     print("must be above" in str(err))
    True
    """

    enabled: bool = False
    selection: str = ""
    temperature_low: PositiveFloat = 300.0
    temperature_high: PositiveFloat = 600.0
    levels: int = Field(default=20, ge=2)
    update_interval: PositiveInt = 100
    fixed_weights_after: int = Field(default=0, ge=0)  # step after which n_k stop changing (0: never)

    @field_validator("selection")
    @classmethod
    def _mask_syntax(cls, value: str) -> str:
        text = value.strip()
        if text and not (text[0] in ":@" or text[0].isdigit()):
            raise ValueError(f"'{value}' is not an Amber mask (':1-3', ':ALA', '@CA', '1-22')")
        return text

    @model_validator(mode="after")
    def _ladder(self) -> SitsSection:
        if self.temperature_high <= self.temperature_low:
            raise ValueError(
                f"sits.temperature_high ({self.temperature_high}) must be above "
                f"sits.temperature_low ({self.temperature_low})"
            )
        return self


class OutputSection(Section):
    """Trajectory, how often to write, and checkpoints.

    ``format``: ``auto`` takes it from the trajectory's suffix (``.dcd``, ``.xtc``, else H5MD);
    DCD and XTC hold positions and box only and need the ``md`` extra (MDAnalysis).
    ``virtual_sites``: ``keep`` writes the massless extra points (as MDAnalysis expects for a
    topology that has them), ``omit`` writes the real atoms only.

    >>> OutputSection(trajectory="run.xtc").format
    'auto'
    """

    trajectory: str = "trajectory.h5"
    format: Literal["auto", "h5md", "dcd", "xtc"] = "auto"
    virtual_sites: Literal["keep", "omit"] = "keep"
    positions_every: int = Field(default=100, ge=0)
    velocities_every: int = Field(default=0, ge=0)
    energies_every: int = Field(default=100, ge=0)
    checkpoint: str | None = None
    checkpoint_every: int = Field(default=1000, ge=0)


class MLPotentialSection(Section):
    """A Keras ML potential on ``selection`` (Amber mask; empty: every atom), ``add``ed to the
    classical terms or ``replace``-ing those inside the selection (ML/MM: the selection's bonded
    terms and internal nonbonded pairs removed, its interactions with the rest kept classical).

    ``cutoff`` (nm) overrides the model's neighbour cutoff; ``jit_compile`` compiles with XLA.

    >>> MLPotentialSection(model="ala2.keras", mode="replace", selection=":1-3").selection
    ':1-3'
    """

    model: str | None = None
    mode: Literal["add", "replace"] = "add"
    selection: str = ""
    cutoff: PositiveFloat | None = None
    jit_compile: bool = False


class ImplicitSolventSection(Section):
    """Generalized Born implicit solvent (non-periodic systems, nonbonded.method nocutoff):
    ``obc2`` (Amber igb=5) or ``gbn2`` (igb=8)."""

    model: Literal["none", "obc2", "gbn2"] = "none"
    solvent_dielectric: PositiveFloat = 78.5
    solute_dielectric: PositiveFloat = 1.0
    salt_concentration: float = Field(default=0.0, ge=0.0)  # mol/L


class RestraintsSection(Section):
    """Harmonic positional restraints E = k/2 |r - r0|^2 to the starting positions.

    ``selection``: atom numbers and ranges (``1-20,31``), residues (``:1-10``, ``:ALA``),
    atom names (``@CA,C,N``) or both (``:1-10@CA``); empty means no restraints.
    """

    selection: str = ""
    force_constant: PositiveFloat = 1000.0  # kJ/mol/nm^2


class SimulateRecipe(Recipe):
    """A molecular dynamics run.

    >>> SimulateRecipe(steps=0).nonbonded.method
    'nocutoff'
    """

    recipe_name: ClassVar[str] = "simulate"

    system: SystemSection = SystemSection()
    nonbonded: NonbondedSection = NonbondedSection()
    integrator: Literal["verlet", "langevin_middle", "baoab", "andersen", "berendsen"] = "langevin_middle"
    temperature: PositiveFloat = 300.0
    friction: float = Field(default=1.0, ge=0.0)  # 1/ps; Andersen collision / Berendsen coupling rate
    dt: PositiveFloat = 0.002  # ps
    steps: int = Field(default=1000, ge=0)
    constraints: Literal["none", "hbonds", "allbonds"] = "hbonds"
    initial_velocities: Literal["file", "maxwell", "zero"] = "maxwell"
    barostat: BarostatSection = BarostatSection()
    minimisation: MinimisationSection = MinimisationSection()
    sits: SitsSection = SitsSection()
    output: OutputSection = OutputSection()
    ml_potential: MLPotentialSection = MLPotentialSection()
    implicit_solvent: ImplicitSolventSection = ImplicitSolventSection()
    restraints: RestraintsSection = RestraintsSection()
    hydrogen_mass: PositiveFloat | None = None  # amu; repartitioned from the bonded heavy atom
    seed: int = 0
    device: Literal["cpu", "cuda", "auto"] = "cpu"


class TrajectoryMeta(ArtifactMeta):
    """Metadata of an H5MD 1.1 trajectory written by ``mstool simulate``."""

    kind: ClassVar[str] = "trajectory"
    schema_version: ClassVar[int] = 1

    n_atoms: int
    topology: str = ""
    dt_ps: float = 0.0
    integrator: str = ""
    temperature_k: float = 0.0
    nonbonded_method: str = ""
    seed: int = 0
    sits: bool = False
    sits_selection: str = ""
    sits_fixed_weights_after: int = 0


class MLSamplingSection(Section):
    """Configurations for ``mstool simulate fit``: Langevin MD with the classical force field at each
    temperature (K), ``steps`` steps each, one configuration every ``every`` steps."""

    temperatures: list[PositiveFloat] = Field(default_factory=lambda: [300.0, 600.0], min_length=1)
    steps: PositiveInt = 100000
    every: PositiveInt = 50
    dt: PositiveFloat = 0.002  # ps
    constraints: Literal["none", "hbonds", "allbonds"] = "hbonds"


class MLArchitectureSection(Section):
    """The built-in symmetry-function potential (ANI-style; see docs/simulate.md)."""

    radial_cutoff: PositiveFloat = 0.6  # nm
    radial_shifts: PositiveInt = 16
    angular_cutoff: PositiveFloat = 0.35  # nm
    angular_shifts: PositiveInt = 4
    angle_shifts: PositiveInt = 4
    hidden: list[PositiveInt] = Field(default_factory=lambda: [64, 32])


class MLTrainingSection(Section):
    """Adam on force and energy errors; the learning rate decays exponentially to ``final_learning_rate``."""

    epochs: PositiveInt = 60
    batch_size: PositiveInt = 32
    learning_rate: PositiveFloat = 2e-3
    final_learning_rate: PositiveFloat = 2e-5
    energy_weight: float = Field(default=0.1, ge=0.0)  # relative to the force term (both standardised)
    jit_compile: bool = True  # XLA for the training step (compiles once: worth it beyond a few epochs)


class MLFitRecipe(Recipe):
    """``mstool simulate fit``: sample, label with the classical force field, split, fit, save.

    >>> MLFitRecipe(output="m.keras").training.epochs
    60
    """

    recipe_name: ClassVar[str] = "simulate.fit"

    system: SystemSection = SystemSection()
    nonbonded: NonbondedSection = NonbondedSection()
    sampling: MLSamplingSection = MLSamplingSection()
    architecture: MLArchitectureSection = MLArchitectureSection()
    training: MLTrainingSection = MLTrainingSection()
    output: str = "ml_potential.keras"
    dataset: str | None = None  # .npz of labelled configurations: reused when it exists, else written
    seed: int = 0
