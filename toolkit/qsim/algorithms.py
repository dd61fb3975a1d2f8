"""Variational algorithms on the simulator: VQE, QAOA for MaxCut, and <H> of a QASM file.

Optimisers are scipy's BFGS, L-BFGS-B (with adjoint gradients) and COBYLA; scipy comes with the
``[qsim-opt]`` extra and is imported only when an optimisation starts, so ``[qsim]`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.extras import require_extra
from mstool.toolkit.qsim.ansatz import hardware_efficient, qaoa_maxcut, uccsd
from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.gradients import (
    expectation,
    expectation_and_gradient,
    final_state,
    get_expectation_with_grad,
)
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.qsim.parameters import Parameter
from mstool.toolkit.records import Record, optional


@dataclass(frozen=True)
class ExpectationResult(Record):
    """<H> of a circuit; ``gradient`` (one entry per name in ``names``) when it was asked for."""

    n_qubits: int
    energy: float
    gradient: np.ndarray | None
    names: list[str]


@dataclass(frozen=True)
class VqeResult(Record):
    """The best VQE run: energy, optimal parameters (in ``names`` order), energy per evaluation."""

    energy: float
    parameters: np.ndarray
    names: list[str]
    history: np.ndarray
    evaluations: int
    converged: bool
    n_qubits: int
    circuit: Circuit


@dataclass(frozen=True)
class QaoaResult(Record):
    """The best QAOA run; ``sampled_best_*`` only when shots were drawn."""

    expected_cut: float
    max_cut: float
    approximation_ratio: float
    parameters: np.ndarray
    names: list[str]
    history: np.ndarray
    n_qubits: int
    probabilities: np.ndarray
    best_bitstring_probability: float
    sampled_best_cut: float | None = optional()
    sampled_best_bitstring: str | None = optional()


def parameterize_numeric(circuit: Circuit) -> tuple[Circuit, dict[str, float]]:
    """Replace every numeric gate parameter by a symbol ``opK_J`` and return its value."""
    ops, values = [], {}
    for k, op in enumerate(circuit.ops):
        if op.is_gate and op.params and not op.symbols:
            names = [f"op{k}_{j}" for j in range(len(op.params))]
            values.update(zip(names, op.params, strict=True))
            op = replace(op, params=tuple(Parameter(n) for n in names))
        ops.append(op)
    return Circuit(circuit.n_qubits, ops, circuit.n_clbits), values


def expectation_of_file(circuit_path: str | Path | Circuit, hamiltonian_path: str | Path,
                        values: dict[str, float], gradient: bool,
                        source: str | None = None, device: str = "cpu") -> ExpectationResult:
    """<H> (and the adjoint gradient) for a QASM circuit (a path, or a parsed circuit read
    from ``source``) on ``device`` (cpu, cuda or auto); final measurements are ignored."""
    from mstool.toolkit.qsim.qasm import load_qasm

    circuit = circuit_path if isinstance(circuit_path, Circuit) else load_qasm(circuit_path)
    circuit_path = source or circuit_path
    hamiltonian = PauliSum.load(hamiltonian_path)
    if circuit.has_mid_circuit_ops:
        raise InputError("expectation values need a circuit without mid-circuit measurement, reset or if",
                         where=str(circuit_path))
    unitary = Circuit(circuit.n_qubits, [op for op in circuit.ops if op.is_gate])
    try:
        hamiltonian.check_qubits(unitary.n_qubits)
    except InputError as exc:
        raise InputError(exc.message, where=str(hamiltonian_path)) from None
    unknown = sorted(set(values) - set(unitary.parameters))
    if unknown:
        raise InputError(f"--param names symbol(s) the circuit lacks: {', '.join(unknown)}")
    if gradient and not unitary.parameters:
        unitary, values = parameterize_numeric(unitary)
    if gradient:
        energy, grad = expectation_and_gradient(unitary, hamiltonian, values, device=device)
        names = unitary.parameters
    else:
        energy = expectation(unitary, hamiltonian, values, device=device)
        grad, names = None, []
    return ExpectationResult(n_qubits=unitary.n_qubits, energy=float(energy), gradient=grad, names=names)


def _optimize(objective: Callable, x0: np.ndarray, method: str, maxiter: int, tol: float,
              history: list[float]) -> object:
    from scipy.optimize import minimize

    def value_and_grad(x):
        e, g = objective(x)
        history.append(float(e))
        return e, g

    if method == "COBYLA":
        return minimize(lambda x: value_and_grad(x)[0], x0, method="COBYLA",
                        options={"maxiter": maxiter, "rhobeg": 0.5, "tol": tol})
    options = {"maxiter": maxiter, "gtol": tol} if method == "BFGS" else {
        "maxiter": maxiter, "gtol": tol, "ftol": tol * 1e-3}
    return minimize(value_and_grad, x0, jac=True, method=method, options=options)


def run_vqe(hamiltonian: PauliSum, n_electrons: int, ansatz: str = "uccsd", layers: int = 2,
            method: str = "BFGS", maxiter: int = 500, tol: float = 1e-10, restarts: int = 1,
            initial_scale: float = 0.0, seed: int = 0) -> VqeResult:
    """Minimise <H> over the ansatz parameters; the best of ``restarts`` runs is returned.

    >>> h = PauliSum.parse("0.5 Z0 + 0.5 Z1 + 0.2 X0 X1")
    >>> round(run_vqe(h, 0, "hardware_efficient", 1, restarts=2, initial_scale=0.3).energy, 6)
    -1.019804
    """
    require_extra("qsim-opt", "the VQE optimiser")
    n = hamiltonian.n_qubits
    circuit = uccsd(n, n_electrons) if ansatz == "uccsd" else hardware_efficient(n, layers, n_electrons)
    names = circuit.parameters
    objective = get_expectation_with_grad(hamiltonian, circuit, names)
    rng = np.random.default_rng(seed)
    best, best_history = None, []
    for attempt in range(restarts):
        scale = initial_scale if (initial_scale or attempt == 0) else 0.1
        x0 = rng.normal(scale=scale, size=len(names)) if scale else np.zeros(len(names))
        history: list[float] = []
        result = _optimize(objective, x0, method, maxiter, tol, history)
        if best is None or result.fun < best.fun:
            best, best_history = result, history
    if not np.isfinite(best.fun):
        raise WorkFailed("VQE optimisation diverged")
    return VqeResult(energy=float(best.fun), parameters=np.asarray(best.x), names=names,
                     history=np.array(best_history), evaluations=len(best_history),
                     converged=bool(best.success), n_qubits=n, circuit=circuit)


def read_edges(edges: list[list[float]] | None,
               edges_file: str | Path | None) -> list[tuple[int, int, float]]:
    """Edges from a list or a text file (``i j [weight]`` per line, ``#`` comments)."""
    rows: list[tuple[list[float], str]] = []
    if edges_file is not None:
        path = Path(edges_file)
        try:
            lines = path.read_text().splitlines()
        except OSError as exc:
            raise InputError(f"cannot read edge list: {exc.strerror}", where=str(path)) from None
        for k, line in enumerate(lines, 1):
            text = line.split("#")[0].split()
            if text:
                try:
                    rows.append(([float(v) for v in text], f"{path}:{k}"))
                except ValueError:
                    raise InputError(f"edge line is not numbers: {line.strip()!r}",
                                     where=f"{path}:{k}") from None
    for k, edge in enumerate(edges or []):
        rows.append((list(edge), f"edges[{k}]"))
    if not rows:
        raise InputError("the graph has no edges (give 'edges' or 'edges_file')")
    out = []
    for values, where in rows:
        if len(values) not in (2, 3) or values[0] != int(values[0]) or values[1] != int(values[1]):
            raise InputError("an edge is 'i j' or 'i j weight' with integer nodes", where=where)
        i, j = int(values[0]), int(values[1])
        if i == j or i < 0 or j < 0:
            raise InputError(f"bad edge ({i}, {j})", where=where)
        out.append((i, j, float(values[2]) if len(values) == 3 else 1.0))
    return out


def maxcut_hamiltonian(edges: list[tuple[int, int, float]]) -> PauliSum:
    """C = sum_ij w (1 - Z_i Z_j) / 2 (the cut size)."""
    return PauliSum([(-w / 2, ((i, "Z"), (j, "Z"))) for i, j, w in edges], sum(w for *_, w in edges) / 2)


def cut_values(n: int, edges: list[tuple[int, int, float]]) -> np.ndarray:
    """Cut size of every bitstring (index bit k = node k)."""
    index = np.arange(2 ** n, dtype=np.int64)
    cut = np.zeros(2 ** n)
    for i, j, w in edges:
        cut += w * (((index >> i) ^ (index >> j)) & 1)
    return cut


def run_qaoa(edges: list[tuple[int, int, float]], p: int, method: str = "L-BFGS-B", maxiter: int = 300,
             tol: float = 1e-9, restarts: int = 4, seed: int = 0, shots: int = 0) -> QaoaResult:
    """QAOA depth ``p``: maximise <C>; the first start is a linear ramp, the rest are random."""
    require_extra("qsim-opt", "the QAOA optimiser")
    n = max(max(i, j) for i, j, _ in edges) + 1
    if n > 24:
        raise InputError(f"{n} nodes is too many for the exact MaxCut reference (max 24)")
    circuit = qaoa_maxcut(n, edges, p)
    cost = maxcut_hamiltonian(edges)
    names = circuit.parameters  # gamma0, beta0, gamma1, ...
    evaluate = get_expectation_with_grad(cost * -1.0, circuit, names)
    rng = np.random.default_rng(seed)
    best, best_history = None, []
    for attempt in range(restarts):
        if attempt == 0:
            ramp = (np.arange(p) + 0.5) / p
            x0 = np.ravel(np.column_stack([0.8 * ramp, 0.8 * (1 - ramp) * 0.5]))
        else:
            x0 = rng.uniform(0, np.pi / 2, size=len(names))
        history: list[float] = []
        result = _optimize(evaluate, x0, method, maxiter, tol, history)
        if best is None or result.fun < best.fun:
            best, best_history = result, history
    values = dict(zip(names, best.x, strict=True))
    probs = np.abs(final_state(circuit, values)) ** 2
    cuts = cut_values(n, edges)
    expected_cut = float(-best.fun)
    sampled: dict[str, float | str] = {}
    if shots:
        samples = np.random.default_rng(seed).choice(2 ** n, size=shots, p=probs / probs.sum())
        top = int(samples[np.argmax(cuts[samples])])
        sampled["sampled_best_cut"] = float(cuts[top])
        sampled["sampled_best_bitstring"] = format(top, f"0{n}b")[::-1]  # character k = node k
    return QaoaResult(expected_cut=expected_cut, max_cut=float(cuts.max()),
                      approximation_ratio=expected_cut / float(cuts.max()), parameters=np.asarray(best.x),
                      names=names, history=-np.array(best_history), n_qubits=n, probabilities=probs,
                      best_bitstring_probability=float(probs[cuts == cuts.max()].sum()), **sampled)
