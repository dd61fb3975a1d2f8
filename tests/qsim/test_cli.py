"""``mstool qsim`` end to end: JSON outputs, artifacts and bad input (exit 2, one line)."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.io import read_artifact
from tests.conftest import REPO_ROOT, run_cli
from tests.qsim.dense_reference import pauli_matrix, reference_state

DATA = REPO_ROOT / "recipes" / "data" / "qsim"


def test_run_reports_little_endian_probabilities_and_counts(tmp_path):
    sv = tmp_path / "sv.h5"
    res = run_cli("qsim", "run", DATA / "ghz3.qasm", "--shots", "500", "--seed", "3", "--statevector", sv,
                  "--json")
    assert res.exit_code == 0, res.stderr
    out = res.json()
    assert out["n_qubits"] == 3 and len(out["probabilities"]) == 8
    assert out["probabilities"][0] == pytest.approx(0.5) and out["probabilities"][7] == pytest.approx(0.5)
    assert set(out["counts"]) == {"000", "111"} and sum(out["counts"].values()) == 500
    info = read_artifact(sv, "qsim-result")
    assert info.meta.n_qubits == 3
    import h5py

    with h5py.File(sv) as h5:
        assert np.allclose(np.abs(h5["statevector"][()]) ** 2, out["probabilities"])


def test_run_is_seeded_and_little_endian(tmp_path):
    qasm = tmp_path / "x1.qasm"
    qasm.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nx q[1];\n')
    out = run_cli("qsim", "run", qasm, "--json").json()
    assert np.argmax(out["probabilities"]) == 2  # bit k of the index is qubit k
    a = run_cli("qsim", "run", DATA / "teleport.qasm", "--shots", "300", "--seed", "5", "--json").json()
    b = run_cli("qsim", "run", DATA / "teleport.qasm", "--shots", "300", "--seed", "5", "--json").json()
    assert a["shot_by_shot"] and a["counts"] == b["counts"] and "probabilities" not in a


def test_expect_with_gradient_matches_dense_reference(tmp_path):
    from mstool.toolkit.qsim.observables import PauliSum
    from mstool.toolkit.qsim.qasm import load_qasm

    out_h5 = tmp_path / "e.h5"
    res = run_cli("qsim", "expect", DATA / "ansatz.qasm", "--hamiltonian", DATA / "h2.txt", "--grad",
                  "-o", out_h5, "--json")
    assert res.exit_code == 0, res.stderr
    out = res.json()
    circ = load_qasm(DATA / "ansatz.qasm")
    ham = PauliSum.load(DATA / "h2.txt")
    psi = reference_state(circ)
    assert out["energy"] == pytest.approx(np.vdot(psi, pauli_matrix(ham, 4) @ psi).real, abs=1e-10)
    assert set(out["gradient"]) == {"op2_0", "op3_0", "op4_0"}
    assert read_artifact(out_h5, "qsim-result").meta.energy == pytest.approx(out["energy"])


def test_vqe_h2_reaches_fci(tmp_path):
    res = run_cli("qsim", "vqe", REPO_ROOT / "recipes" / "vqe_h2.yaml", "-o", tmp_path / "v.h5", "--json")
    assert res.exit_code == 0, res.stderr
    energy = res.json()["energy"]
    assert abs(energy - (-1.1373060358)) < 1e-6
    info = read_artifact(tmp_path / "v.h5", "qsim-result")
    assert info.meta.energy == pytest.approx(energy)


def test_bundled_hamiltonians_have_the_fci_ground_state():
    from mstool.toolkit.qsim.observables import PauliSum

    h2 = PauliSum.load(DATA / "h2.txt")
    assert len(h2) == 15 and h2.n_qubits == 4
    assert np.linalg.eigvalsh(pauli_matrix(h2, 4))[0] == pytest.approx(-1.1373060358, abs=1e-9)
    lih = PauliSum.load(DATA / "lih.txt")
    assert len(lih) == 631 and lih.n_qubits == 12
    from scipy.sparse.linalg import LinearOperator, eigsh

    op = LinearOperator((4096, 4096), matvec=lambda v: lih.apply(np.ascontiguousarray(v, dtype=complex)),
                        dtype=complex)
    ground = eigsh(op, k=1, which="SA", tol=1e-12)[0][0]
    assert ground == pytest.approx(-7.8823243789, abs=1e-8)


def test_qaoa_petersen_ratio_above_085():
    res = run_cli("qsim", "qaoa", REPO_ROOT / "recipes" / "qaoa_maxcut.yaml", "--set", "restarts=2",
                  "--set", "shots=0", "--json")
    assert res.exit_code == 0, res.stderr
    out = res.json()
    assert out["max_cut"] == 12 and out["approximation_ratio"] > 0.85


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("args,message", [
    (("run", "{bad}"), "bad.qasm:5:1: expected ';'"),
    (("run", "{unknown}"), "unknown.qasm:4:1: unknown gate 'foo'"),
    (("run", "{range}"), "range.qasm:4:5: index 5 is out of range"),
    (("run", "{missing}"), "cannot read QASM file"),
    (("expect", "{ghz}", "--hamiltonian", "{h5q}"), "acts on qubit 4 but the circuit has 3"),
    (("expect", "{sym}", "--hamiltonian", "{h1}"), "unresolved parameter"),
    (("expect", "{ghz}", "--hamiltonian", "{hbad}"), "hbad.txt:1:5: unexpected character"),
    (("run", "{big}"), "GiB"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, message):
    header = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
    files = {
        "bad": _write(tmp_path, "bad.qasm", header + "qreg q[1];\nh q[0]\n"),
        "unknown": _write(tmp_path, "unknown.qasm", header + "qreg q[1];\nfoo q[0];\n"),
        "range": _write(tmp_path, "range.qasm", header + "qreg q[2];\nh q[5];\n"),
        "missing": tmp_path / "nope.qasm",
        "ghz": DATA / "ghz3.qasm",
        "h5q": _write(tmp_path, "h5q.txt", "0.5 Z0 Z4"),
        "h1": _write(tmp_path, "h1.txt", "1.0 Z0"),
        "hbad": _write(tmp_path, "hbad.txt", "0.5 Q0"),
        "sym": _write(tmp_path, "sym.qasm", 'OPENQASM 3;\ninclude "stdgates.inc";\ninput float t;\n'
                      "qubit[1] q;\nrx(t) q[0];\n"),
        "big": _write(tmp_path, "big.qasm", header + "qreg q[38];\nh q[0];\n"),
    }
    res = run_cli("qsim", *[a.format(**files) for a in args])
    assert res.exit_code == 2
    assert message in res.stderr and res.stderr.strip().count("\n") == 0


def test_bad_recipe_field_exits_2(tmp_path):
    recipe = _write(tmp_path, "v.yaml", "recipe: qsim.vqe\nhamiltonian: h.txt\nn_electrons: 2\nansatz: foo\n")
    res = run_cli("qsim", "vqe", recipe)
    assert res.exit_code == 2 and "ansatz" in res.stderr
