"""Hypothesis strategies that write OpenQASM 2/3 programs from the grammar, with hostile
values (huge sizes and angles, NaN-making expressions, bad includes) and random byte-level
mutations, for the parser's fuzz test."""

from __future__ import annotations

from hypothesis import strategies as st

GATES = ["h", "x", "cx", "ccx", "rx", "ry", "rz", "u3", "u2", "u1", "p", "cp", "cu", "cu1", "cu3",
         "crx", "cry", "crz", "ch", "csx", "rccx", "rc3x", "c3x", "c3sqrtx", "c4x", "rxx", "rzz", "sxdg", "u",
         "id", "u0", "swap", "cswap", "U", "CX", "gphase", "g0", "g1", "hh", "notagate", "measure", "reset"]
REGS = ["q"] * 6 + ["c", "c", "r", "undefined"]
NUMBERS = ["0.1", "0.2", "1.5", "0", "1", "2", "0.5", "pi", "-pi/2", "1e16", "1e308", "1e-320",
           "99999999999999999999", "tau", "θ", "theta", "a", "nan", "inf"]


VALID_NUMBERS = ["0.1", "0.2", "1.5", "0", "1", "2", "0.5", "pi", "-pi/2", "1e16", "1e-320", "tau"]


@st.composite
def expressions(draw, depth: int = 0, numbers: tuple = tuple(NUMBERS)):
    if depth > 3 or draw(st.booleans()):
        return draw(st.sampled_from(numbers))
    kind = draw(st.sampled_from(["bin", "neg", "call", "paren"]))
    if kind == "bin":
        op = draw(st.sampled_from(["+", "-", "*", "/", "^", "**"]))
        return f"{draw(expressions(depth + 1, numbers))}{op}{draw(expressions(depth + 1, numbers))}"
    if kind == "neg":
        return f"-{draw(expressions(depth + 1, numbers))}"
    if kind == "call":
        fns = ["sin", "cos"]
        if "nan" in numbers:
            fns += ["tan", "exp", "ln", "sqrt", "acos", "nofn"]
        fn = draw(st.sampled_from(fns))
        return f"{fn}({draw(expressions(depth + 1, numbers))})"
    return f"({draw(expressions(depth + 1, numbers))})"


def operand():
    index = st.sampled_from(["", "[0]", "[0]", "[1]", "[1]", "[2]", "[2]", "[5]", "[-1]", "[99999999999]"])
    return st.builds(lambda r, i: r + i, st.sampled_from(REGS), index)


@st.composite
def gate_call(draw):
    modifiers = ["ctrl @ ", "negctrl @ ", "inv @ ", "pow(2) @ ", "pow(0.5) @ ", "ctrl(2) @ ", "pow(-1) @ ",
                 "pow(1e9) @ "]
    mods = draw(st.lists(st.sampled_from(modifiers), max_size=2))
    name = draw(st.sampled_from(GATES))
    params = draw(st.lists(expressions(), max_size=4 if draw(st.booleans()) else 1))
    args = draw(st.lists(operand(), min_size=1, max_size=4))
    p = f"({','.join(params)})" if params or draw(st.booleans()) else ""
    return f"{''.join(mods)}{name}{p} {','.join(args)};"


