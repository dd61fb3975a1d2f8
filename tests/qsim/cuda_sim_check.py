"""Run under NUMBA_ENABLE_CUDASIM=1 (by test_cuda.py): the CUDA path against the CPU path."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.qsim.backend import select_backend
from mstool.toolkit.qsim.gradients import final_state
from mstool.toolkit.qsim.statevector import Simulator
from tests.qsim.helpers import random_circuit, random_hamiltonian


def main() -> None:
    assert select_backend("auto").name == "cuda"
    rng = np.random.default_rng(21)
    circ = random_circuit(4, 25, rng, max_controls=1)
    ham = random_hamiltonian(4, 5, rng)
    cpu = final_state(circ)
    for fuse in (True, False):
        sim = Simulator(4, device="cuda")
        sim.apply_circuit(circ, fuse_gates=fuse)
        gpu = sim.get_state()
        err = float(np.max(np.abs(gpu - cpu)))
        assert err < 1e-10, err
        e_err = abs(sim.expectation(ham) - ham.expectation(cpu))
        assert e_err < 1e-10, e_err
    print("cuda-sim ok")


if __name__ == "__main__":
    main()
