"""Fuzzing the QASM parser: every generated program either loads (and then simulates to
finite, normalised probabilities, and exports to OpenQASM 3 that reads back the same) or
fails with one InputError, within a per-case deadline.

CI runs a bounded, seeded budget. The long run (>= 5,000 cases) is:
    MSTOOL_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/qsim/test_qasm_fuzz.py \
        --hypothesis-show-statistics
"""

from __future__ import annotations

import os
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, seed, settings

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.execution import run_circuit
from mstool.toolkit.qsim.qasm import parse_qasm
from mstool.toolkit.qsim.qasm_export import to_qasm
from tests.qsim.qasm_grammar import programs

EXAMPLES = int(os.environ.get("MSTOOL_FUZZ_EXAMPLES", "300"))
SIMULATE_UP_TO = 10  # qubits: larger circuits that load are only parsed


def _write_includes(folder) -> None:
    (folder / "other.inc").write_text("gate g1 a { x a; }\n")
    (folder / "loop.inc").write_text('include "loop.inc";\n')
    (folder / "self.qasm").write_text('OPENQASM 2.0;\ninclude "self.qasm";\n')


@pytest.mark.filterwarnings("ignore::mstool.toolkit.qsim.qasm.QasmWarning")
@seed(20261207)
@settings(max_examples=EXAMPLES, deadline=timedelta(seconds=5), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=programs())
def test_parser_loads_or_raises_input_error(text):
    folder = _folder()
    try:
        circ = parse_qasm(text, "fuzz.qasm", base_dir=folder)
    except InputError as err:
        assert err.where is None or err.where.startswith(("fuzz.qasm:", str(folder)))
        assert "\n" not in err.render()
        event("InputError")
        return
    event("loaded")
    if circ.n_qubits > SIMULATE_UP_TO or circ.parameters:
        return
    try:
        result = run_circuit(circ, shots=8, seed=1)
    except InputError:
        event("loaded, refused by the simulator")
        return
    probs = result.probabilities()
    if probs is not None:
        assert np.all(np.isfinite(probs)) and abs(probs.sum() - 1) < 1e-9
    event("loaded and simulated")
    _check_export_round_trip(circ, result)


def _check_export_round_trip(circ, result) -> None:
    """What loads also exports as OpenQASM 3 (or fails with InputError) and reads back to the
    same operations and, for a unitary circuit, the same state."""
    try:
        text = to_qasm(circ, 3)
    except InputError:
        event("not exportable (InputError)")
        return
    back = parse_qasm(text, "export.qasm")
    assert back.n_qubits == circ.n_qubits and back.n_clbits == circ.n_clbits
    if not any(o.name == "unitary" for o in circ.ops):  # a custom unitary comes back as U + gphase
        assert [(o.name, o.qubits, o.condition) for o in back.ops] == \
            [(o.name, o.qubits, o.condition) for o in circ.ops]
    if result.state is not None:
        assert np.max(np.abs(run_circuit(back).state - result.state)) < 1e-9
    event("exported and re-read identically")


_FOLDER = None


def _folder():
    global _FOLDER
    if _FOLDER is None:
        import tempfile
        from pathlib import Path

        _FOLDER = Path(tempfile.mkdtemp(prefix="qasm-fuzz-"))
        _write_includes(_FOLDER)
    return _FOLDER
