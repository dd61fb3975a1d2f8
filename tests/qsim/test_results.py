"""VQE, QAOA and <H> of a file return frozen records with the field names their reports use."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mstool.toolkit.qsim.algorithms import QaoaResult, VqeResult, expectation_of_file, run_qaoa, run_vqe
from mstool.toolkit.qsim.observables import PauliSum
from tests.conftest import REPO_ROOT

pytest.importorskip("scipy")


def test_vqe_result_is_frozen_with_the_report_fields():
    result = run_vqe(PauliSum.parse("0.5 Z0 + 0.5 Z1 + 0.2 X0 X1"), 0, "hardware_efficient", 1)
    assert isinstance(result, VqeResult)
    assert list(result.to_dict()) == ["energy", "parameters", "names", "history", "evaluations",
                                      "converged", "n_qubits", "circuit"]
    assert result.evaluations == len(result.history) and result.energy == min(result.history)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.energy = 0.0


@pytest.mark.parametrize("shots", [0, 50])
def test_qaoa_result_leaves_out_the_sampled_cut_without_shots(shots):
    result = run_qaoa([(0, 1, 1.0), (1, 2, 1.0)], p=1, restarts=1, shots=shots)
    assert isinstance(result, QaoaResult) and result.max_cut == 2.0
    keys = result.to_dict().keys()
    assert ("sampled_best_cut" in keys) == bool(shots) and ("sampled_best_bitstring" in keys) == bool(shots)
    assert np.isclose(result.probabilities.sum(), 1.0)


def test_expectation_result_names_match_the_gradient():
    data = REPO_ROOT / "recipes" / "data" / "qsim"
    result = expectation_of_file(data / "ansatz.qasm", data / "h2.txt", {}, gradient=True)
    assert len(result.names) == len(result.gradient) > 0
    assert result.to_dict()["energy"] == result.energy
