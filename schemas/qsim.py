"""Recipes of ``mstool qsim vqe|qaoa|train|sweep`` and the ``qsim-result`` artifact metadata."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from mstool.schemas.base import ArtifactMeta, FiniteFloat, Recipe, Section


class QsimResultMeta(ArtifactMeta):
    """Metadata of a ``qsim-result`` artifact (datasets hold arrays: probabilities,
    statevector, counts, energies per iteration, parameters).

    >>> QsimResultMeta(command="run", n_qubits=2).kind
    'qsim-result'
    """

    kind: ClassVar[str] = "qsim-result"
    schema_version: ClassVar[int] = 1

    command: Literal["run", "expect", "vqe", "qaoa", "train", "sweep"]
    source: str = ""
    n_qubits: int
    shots: int = 0
    seed: int | None = None
    energy: float | None = None
    parameter_names: list[str] = []
    summary: dict[str, float | int | str | bool | None] = {}


class OptimizerSection(Section):
    """scipy.optimize.minimize settings."""

    method: Literal["BFGS", "L-BFGS-B", "COBYLA"] = "BFGS"
    maxiter: int = Field(500, ge=1)
    tol: float = Field(1e-10, gt=0)


class VqeRecipe(Recipe):
    """``mstool qsim vqe``: ground-state energy of a Pauli-sum Hamiltonian.

    >>> VqeRecipe(hamiltonian="h2.txt", n_electrons=2).ansatz
    'uccsd'
    """

    recipe_name: ClassVar[str] = "qsim.vqe"

    hamiltonian: str = Field(description="Pauli-sum file, relative to the recipe")
    n_electrons: int = Field(ge=0)
    ansatz: Literal["uccsd", "hardware_efficient"] = "uccsd"
    layers: int = Field(2, ge=1, description="hardware-efficient ansatz layers")
    optimizer: OptimizerSection = OptimizerSection()
    initial_scale: float = Field(0.0, ge=0, description="std of random initial parameters (0: zeros)")
    restarts: int = Field(1, ge=1)
    seed: int = 0
    reference_energy: float | None = Field(None, description="e.g. the FCI energy, reported beside it")


class QaoaRecipe(Recipe):
    """``mstool qsim qaoa``: MaxCut on a graph given as an edge list.

    >>> QaoaRecipe(edges=[[0, 1], [1, 2]]).p
    1
    """

    recipe_name: ClassVar[str] = "qsim.qaoa"

    edges: list[list[float]] | None = Field(None, description="[[i, j], ...] or [[i, j, weight], ...]")
    edges_file: str | None = Field(None, description="text file: one 'i j [weight]' per line")
    p: int = Field(1, ge=1)
    optimizer: OptimizerSection = OptimizerSection(method="L-BFGS-B", maxiter=300, tol=1e-9)
    restarts: int = Field(4, ge=1)
    shots: int = Field(1000, ge=0)
    seed: int = 0


class QnnData(Section):
    """A synthetic two-class data set made from the seed."""

    kind: Literal["moons", "circles", "blobs"] = "moons"
    samples: int = Field(120, ge=8)
    noise: float = Field(0.1, ge=0)
    test_fraction: float = Field(0.25, gt=0, lt=1)


class QnnRecipe(Recipe):
    """``mstool qsim train``: a hybrid quantum-classical classifier trained with Keras.

    >>> QnnRecipe().layers
    2
    """

    recipe_name: ClassVar[str] = "qsim.train"

    data: QnnData = QnnData()
    n_qubits: int = Field(2, ge=1, le=12)
    layers: int = Field(2, ge=1)
    epochs: int = Field(30, ge=1)
    batch_size: int = Field(16, ge=1)
    learning_rate: float = Field(0.05, gt=0)
    seed: int = 0


MAX_SWEEP_POINTS = 10_000_000


class SweepAxis(Section):
    """``num`` evenly spaced values from ``start`` to ``stop`` (both included)."""

    start: float
    stop: float
    num: int = Field(ge=1, le=MAX_SWEEP_POINTS)


class SweepQaoa(Section):
    """The QAOA MaxCut circuit of a graph; <H> is the expected cut, parameters gamma0, beta0, ..."""

    edges: list[list[float]] | None = Field(None, description="[[i, j], ...] or [[i, j, weight], ...]")
    edges_file: str | None = Field(None, description="text file: one 'i j [weight]' per line")
    p: int = Field(1, ge=1)


class SweepRecipe(Recipe):
    """``mstool qsim sweep``: <H> (and its gradient) at many parameter sets, as batch tasks.

    The circuit is a QASM file with a Hamiltonian, or a QAOA MaxCut graph; the parameter sets
    are a grid (axes in order, the last varying fastest) or a list of points.

    >>> SweepRecipe(qaoa={"edges": [[0, 1]]}, grid={"gamma0": {"start": 0, "stop": 1, "num": 3},
    ...                                            "beta0": [0.1, 0.2]}).gradient
    True
    """

    recipe_name: ClassVar[str] = "qsim.sweep"

    circuit: str | None = Field(None, description="QASM file, relative to the recipe")
    hamiltonian: str | None = Field(None, description="Pauli-sum file, relative to the recipe")
    qaoa: SweepQaoa | None = None
    grid: dict[str, SweepAxis | list[FiniteFloat]] = {}
    points: list[dict[str, FiniteFloat]] = []
    fixed: dict[str, FiniteFloat] = Field({}, description="values of the parameters that are not swept")
    gradient: bool = True
    batch: int = Field(64, ge=1, description="parameter sets per task")

    @model_validator(mode="after")
    def _one_problem_one_set(self) -> SweepRecipe:
        if (self.qaoa is None) == (self.circuit is None):
            raise ValueError("give either 'circuit' (with 'hamiltonian') or 'qaoa'")
        if self.circuit is not None and self.hamiltonian is None:
            raise ValueError("'circuit' needs a 'hamiltonian'")
        if bool(self.grid) == bool(self.points):
            raise ValueError("give either 'grid' or 'points'")
        if any(isinstance(axis, list) and not axis for axis in self.grid.values()):
            raise ValueError("a grid axis given as a list needs at least one value")
        size = 1
        for axis in self.grid.values():
            size *= axis.num if isinstance(axis, SweepAxis) else len(axis)
        if max(size, len(self.points)) > MAX_SWEEP_POINTS:
            raise ValueError(f"at most {MAX_SWEEP_POINTS:,} parameter sets")
        return self
