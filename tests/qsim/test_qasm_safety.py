"""Hostile and careless QASM: every case ends in a one-line InputError naming file:line:col
(or loads correctly), fast and without large allocations."""

from __future__ import annotations

import os
import resource
import time

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.execution import run_circuit
from mstool.toolkit.qsim.qasm import load_qasm, parse_qasm

HEAD = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def _fails_fast(text: str, match: str, seconds: float = 5.0, **kwargs) -> InputError:
    start = time.perf_counter()
    with pytest.raises(InputError, match=match) as err:
        parse_qasm(text, "bad.qasm", **kwargs)
    assert time.perf_counter() - start < seconds
    assert "\n" not in err.value.render()
    return err.value


def test_unterminated_barrier_in_gate_body_is_an_error():
    err = _fails_fast(HEAD + "qreg q[1];\ngate g a { barrier a", "expected ';'|not closed")
    assert err.where.startswith("bad.qasm:")


def test_exponentially_nested_gate_definitions_are_refused_before_expansion():
    lines = [HEAD, "qreg q[1];", "gate g0 a { x a; x a; }"]
    lines += [f"gate g{k} a {{ g{k - 1} a; g{k - 1} a; }}" for k in range(1, 31)]
    lines.append("g30 q[0];")
    _fails_fast("\n".join(lines), "more than 1000000 operations")


def test_broadcast_over_a_huge_register_is_refused_before_allocation():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    err = _fails_fast(HEAD + "qreg q[20000000];\nh q;", "more than the limit of 4096")
    assert err.where == "bad.qasm:3:8"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


def test_includes_must_be_regular_files_inside_the_folder(tmp_path):
    for name, match in (("/dev/zero", "outside the folder"), ("/etc/passwd", "outside the folder"),
                        ("../x.inc", "outside the folder"), ("missing.inc", "not found")):
        path = tmp_path / "main.qasm"
        path.write_text(f'OPENQASM 2.0;\ninclude "{name}";\n')
        with pytest.raises(InputError, match=match) as err:
            load_qasm(path)
        assert err.value.where == f"{path}:2:9"
        assert "root:" not in err.value.render()  # nothing of the file is echoed
    os.mkfifo(tmp_path / "pipe.inc")
    (tmp_path / "main.qasm").write_text('OPENQASM 2.0;\ninclude "pipe.inc";\n')
    with pytest.raises(InputError, match="not a regular file"):
        load_qasm(tmp_path / "main.qasm")
    (tmp_path / "main.qasm").write_text('OPENQASM 2.0;\ninclude "/dev/zero";\n')
    with pytest.raises(InputError, match="not a regular file"):
        load_qasm(tmp_path / "main.qasm", include_dirs=["/dev"])
    with pytest.raises(InputError, match="not a regular file"):
        load_qasm("/dev/zero")


def test_include_allowed_on_request_and_cycles_refused(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "mine.inc").write_text("gate flip a { x a; }\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.qasm").write_text(HEAD + 'include "../lib/mine.inc";\nqreg q[1];\nflip q[0];\n')
    with pytest.raises(InputError, match="outside the folder"):
        load_qasm(work / "main.qasm")
    assert [op.name for op in load_qasm(work / "main.qasm", include_dirs=[lib]).ops] == ["x"]
    (work / "a.inc").write_text('include "b.inc";\n')
    (work / "b.inc").write_text('include "a.inc";\n')
    (work / "cyc.qasm").write_text(HEAD + 'include "a.inc";\n')
    with pytest.raises(InputError, match="include cycle") as err:
        load_qasm(work / "cyc.qasm")
    assert err.value.where.startswith(str((work / "b.inc").resolve()) + ":1:")


