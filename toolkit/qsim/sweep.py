"""Parameter sweeps: <H> (and its adjoint gradient) at many parameter sets, in batch tasks.

A sweep is a fixed circuit and Hamiltonian plus a table of parameter values; batches of
rows are independent tasks for :func:`mstool.toolkit.workers.map_tasks`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mstool.schemas.qsim import SweepAxis, SweepRecipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.algorithms import maxcut_hamiltonian, parameterize_numeric, read_edges
from mstool.toolkit.qsim.ansatz import qaoa_maxcut
from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.gradients import expectation, expectation_and_gradient
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.workers import EngineSpec, map_tasks


@dataclass(frozen=True)
class SweepProblem:
    """What every task evaluates: a unitary circuit, a Hamiltonian, the parameter order."""

    circuit: Circuit
    hamiltonian: PauliSum
    names: tuple[str, ...]
    gradient: bool


@dataclass
class SweepResult:
    """Rows of ``values`` (columns ``names``), <H> per row, and the gradient per row."""

    names: list[str]
    swept: list[str]
    values: np.ndarray
    energies: np.ndarray
    gradients: np.ndarray | None
    grid_shape: tuple[int, ...] | None


def axis_values(axis: SweepAxis | list[float]) -> np.ndarray:
    """The values of one grid axis.

    >>> axis_values(SweepAxis(start=0, stop=1, num=3)).tolist(), axis_values([2.0]).tolist()
    ([0.0, 0.5, 1.0], [2.0])
    """
    if isinstance(axis, SweepAxis):
        return np.linspace(axis.start, axis.stop, axis.num)
    return np.asarray(axis, dtype=np.float64)


def parameter_table(names: list[str], grid: dict, points: list[dict[str, float]],
                    fixed: dict[str, float]) -> tuple[np.ndarray, list[str], tuple[int, ...] | None]:
    """One row of values (ordered as ``names``) per parameter set; the swept names; the grid shape.

    ``fixed`` gives the names not swept (and, for points, a value a point leaves out).

    >>> table, swept, shape = parameter_table(["a", "b"], {"a": [0.0, 1.0]}, [], {"b": 5.0})
    >>> table.tolist(), swept, shape
    ([[0.0, 5.0], [1.0, 5.0]], ['a'], (2,))
    """
    swept = list(grid) if grid else sorted({name for point in points for name in point})
    unknown = sorted((set(swept) | set(fixed)) - set(names))
    if unknown:
        raise InputError(f"the circuit has no parameter(s) {', '.join(unknown)}; it has "
                         f"{', '.join(names) or 'none'}", where="grid/points/fixed")
    both = sorted(set(swept) & set(fixed))
    if grid and both:  # points may leave out a name and take its 'fixed' value
        raise InputError(f"{', '.join(both)} both swept and fixed", where="fixed")
    if grid:
        axes = [axis_values(grid[name]) for name in swept]
        rows = [dict(zip(swept, combo, strict=True)) for combo in itertools.product(*axes)]
        shape: tuple[int, ...] | None = tuple(len(axis) for axis in axes)
    else:
        rows, shape = points, None
    table = np.empty((len(rows), len(names)))
    for r, row in enumerate(rows):
        given = {**fixed, **row}
        missing = [name for name in names if name not in given]
        if missing:
            where = "grid" if grid else f"points[{r}]"
            raise InputError(f"no value for {', '.join(missing)} (sweep it or give it in 'fixed')",
                             where=where)
        table[r] = [given[name] for name in names]
    return table, swept, shape


def problem_from_recipe(cfg: SweepRecipe, recipe_path: str | Path | None,
                        resolve=None) -> tuple[SweepProblem, dict[str, float]]:
    """The problem a recipe describes, and the values numeric QASM parameters had (defaults).

    ``resolve(value, recipe_path)`` turns a recipe's file names into paths.
    """
    from mstool.toolkit.io import resolve_path

    resolve = resolve or resolve_path
    defaults: dict[str, float] = {}
    if cfg.qaoa is not None:
        edges_file = resolve(cfg.qaoa.edges_file, recipe_path) if cfg.qaoa.edges_file else None
        edges = read_edges(cfg.qaoa.edges, edges_file)
        n = max(max(i, j) for i, j, _ in edges) + 1
        circuit, hamiltonian = qaoa_maxcut(n, edges, cfg.qaoa.p), maxcut_hamiltonian(edges)
    else:
        from mstool.toolkit.qsim.qasm import load_qasm

        path = resolve(cfg.circuit, recipe_path)
        loaded = load_qasm(path)
        if loaded.has_mid_circuit_ops:
            raise InputError("a sweep needs a circuit without mid-circuit measurement, reset or if",
                             where=str(path))
        circuit = Circuit(loaded.n_qubits, [op for op in loaded.ops if op.is_gate])
        if not circuit.parameters:
            circuit, defaults = parameterize_numeric(circuit)
        hamiltonian_path = resolve(cfg.hamiltonian, recipe_path)
        hamiltonian = PauliSum.load(hamiltonian_path)
        try:
            hamiltonian.check_qubits(circuit.n_qubits)
        except InputError as exc:
            raise InputError(exc.message, where=str(hamiltonian_path)) from None
    return SweepProblem(circuit, hamiltonian, tuple(circuit.parameters), cfg.gradient), defaults


def evaluate_rows(problem: SweepProblem, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """<H> (and the gradient) for each row of parameter values (one task).

    >>> p = SweepProblem(Circuit(1).ry("t", 0), PauliSum.parse("Z0"), ("t",), True)
    >>> e, g = evaluate_rows(p, np.array([[0.0], [np.pi / 2]]))
    >>> np.round(e, 6).tolist(), np.round(g[:, 0], 6).tolist()
    ([1.0, 0.0], [0.0, -1.0])
    """
    names = list(problem.names)
    energies = np.empty(len(rows))
    gradients = np.empty((len(rows), len(names))) if problem.gradient else None
    for r, row in enumerate(rows):
        values = dict(zip(names, row.tolist(), strict=True))
        if gradients is not None:
            energies[r], gradients[r] = expectation_and_gradient(problem.circuit, problem.hamiltonian,
                                                                 values, names)
        else:
            energies[r] = expectation(problem.circuit, problem.hamiltonian, values)
    return energies, gradients


@dataclass(frozen=True)
class _Batch:
    problem: SweepProblem
    rows: np.ndarray


def _evaluate_batch(batch: _Batch) -> tuple[np.ndarray, np.ndarray | None]:
    return evaluate_rows(batch.problem, batch.rows)


def run_sweep(problem: SweepProblem, table: np.ndarray, swept: list[str], grid_shape: tuple | None,
              *, engine: EngineSpec, batch: int = 64, progress=None) -> SweepResult:
    """Evaluate every row of ``table`` in tasks of ``batch`` rows on ``engine``.

    >>> p = SweepProblem(Circuit(1).ry("t", 0), PauliSum.parse("Z0"), ("t",), False)
    >>> r = run_sweep(p, np.array([[0.0], [np.pi]]), ["t"], (2,), engine=EngineSpec(), batch=1)
    >>> np.round(r.energies, 6).tolist()
    [1.0, -1.0]
    """
    batches = [_Batch(problem, table[start : start + batch]) for start in range(0, len(table), batch)]
    parts = map_tasks(_evaluate_batch, batches, engine=engine, description="qsim sweep", progress=progress)
    energies = np.concatenate([e for e, _ in parts]) if parts else np.empty(0)
    gradients = np.concatenate([g for _, g in parts]) if problem.gradient and parts else None
    return SweepResult(list(problem.names), swept, table, energies, gradients, grid_shape)
