"""Gradients of <psi(x)|H|psi(x)>: adjoint differentiation (one forward and one backward
pass) and the parameter-shift rule as an independent cross-check.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> from mstool.toolkit.qsim.observables import PauliSum
>>> energy, grad = expectation_and_gradient(Circuit(1).rx("a", 0), PauliSum.parse("Z0"), {"a": 0.3})
>>> round(energy, 6), round(float(grad[0]), 6)
(0.955336, -0.29552)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim import blocked
from mstool.toolkit.qsim.adjoint import lower_backward, real_inner, run_backward, run_forward
from mstool.toolkit.qsim.blocked import adjoint_ops
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.kernels import PARALLEL_MIN_SIZE
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.qsim.parameters import Parameter
from mstool.toolkit.qsim.statevector import zero_state


def _prepare(circuit: Circuit, hamiltonian: PauliSum, values: Mapping[str, float] | None,
             names: Sequence[str] | None) -> tuple[int, list[str], dict[str, float]]:
    if not circuit.is_unitary:
        raise InputError("gradients need a unitary circuit (no measure, reset or channels)")
    n = circuit.n_qubits
    hamiltonian.check_qubits(n)
    names = list(circuit.parameters if names is None else names)
    values = dict(values or {})
    missing = [s for s in circuit.parameters if s not in values]
    if missing:
        raise InputError(f"unresolved parameter(s): {', '.join(missing)}")
    return n, names, values


def final_state(circuit: Circuit, values: Mapping[str, float] | None = None,
                dtype: str = "complex128", n_qubits: int | None = None, device: str = "cpu") -> np.ndarray:
    """The state a unitary circuit makes from |0...0> (on the path the simulator picks).

    >>> final_state(Circuit(1).x(0)).real.tolist()
    [0.0, 1.0]
    """
    from mstool.toolkit.qsim.simulator import Simulator

    n = circuit.n_qubits if n_qubits is None else n_qubits
    return Simulator(n, dtype, device).run(circuit, values)


def expectation(circuit: Circuit, hamiltonian: PauliSum, values: Mapping[str, float] | None = None,
                dtype: str = "complex128", device: str = "cpu") -> float:
    """<H> in the state ``circuit`` prepares.

    >>> expectation(Circuit(1).x(0), PauliSum.parse("Z0"))
    -1.0
    """
    from mstool.toolkit.qsim.simulator import Simulator

    _prepare(circuit, hamiltonian, values, [])
    sim = Simulator(circuit.n_qubits, dtype, device)
    sim.run(circuit, values)
    return sim.expectation(hamiltonian)


def expectation_and_gradient(circuit: Circuit, hamiltonian: PauliSum, values: Mapping[str, float],
                             names: Sequence[str] | None = None, dtype: str = "complex128",
                             device: str = "cpu") -> tuple[float, np.ndarray]:
    """<H> and its gradient with respect to ``names`` (default: ``circuit.parameters``)
    by the adjoint method: one forward pass, then one backward pass over the gates
    (:meth:`mstool.toolkit.qsim.simulator.Simulator.expectation_and_gradient`)."""
    from mstool.toolkit.qsim.simulator import Simulator

    return Simulator(circuit.n_qubits, dtype, device).expectation_and_gradient(circuit, hamiltonian, values,
                                                                             names)


def blocked_expectation_and_gradient(circuit: Circuit, hamiltonian: PauliSum, values: Mapping[str, float],
                                     names: Sequence[str], dtype: str = "complex128",
                                     max_qubits: tuple[int, int] | None = None):
    """The adjoint method through buffer groups: the forward run, then the backward sweep
    with each group's gates undone on both vectors in the cache; ``max_qubits`` (forward,
    backward) overrides the group sizes. None when a gate is too wide for a group."""
    n = circuit.n_qubits
    forward, backward, params = adjoint_ops(circuit.ops, values)
    if not blocked.fits(forward, n):
        return None
    fwd_max, bwd_max = max_qubits or (None, blocked.adjoint_group_qubits(n))
    psi = zero_state(n, dtype)
    blocked.run_encoded(psi, blocked.plan(forward, n, max_qubits=fwd_max, itemsize=psi.itemsize),
                        from_zero=True)
    lam = hamiltonian.apply(psi)
    energy = real_inner(psi, lam)  # <psi|H|psi> from H|psi>: no second pass of H
    d_theta = 2.0 * blocked.run_encoded(psi, blocked.plan(backward, n, len(params), bwd_max), lam)
    return energy, _chain_rule(params, d_theta, names)


def _chain_rule(params: Sequence[Parameter], d_theta: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """d<H>/d symbol from d<H>/d gate parameter (each a linear form of symbols)."""
    grad: dict[str, float] = {}
    for slot, param in enumerate(params):
        for name, coeff in param.terms.items():
            grad[name] = grad.get(name, 0.0) + coeff * d_theta[slot]
    return np.array([grad.get(s, 0.0) for s in names])


def _flat_expectation_and_gradient(circuit: Circuit, hamiltonian: PauliSum, values: Mapping[str, float],
                                   names: Sequence[str], dtype: str) -> tuple[float, np.ndarray]:
    """The adjoint method over the flat lowered program (gates too wide for a buffer group)."""
    n = circuit.n_qubits
    program = lower_backward(circuit.ops, values, np.dtype(dtype))
    if (1 << n) < PARALLEL_MIN_SIZE:  # small: the compiled flat forward beats per-call dispatch
        psi = zero_state(n, dtype)
        run_forward(psi, program)
    else:  # large: fewer passes over memory with the fused forward
        psi = final_state(circuit, values, dtype)
    lam = hamiltonian.apply(psi)
    energy = real_inner(psi, lam)
    d_theta = run_backward(psi, lam, program)
    return energy, _chain_rule(program.deriv_param, d_theta, names)


def _shift_rule(op: Operation) -> list[tuple[float, float]]:
    """(shift, weight) pairs: two terms for Pauli rotations, four for controlled rotations."""
    if op.controls and op.name != "phase":
        d_plus = (np.sqrt(2) + 1) / (4 * np.sqrt(2))
        d_minus = (np.sqrt(2) - 1) / (4 * np.sqrt(2))
        return [(np.pi / 2, d_plus), (-np.pi / 2, -d_plus),
                (3 * np.pi / 2, -d_minus), (-3 * np.pi / 2, d_minus)]
    return [(np.pi / 2, 0.5), (-np.pi / 2, -0.5)]


def parameter_shift_gradient(circuit: Circuit, hamiltonian: PauliSum, values: Mapping[str, float],
                             names: Sequence[str] | None = None) -> np.ndarray:
    """The gradient by shifting each gate parameter separately (2 or 4 circuit runs each)."""
    n, names, values = _prepare(circuit, hamiltonian, values, names)
    grad = dict.fromkeys(names, 0.0)
    for k, op in enumerate(circuit.ops):
        for j, p in enumerate(op.params):
            if not (isinstance(p, Parameter) and p.symbols):
                continue
            if op.controls and op.name == "u3":
                raise InputError("parameter shift does not cover controlled U3; use the adjoint method")
            base = op.numeric_params(values)
            d_theta = 0.0
            for shift, weight in _shift_rule(op):
                shifted = list(base)
                shifted[j] += shift
                ops = list(circuit.ops)
                ops[k] = replace(op, params=tuple(shifted))
                d_theta += weight * expectation(Circuit(n, ops), hamiltonian, values)
            for name, coeff in p.terms.items():
                if name in grad:
                    grad[name] += coeff * d_theta
    return np.array([grad[s] for s in names])


def batch_expectation(circuit: Circuit, hamiltonian: PauliSum, parameter_sets: np.ndarray,
                      names: Sequence[str] | None = None, gradient: bool = False):
    """<H> (and gradients) for each row of ``parameter_sets`` (shape ``(batch, len(names))``).

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> e = batch_expectation(Circuit(1).rx("a", 0), PauliSum.parse("Z0"), np.array([[0.0], [np.pi]]))
    >>> np.round(e, 6).tolist()
    [1.0, -1.0]
    """
    names = list(circuit.parameters if names is None else names)
    rows = np.atleast_2d(np.asarray(parameter_sets, dtype=float))
    if rows.shape[1] != len(names):
        raise InputError(f"parameter_sets has {rows.shape[1]} columns, expected {len(names)} ({names})")
    energies = np.empty(rows.shape[0])
    grads = np.empty(rows.shape) if gradient else None
    for b, row in enumerate(rows):
        values = dict(zip(names, row, strict=True))
        if gradient:
            energies[b], grads[b] = expectation_and_gradient(circuit, hamiltonian, values, names)
        else:
            energies[b] = expectation(circuit, hamiltonian, values)
    return (energies, grads) if gradient else energies


def get_expectation_with_grad(hamiltonian: PauliSum, circuit: Circuit,
                              names: Sequence[str] | None = None) -> Callable[[np.ndarray], tuple]:
    """A function ``x -> (<H>, gradient)`` over the parameter vector ``x`` (ordered as ``names``).

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> f = get_expectation_with_grad(PauliSum.parse("Z0"), Circuit(1).ry("t", 0))
    >>> e, g = f(np.array([0.0]))
    >>> round(e, 6), round(float(g[0]), 6)
    (1.0, 0.0)
    """
    names = list(circuit.parameters if names is None else names)

    def evaluate(x: np.ndarray) -> tuple[float, np.ndarray]:
        return expectation_and_gradient(circuit, hamiltonian, dict(zip(names, np.asarray(x, float),
                                                                          strict=True)), names)

    return evaluate
