"""``mstool qsim export``, ``run --noise`` and ``--include-dir``, and QASM bad input through
the CLI: one line on stderr, exit 2, no output file."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.qsim.execution import run_circuit
from mstool.toolkit.qsim.qasm import load_qasm
from tests.conftest import REPO_ROOT, run_cli

DATA = REPO_ROOT / "recipes" / "data" / "qsim"
PROGRAM = """OPENQASM 2.0;
include "qelib1.inc";
qreg anc[2];
qreg work[3];
creg flags[2];
h anc[0];
cu(0.3,0.2,0.1,0.4) anc[0],work[1];
rccx anc[0],anc[1],work[2];
measure anc[0] -> flags[0];
if(flags==1) x work[0];
"""


def test_export_to_qasm3_keeps_registers_and_reimports_identically(tmp_path):
    src = tmp_path / "in.qasm"
    src.write_text(PROGRAM)
    out = tmp_path / "out.qasm"
    res = run_cli("qsim", "export", src, "-o", out, "--version", "3", "--json")
    assert res.exit_code == 0, res.stderr
    text = out.read_text()
    assert text.startswith("OPENQASM 3.0;") and "qubit[2] anc;" in text and "bit[2] flags;" in text
    assert "if (flags == 1) { x work[0]; }" in text
    original, back = load_qasm(src), load_qasm(out)
    assert back.qregs == original.qregs and back.cregs == original.cregs
    assert [(o.name, o.qubits, o.condition) for o in back.ops] == [(o.name, o.qubits, o.condition)
                                                                   for o in original.ops]
    again = tmp_path / "again.qasm"
    assert run_cli("qsim", "export", out, "-o", again, "--version", "3").exit_code == 0
    assert again.read_text() == text
    assert res.json()["operations"] == len(original.ops)


def test_export_round_trip_preserves_the_state(tmp_path):
    src = tmp_path / "in.qasm"
    src.write_text(PROGRAM.replace("measure anc[0] -> flags[0];\nif(flags==1) x work[0];\n", ""))
    ref = run_circuit(load_qasm(src)).state
    for version in ("2", "3"):
        out = tmp_path / f"v{version}.qasm"
        assert run_cli("qsim", "export", src, "-o", out, "--version", version).exit_code == 0
        assert np.max(np.abs(run_circuit(load_qasm(out)).state - ref)) < 1e-10


def test_run_with_noise_is_seeded_and_mixes_outcomes():
    a = run_cli("qsim", "run", DATA / "ghz3.qasm", "--shots", "400", "--seed", "2", "--noise",
                "depolarizing:0.2", "--json")
    assert a.exit_code == 0, a.stderr
    b = run_cli("qsim", "run", DATA / "ghz3.qasm", "--shots", "400", "--seed", "2", "--noise",
                "depolarizing:0.2", "--json")
    assert a.json()["counts"] == b.json()["counts"] and a.json()["shot_by_shot"]
    assert sum(a.json()["counts"].values()) == 400
    assert set(a.json()["counts"]) - {"000", "111"}  # noise leaves the GHZ subspace
    quiet = run_cli("qsim", "run", DATA / "ghz3.qasm", "--shots", "400", "--seed", "2", "--json").json()
    assert set(quiet["counts"]) == {"000", "111"}


def test_bad_noise_and_bad_qasm_exit_2_with_one_line(tmp_path):
    res = run_cli("qsim", "run", DATA / "ghz3.qasm", "--noise", "depolarising:0.1")
    assert res.exit_code == 2 and "unknown model 'depolarising'" in res.stderr
    res = run_cli("qsim", "run", DATA / "ghz3.qasm", "--noise", "depolarizing:2")
    assert res.exit_code == 2 and "[0, 1]" in res.stderr
    bad = tmp_path / "bad.qasm"
    bad.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncxx q[0],q[1];\n')
    out = tmp_path / "o.qasm"
    res = run_cli("qsim", "export", bad, "-o", out)
    assert res.exit_code == 2 and not out.exists()
    assert f"{bad}:4:1: unknown gate 'cxx'; did you mean 'cx'?" in " ".join(res.stderr.split())
    assert len(res.stderr.strip().splitlines()) == 1


def test_include_outside_needs_include_dir_and_no_version_line_warns(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "mine.inc").write_text("gate flip a { x a; }\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.qasm").write_text('include "qelib1.inc";\ninclude "../lib/mine.inc";\n'
                                    'qreg q[1];\nflip q[0];\n')
    res = run_cli("qsim", "run", work / "main.qasm", "--json")
    assert res.exit_code == 2 and "outside the folder" in res.stderr
    res = run_cli("qsim", "run", work / "main.qasm", "--include-dir", lib, "--json")
    assert res.exit_code == 0, res.stderr
    assert res.json()["probabilities"] == [0.0, 1.0]
    assert "no 'OPENQASM' version line" in res.stderr


def test_circuit_larger_than_the_simulator_is_one_line_exit_2(tmp_path):
    big = tmp_path / "big.qasm"
    big.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[45];\nh q;\n')
    res = run_cli("qsim", "run", big, "--json")
    assert res.exit_code == 2 and "45 qubits is more than this simulator supports" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
