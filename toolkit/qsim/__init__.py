"""Quantum circuit simulation: circuits as data, Numba state-vector kernels, Pauli-sum
observables, adjoint gradients, OpenQASM, noise, VQE/QAOA and a Keras QNN layer.

>>> from mstool.toolkit.qsim import Circuit, PauliSum, expectation_and_gradient
>>> circ = Circuit(2).h(0).cx(0, 1).ry("t", 1)
>>> e, g = expectation_and_gradient(circ, PauliSum.parse("Z0 Z1"), {"t": 0.0})
>>> round(e, 6), round(float(g[0]), 6)
(1.0, 0.0)

TensorFlow is imported only by :mod:`mstool.toolkit.qsim.qnn`.
"""

from mstool.toolkit.qsim.algorithms import run_qaoa, run_vqe
from mstool.toolkit.qsim.ansatz import hardware_efficient, qaoa_maxcut, uccsd
from mstool.toolkit.qsim.circuit import (
    ISWAP,
    RX,
    RY,
    RZ,
    SDG,
    SWAP,
    SX,
    TDG,
    U3,
    Circuit,
    GateSpec,
    H,
    I,
    Operation,
    Phase,
    Rxx,
    Ryy,
    Rzz,
    S,
    T,
    UnitaryGate,
    X,
    Y,
    Z,
)
from mstool.toolkit.qsim.execution import marginal_probabilities, run_circuit, run_shots
from mstool.toolkit.qsim.gradients import (
    batch_expectation,
    expectation,
    expectation_and_gradient,
    final_state,
    get_expectation_with_grad,
    parameter_shift_gradient,
)
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.qsim.parameters import Parameter
from mstool.toolkit.qsim.qasm import load_qasm, parse_qasm
from mstool.toolkit.qsim.qasm_export import to_qasm
from mstool.toolkit.qsim.simulator import Simulator

__all__ = [
    "Circuit", "GateSpec", "Operation", "Parameter", "PauliSum", "Simulator", "UnitaryGate",
    "I", "X", "Y", "Z", "H", "S", "SDG", "T", "TDG", "SX", "SWAP", "ISWAP",
    "RX", "RY", "RZ", "Phase", "U3", "Rxx", "Ryy", "Rzz",
    "batch_expectation", "expectation", "expectation_and_gradient", "final_state",
    "get_expectation_with_grad", "parameter_shift_gradient",
    "run_circuit", "run_shots", "marginal_probabilities", "load_qasm", "parse_qasm", "to_qasm",
    "uccsd", "hardware_efficient", "qaoa_maxcut", "run_vqe", "run_qaoa",
]