@pytest.mark.parametrize("angle", ["1e16", "-3e17", "1e300", "123456789012.5"])
def test_huge_angles_are_reduced_modulo_4pi(angle):
    circ = parse_qasm(HEAD + f"qreg q[2];\nh q[0];\nrx({angle}) q[0];\nu3({angle},{angle},1) q[1];\n"
                      f"crz({angle}) q[0],q[1];", "big.qasm")
    for op in circ.ops:
        assert all(abs(p) < 4 * np.pi for p in op.params)
    probs = run_circuit(circ).probabilities()
    assert abs(probs.sum() - 1) < 1e-12
    reduced = float(np.fmod(float(angle), 4 * np.pi))
    r = repr(reduced)
    ref = parse_qasm(HEAD + f"qreg q[2];\nh q[0];\nrx({r}) q[0];\nu3({r},{r},1) q[1];\ncrz({r}) q[0],q[1];",
                     "small.qasm")
    assert np.allclose(run_circuit(ref).state, run_circuit(circ).state, atol=1e-12)


@pytest.mark.parametrize("expr,match", [
    ("0/0", "division by zero"), ("1e308*10", "not a finite number"),
    ("1e308*10 - 1e308*10", "not a finite number"), ("sqrt(-1)", "not a finite number"),
    ("ln(0)", "not a finite number"), ("exp(1000)", "not a finite number"),
    ("(-8)^(1/3)", "cannot evaluate"), ("10^400", "cannot evaluate|not a finite"),
])
def test_non_finite_parameters_are_refused(expr, match):
    err = _fails_fast(HEAD + f"qreg q[1];\nrx({expr}) q[0];", match)
    assert err.where.startswith("bad.qasm:4:")


def test_deep_and_long_expressions_are_bounded():
    _fails_fast(HEAD + "qreg q[1];\nrx(" + "(" * 5000 + "1" + ")" * 5000 + ") q[0];", "nests deeper")
    _fails_fast(HEAD + "qreg q[1];\nrx(" + "-" * 5000 + "1) q[0];", "nests deeper")
    _fails_fast(HEAD + "qreg q[1];\nrx(" + "+".join(["1"] * 5000) + ") q[0];", "more than 256 terms")


@pytest.mark.parametrize("body,match,position", [
    ("qreg q[2];\nhh q[0];", "unknown gate 'hh'; did you mean 'h'", "4:1"),
    ("qreg q[2];\nctrl @ h q,q;", "same qubit twice", "4:8"),
    ("qreg q[2];\ngate g a { ctrl @ x a, a; }\ng q[0];", "same qubit twice", "4:19"),
    ("qreg q[2];\ncrx(0.1) q[0];", "acts on 2 qubit", "4:1"),
    ("qreg q[2];\nh r[0];", "unknown quantum register 'r'", "4:3"),
    ("qreg q[2];\nmeasure q[0] -> c[0];", "unknown classical register 'c'", "4:17"),
    ("opaque magic a;\n", "opaque gate 'magic'", "3:1"),
    ("qreg q[2];\ngate g a { nope a; }", "unknown gate 'nope'", "4:12"),
    ("qreg q[2];\ngate g a { h b; }", "'b' is not an argument", "4:14"),
    ("qreg q[99999999999999999999];", "larger than the limit", "3:8"),
    ("qreg q[0];", "at least one bit", "3:8"),
    ("creg c[2];\nqreg q[2];\nif(c==4) x q[0];", "does not fit in 2 bit", "5:7"),
    ("qreg q[1];\n/* open comment", "comment is not closed", "4:1"),
    ("OPENQASM 2.0;", "must come first", "3:1"),
])
def test_bad_input_is_one_line_with_position(body, match, position):
    err = _fails_fast(HEAD + body, match)
    assert err.where == f"bad.qasm:{position}"


def test_non_utf8_file_is_an_input_error(tmp_path):
    path = tmp_path / "bin.qasm"
    path.write_bytes(b"OPENQASM 2.0;\n\xff\xfe qreg")
    with pytest.raises(InputError, match="not UTF-8"):
        load_qasm(path)
