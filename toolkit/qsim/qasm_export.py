"""Writing circuits as OpenQASM 2.0 (qelib1 gates); OpenQASM 3 when symbols remain.

>>> from mstool.toolkit.qsim.circuit import Circuit
>>> print(to_qasm(Circuit(2).h(0).cx(0, 1)))
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
h q[0];
cx q[0],q[1];
<BLANKLINE>
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.parameters import Parameter

_CONTROLLED = {
    1: {"x": "cx", "y": "cy", "z": "cz", "h": "ch", "swap": "cswap", "rx": "crx", "ry": "cry",
        "rz": "crz", "phase": "cu1", "u3": "cu3", "sx": "csx"},
    2: {"x": "ccx"}, 3: {"x": "c3x"}, 4: {"x": "c4x"},
}
_PLAIN = {"i": "id", "phase": "u1"}


def _num(p, version: int) -> str:
    if isinstance(p, Parameter):
        if version == 2:
            raise InputError(f"cannot write unresolved parameter '{p}' to OpenQASM 2; resolve it first")
        return str(p)
    return repr(float(p))


def _zyz(u: np.ndarray) -> tuple[float, float, float]:
    """u3 angles of a 2x2 unitary (up to a global phase)."""
    u = u / np.sqrt(np.linalg.det(u))
    theta = 2 * np.arctan2(abs(u[1, 0]), abs(u[0, 0]))
    phi_plus_lam = 2 * np.angle(u[1, 1]) if abs(u[1, 1]) > 1e-12 else 0.0
    phi_minus_lam = 2 * np.angle(u[1, 0]) if abs(u[1, 0]) > 1e-12 else 0.0
    return float(theta), float((phi_plus_lam + phi_minus_lam) / 2), float((phi_plus_lam - phi_minus_lam) / 2)


def _gate_lines(op: Operation, version: int) -> list[str]:
    args = ",".join(f"q[{q}]" for q in op.controls + op.targets)
    params = list(op.params)
    name = op.name
    if name == "unitary":
        if op.controls or len(op.targets) != 1:
            raise InputError("only uncontrolled 1-qubit custom unitaries can be written to QASM")
        name, params = "u3", list(_zyz(op.matrix))
    if name == "ryy" and not op.controls:
        a, b = op.targets
        return [f"rx(pi/2) q[{a}];", f"rx(pi/2) q[{b}];", f"rzz({_num(params[0], version)}) q[{a}],q[{b}];",
                f"rx(-pi/2) q[{a}];", f"rx(-pi/2) q[{b}];"]
    if name in ("iswap", "iswapdg") and not op.controls:
        sign = "-" if name == "iswap" else ""
        ryy = Operation("ryy", op.targets, params=(-np.pi / 2 if sign else np.pi / 2,))
        return [f"rxx({sign}pi/2) q[{op.targets[0]}],q[{op.targets[1]}];"] + _gate_lines(ryy, version)
    if op.controls:
        qasm = _CONTROLLED.get(len(op.controls), {}).get(name)
    else:
        qasm = _PLAIN.get(name, name if name not in ("ryy", "iswap", "iswapdg") else None)
    if qasm is None:
        raise InputError(f"gate '{op.label()}' with {len(op.controls)} control(s) has no qelib1 equivalent")
    text = qasm + ("(" + ",".join(_num(p, version) for p in params) + ")" if params else "")
    return [f"{text} {args};"]


def to_qasm(circuit: Circuit, version: int = 2) -> str:
    """OpenQASM text of ``circuit`` (one ``q`` register, one ``c`` register)."""
    if version == 2 and circuit.parameters:
        raise InputError(f"cannot write unresolved parameter(s) {circuit.parameters} to OpenQASM 2; "
                         "resolve them first or write OpenQASM 3")
    n, m = circuit.n_qubits, circuit.n_clbits
    if version == 2:
        lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{n}];"] + ([f"creg c[{m}];"] if m else [])
    else:
        lines = ["OPENQASM 3;", 'include "stdgates.inc";']
        lines += [f"input float[64] {s};" for s in circuit.parameters]
        lines += [f"qubit[{n}] q;"] + ([f"bit[{m}] c;"] if m else [])
    for op in circuit.ops:
        if op.name == "barrier":
            lines.append("barrier " + ",".join(f"q[{q}]" for q in (op.targets or range(n))) + ";")
            continue
        if op.name == "measure":
            body = [f"measure q[{op.targets[0]}] -> c[{op.clbits[0]}];" if version == 2
                    else f"c[{op.clbits[0]}] = measure q[{op.targets[0]}];"]
        elif op.name == "reset":
            body = [f"reset q[{op.targets[0]}];"]
        elif op.is_gate:
            body = _gate_lines(op, version)
        else:
            raise InputError(f"operation '{op.name}' cannot be written to QASM")
        if op.condition is not None:
            clbits, value = op.condition
            if list(clbits) != list(range(m)):
                raise InputError("only conditions on the whole classical register can be written to QASM")
            body = [f"if(c=={value}) {line}" for line in body]
        lines.extend(body)
    return "\n".join(lines) + "\n"
