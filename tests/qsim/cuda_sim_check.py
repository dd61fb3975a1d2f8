"""Run under NUMBA_ENABLE_CUDASIM=1 (by test_cuda.py): the CUDA path against the CPU path
for a run, an expectation value and an adjoint gradient, all through one Simulator."""

from __future__ import annotations

import numpy as np

from mstool.toolkit.qsim.backend import select_backend
from mstool.toolkit.qsim.circuit import Circuit, GateSpec
from mstool.toolkit.qsim.gradients import expectation, expectation_and_gradient, final_state
from mstool.toolkit.qsim.simulator import Simulator
from tests.qsim.helpers import random_circuit, random_hamiltonian


def check_run_and_expectation(rng: np.random.Generator) -> None:
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
    assert abs(expectation(circ, ham, device="cuda") - ham.expectation(cpu)) < 1e-10


def check_gradients(rng: np.random.Generator) -> None:
    # symbolic random gates (rotations, u3, rxx/ryy/rzz, controlled ones) plus a controlled u3 and
    # a controlled rzz: 1- and 2-qubit derivatives, with and without controls
    circ = random_circuit(4, 20, rng, symbolic=True, max_controls=1, custom=True)
    circ += GateSpec("u3", ("p0", "p1", "p2")).on(1, 0)
    circ += GateSpec("rzz", ("p3",)).on((0, 2), 1)
    ham = random_hamiltonian(4, 6, rng)
    values = {f"p{k}": float(v) for k, v in enumerate(rng.normal(size=4))}
    names = [f"p{k}" for k in range(4)]
    cpu_energy, cpu_grad = expectation_and_gradient(circ, ham, values, names)
    sim = Simulator(4, device="cuda")
    assert sim.path(circ).gradient == "device"
    energy, grad = sim.expectation_and_gradient(circ, ham, values, names)
    assert abs(energy - cpu_energy) < 1e-10, (energy, cpu_energy)
    assert np.max(np.abs(grad - cpu_grad)) < 1e-10, (grad, cpu_grad)
    assert np.max(np.abs(cpu_grad)) > 1e-3  # a gradient that says something
    e64, g64 = expectation_and_gradient(circ, ham, values, names, dtype="complex64", device="cuda")
    assert abs(e64 - cpu_energy) < 1e-4 and np.max(np.abs(g64 - cpu_grad)) < 1e-4
    # numeric parameters only: no derivative slots, the energy still comes back
    fixed = Circuit(3).h(0).cx(0, 1).ry(0.4, 2)
    e_fixed, g_fixed = expectation_and_gradient(fixed, ham.__class__.parse("Z0 Z1 + X2"), {}, [],
                                                device="cuda")
    assert abs(e_fixed - (1.0 + np.sin(0.4))) < 1e-10 and g_fixed.shape == (0,)


def main() -> None:
    assert select_backend("auto").name == "cuda"
    rng = np.random.default_rng(21)
    check_run_and_expectation(rng)
    check_gradients(rng)
    print("cuda-sim ok")


if __name__ == "__main__":
    main()
