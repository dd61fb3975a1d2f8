"""The standard gate libraries: qelib1.inc (OpenQASM 2, as Qiskit ships it) and
stdgates.inc (OpenQASM 3), mapped onto the simulator's gates with Qiskit's matrices.

The native table derives from the spellings in ``GATES`` (toolkit/qsim/gates.py); only the
library aliases and parameter mappings (u2, u0, cu) are listed here.

A native gate builds its operations directly; the relative-phase Toffolis (rccx, rc3x)
are expanded from their library definitions, kept here as QASM text.

>>> [op.name for op in native_operations("cu", (0.1, 0.2, 0.3, 0.4), [0, 1])]
['phase', 'u3']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from mstool.toolkit.qsim.circuit import GateSpec, Operation
from mstool.toolkit.qsim.gates import GATES


@dataclass(frozen=True)
class NativeGate:
    """``n_params`` parameters, ``n_qubits`` operands (controls first), and a builder."""

    n_params: int
    n_qubits: int
    build: Callable[[tuple, list[int]], list[Operation]]


def _controlled(internal: str, n_controls: int, mapper: Callable = lambda *p: p):
    def build(params: tuple, qubits: list[int]) -> list[Operation]:
        spec = GateSpec(internal, mapper(*params))
        return [spec.on(qubits[n_controls:], qubits[:n_controls] or None)]

    return build


def _cu(params: tuple, qubits: list[int]) -> list[Operation]:
    """cu(theta, phi, lambda, gamma): controlled e^{i gamma} U3, i.e. P(gamma) on the control."""
    theta, phi, lam, gamma = params
    return [GateSpec("phase", (gamma,)).on(qubits[0]),
            GateSpec("u3", (theta, phi, lam)).on(qubits[1], qubits[0])]


def _gate(internal: str, n_controls: int, n_params: int, n_targets: int = 1,
          mapper: Callable = lambda *p: p) -> NativeGate:
    return NativeGate(n_params, n_controls + n_targets, _controlled(internal, n_controls, mapper))


def _U2(phi: float, lam: float) -> tuple:  # noqa: N802 - u2 is U(pi/2, phi, lambda)
    return (math.pi / 2, phi, lam)


QELIB1_GATES = frozenset(
    "u3 u2 u1 cx id u0 u p x y z h s sdg t tdg rx ry rz sx sxdg cz cy swap ch ccx cswap crx cry crz "
    "cu1 cp cu3 csx cu rxx rzz rccx rc3x c3x c3sqrtx c4x".split())
STDGATES_GATES = frozenset(
    "p x y z h s sdg t tdg sx rx ry rz cx cy cz cp crx cry crz ch swap ccx cswap cu CX phase cphase "
    "id u1 u2 u3".split())
LIBRARIES = {"qelib1.inc": QELIB1_GATES, "stdgates.inc": STDGATES_GATES}
BUILTINS = frozenset({"U", "CX"})


def _spelled_gates() -> dict[str, NativeGate]:
    """Every OpenQASM name a gate's ``GateDef.qasm`` spells, with its number of controls."""
    table: dict[str, NativeGate] = {}
    for gate in GATES.values():
        spelling = gate.qasm
        names = [*enumerate(spelling.v2), *enumerate(spelling.v3_controlled), (0, spelling.v3)]
        for n_controls, name in names:
            if name and "@" not in name:
                table.setdefault(name, _gate(gate.name, n_controls, gate.n_params, gate.n_targets))
    return table


# Library names that are not a gate's own spelling: aliases, and gates with a parameter mapping.
_LIBRARY_ALIASES: dict[str, NativeGate] = {
    "u": _gate("u3", 0, 3), "u2": _gate("u3", 0, 2, 1, _U2), "u0": _gate("i", 0, 1, 1, lambda gamma: ()),
    "phase": _gate("phase", 0, 1), "CX": _gate("x", 1, 0), "cphase": _gate("phase", 1, 1),
    "cu": NativeGate(4, 2, _cu),
}
_LIBRARY_NAMES = QELIB1_GATES | STDGATES_GATES | BUILTINS
NATIVE: dict[str, NativeGate] = {
    **{name: g for name, g in _spelled_gates().items() if name in _LIBRARY_NAMES}, **_LIBRARY_ALIASES}
# Spelled but in neither library (ryy, iswap, iswapdg): common in hand-written files; a file's own
# definition wins.
EXTENSIONS = {name: g for name, g in _spelled_gates().items() if name not in _LIBRARY_NAMES}

# qelib1.inc definitions of the gates with no single simulator gate (relative phases matter)
COMPOSITE_DEFINITIONS = """
gate rccx a,b,c { u2(0,pi) c; u1(pi/4) c; cx b, c; u1(-pi/4) c; cx a, c; u1(pi/4) c; cx b, c;
  u1(-pi/4) c; u2(0,pi) c; }
gate rc3x a,b,c,d { u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; cx a,d; u1(pi/4) d;
  cx b,d; u1(-pi/4) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; u2(0,pi) d; u1(pi/4) d; cx c,d;
  u1(-pi/4) d; u2(0,pi) d; }
"""
COMPOSITE_GATES = frozenset({"rccx", "rc3x"})


def native_operations(name: str, params: tuple, qubits: list[int]) -> list[Operation]:
    """The simulator operations of native gate ``name`` on ``qubits`` (controls first).

    >>> native_operations("ccx", (), [0, 1, 2])[0].controls
    (0, 1)
    """
    gate = NATIVE.get(name) or EXTENSIONS[name]
    return gate.build(tuple(params), list(qubits))


def native_gate(name: str) -> NativeGate | None:
    """The native gate called ``name``, if any.

    >>> native_gate("cu").n_params, native_gate("nope")
    (4, None)
    """
    return NATIVE.get(name) or EXTENSIONS.get(name)
