"""Ansatz circuits: UCCSD (Jordan-Wigner, one Pauli rotation per string), the
hardware-efficient ansatz, Pauli-string rotations and the QAOA MaxCut circuit.

>>> uccsd(4, 2).parameters
['s0', 's1', 'd0']
"""

from __future__ import annotations

from itertools import combinations

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, GateSpec
from mstool.toolkit.qsim.parameters import Parameter, ParamLike

_PRODUCT = {  # (a, b) -> (phase, a*b) for single-qubit Paulis
    ("I", "I"): (1, "I"), ("I", "X"): (1, "X"), ("I", "Y"): (1, "Y"), ("I", "Z"): (1, "Z"),
    ("X", "I"): (1, "X"), ("X", "X"): (1, "I"), ("X", "Y"): (1j, "Z"), ("X", "Z"): (-1j, "Y"),
    ("Y", "I"): (1, "Y"), ("Y", "X"): (-1j, "Z"), ("Y", "Y"): (1, "I"), ("Y", "Z"): (1j, "X"),
    ("Z", "I"): (1, "Z"), ("Z", "X"): (1j, "Y"), ("Z", "Y"): (-1j, "X"), ("Z", "Z"): (1, "I"),
}


def _multiply(a: dict, b: dict) -> dict:
    """Product of two Pauli polynomials {string: coefficient}."""
    out: dict[str, complex] = {}
    for sa, ca in a.items():
        for sb, cb in b.items():
            phase, chars = 1, []
            for pa, pb in zip(sa, sb, strict=True):
                f, p = _PRODUCT[(pa, pb)]
                phase *= f
                chars.append(p)
            key = "".join(chars)
            out[key] = out.get(key, 0) + phase * ca * cb
    return out


def _ladder(n: int, j: int, create: bool) -> dict:
    """Jordan-Wigner a_j^dagger (create) or a_j on n qubits (string index k = qubit k)."""
    z = "Z" * j
    rest = "I" * (n - j - 1)
    return {z + "X" + rest: 0.5, z + "Y" + rest: -0.5j if create else 0.5j}


def excitation_generator(n: int, creations: list[int], annihilations: list[int]) -> list[tuple[float, str]]:
    """T - T^dagger for T = prod a_c^dagger prod a_a, as ``[(r, pauli_string)]`` with
    T - T^dagger = i * sum r P."""
    term = {"I" * n: 1.0}
    for c in creations:
        term = _multiply(term, _ladder(n, c, True))
    for a in annihilations:
        term = _multiply(term, _ladder(n, a, False))
    out = []
    for string, coeff in term.items():
        anti = coeff - coeff.conjugate()  # T - T^dagger keeps twice the imaginary part
        if abs(anti) > 1e-12:
            out.append(((anti / 1j).real, string))
    return out


def pauli_rotation(circuit: Circuit, pauli: str, angle: ParamLike) -> None:
    """Append exp(-i angle/2 P) for the Pauli string ``pauli`` (character k = qubit k)."""
    qubits = [q for q, p in enumerate(pauli) if p != "I"]
    if not qubits:
        return
    for q in qubits:
        if pauli[q] == "X":
            circuit.h(q)
        elif pauli[q] == "Y":
            circuit.add("sdg", q).h(q)
    for a, b in zip(qubits, qubits[1:], strict=False):
        circuit.cx(a, b)
    circuit.rz(angle, qubits[-1])
    for a, b in reversed(list(zip(qubits, qubits[1:], strict=False))):
        circuit.cx(a, b)
    for q in qubits:
        if pauli[q] == "X":
            circuit.h(q)
        elif pauli[q] == "Y":
            circuit.h(q).add("s", q)


def uccsd(n_qubits: int, n_electrons: int) -> Circuit:
    """Hartree-Fock state then spin-conserving single (``sK``) and double (``dK``) excitations,
    each exp(theta (T - T^dagger)) as commuting Pauli rotations (spin orbital 2k: alpha, 2k+1: beta)."""
    if n_electrons > n_qubits or n_electrons < 0:
        raise InputError(f"n_electrons={n_electrons} does not fit in {n_qubits} spin orbitals")
    circ = Circuit(n_qubits)
    for q in range(n_electrons):
        circ.x(q)
    occupied, virtual = range(n_electrons), range(n_electrons, n_qubits)
    excitations = [([a], [i]) for i in occupied for a in virtual if a % 2 == i % 2]
    n_singles = len(excitations)
    for i, j in combinations(occupied, 2):
        for a, b in combinations(virtual, 2):
            if sorted((a % 2, b % 2)) == sorted((i % 2, j % 2)):
                excitations.append(([a, b], [j, i]))
    for k, (creations, annihilations) in enumerate(excitations):
        theta = Parameter(f"s{k}" if k < n_singles else f"d{k - n_singles}")
        for r, string in excitation_generator(n_qubits, creations, annihilations):
            pauli_rotation(circ, string, -2.0 * r * theta)  # exp(i theta r P) = exp(-i(-2 r theta)/2 P)
    return circ


def hardware_efficient(n_qubits: int, layers: int, n_electrons: int = 0) -> Circuit:
    """X on the first ``n_electrons`` qubits, then ``layers`` of RY, RZ on all and a CNOT
    chain, and a final RY, RZ layer."""
    circ = Circuit(n_qubits)
    for q in range(n_electrons):
        circ.x(q)
    for layer in range(layers + 1):
        for q in range(n_qubits):
            circ.ry(f"y{layer}_{q}", q).rz(f"z{layer}_{q}", q)
        if layer < layers:
            for q in range(n_qubits - 1):
                circ.cx(q, q + 1)
    return circ


def qaoa_maxcut(n_nodes: int, edges: list[tuple[int, int, float]], p: int) -> Circuit:
    """|+>^n then p rounds of exp(-i gamma_k sum w Z_i Z_j / ...) and RX(2 beta_k) mixers."""
    circ = Circuit(n_nodes)
    for q in range(n_nodes):
        circ.h(q)
    for k in range(p):
        gamma, beta = Parameter(f"gamma{k}"), Parameter(f"beta{k}")
        for i, j, w in edges:
            circ += GateSpec("rzz", (-w * gamma,)).on((i, j))
        for q in range(n_nodes):
            circ.rx(2.0 * beta, q)
    return circ