@st.composite
def statement(draw):
    kinds = ["qreg", "creg", "qubit", "bit", "measure", "measure3", "reset", "barrier", "if", "if3", "gate",
             "include", "input", "opaque"]
    kind = draw(st.sampled_from(["call"] * 8 + kinds))
    size = draw(st.sampled_from(["1", "2", "3", "0", "40", "5000", "20000000", "99999999999999999999"]))
    reg = draw(st.sampled_from(REGS))
    if kind == "call":
        return draw(gate_call())
    if kind in ("qreg", "creg"):
        return f"{kind} {reg}[{size}];"
    if kind in ("qubit", "bit"):
        return f"{kind}[{size}] {reg};"
    if kind == "measure":
        return f"measure {draw(operand())} -> {draw(operand())};"
    if kind == "measure3":
        return f"{draw(operand())} = measure {draw(operand())};"
    if kind in ("reset", "barrier"):
        return f"{kind} {draw(operand())};"
    if kind == "if":
        return f"if({reg}=={draw(st.sampled_from(['0', '1', '3', '99']))}) {draw(gate_call())}"
    if kind == "if3":
        cond = draw(st.sampled_from([f"{reg}[0]", f"!{reg}[1]", f"{reg} == 2", f"{reg}[0] == true"]))
        tail = draw(st.sampled_from(["", f" else {{ {draw(gate_call())} }}"]))
        return f"if ({cond}) {{ {draw(gate_call())} }}{tail}"
    if kind == "gate":
        name = draw(st.sampled_from(["g0", "g1", "h", "rccx", "x"]))
        params = draw(st.sampled_from(["", "(a)", "(a,b)", "(θ)"]))
        body = " ".join(draw(st.lists(gate_call(), max_size=3)))
        body = body.replace("q", "a").replace("r[", "b[")
        return f"gate {name}{params} a,b {{ {body} }}"
    if kind == "include":
        name = draw(st.sampled_from(["qelib1.inc", "stdgates.inc", "other.inc", "../x.inc", "/dev/zero",
                                     "/etc/passwd", "", "self.qasm", "loop.inc"]))
        return f'include "{name}";'
    if kind == "input":
        kind = draw(st.sampled_from(["float", "angle", "int"]))
        return f"input {kind}[64] {draw(st.sampled_from(['a', 'θ']))};"
    return "opaque g1 a;"


# name -> (parameters, qubits) of gates both libraries share, for well-formed calls
WELL_FORMED = {"h": (0, 1), "x": (0, 1), "cx": (0, 2), "ccx": (0, 3), "rx": (1, 1), "u3": (3, 1),
               "cp": (1, 2), "crz": (1, 2), "swap": (0, 2), "cswap": (0, 3), "cu": (4, 2)}


@st.composite
def well_formed_call(draw) -> str:
    name = draw(st.sampled_from(sorted(WELL_FORMED)))
    n_params, n_qubits = WELL_FORMED[name]
    mods = draw(st.sampled_from(["", "", "", "inv @ ", "ctrl @ ", "pow(2) @ ", "negctrl @ "]))
    qubits = draw(st.permutations(range(4)))[: n_qubits + (1 if "ctrl" in mods else 0)]
    params = [draw(expressions(numbers=tuple(VALID_NUMBERS))) for _ in range(n_params)]
    p = f"({','.join(params)})" if params else ""
    return f"{mods}{name}{p} {','.join(f'q[{k}]' for k in qubits)};"


@st.composite
def programs(draw) -> str:
    if draw(st.booleans()):
        version = draw(st.sampled_from([2, 3]))
        calls = draw(st.lists(well_formed_call(), max_size=8))
        if version == 2:
            calls = [c for c in calls if "@" not in c]
            head = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\ncreg c[4];\n'
        else:
            head = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[4] q;\nbit[4] c;\n'
        extra = draw(st.lists(statement(), max_size=1))
        return _damage(draw, head + "\n".join(calls + extra))
    header = draw(st.sampled_from(["OPENQASM 2.0;\ninclude \"qelib1.inc\";\n",
                                   "OPENQASM 3;\ninclude \"stdgates.inc\";\n",
                                   "", "OPENQASM 4.0;\n", "OPENQASM 3.0;\n"]))
    decls = draw(st.sampled_from(["qreg q[3];\ncreg c[3];\n", "qubit[3] q;\nbit[3] c;\n", ""]))
    return _damage(draw, header + decls + "\n".join(draw(st.lists(statement(), max_size=8))))


def _damage(draw, text: str) -> str:
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # byte-level damage: cut, duplicate or insert
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 12)))
        how = draw(st.sampled_from(["cut", "dup", "insert"]))
        if how == "cut":
            text = text[:i] + text[j:]
        elif how == "dup":
            text = text[:j] + text[i:j] + text[j:]
        else:
            piece = draw(st.sampled_from(list("{}();,[]@!=/*\"\x00é\n") + ["gate", "if"]))
            text = text[:i] + piece + text[i:]
    return text
