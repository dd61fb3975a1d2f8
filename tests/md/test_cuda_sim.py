"""numba.cuda kernels (pair forces, kick/drift) against the CPU path under NUMBA_ENABLE_CUDASIM=1.

The simulator must be enabled before numba.cuda is imported, so the check runs in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

SCRIPT = r"""
import numpy as np
from mstool.toolkit.md.builders import tip3p_box
from mstool.toolkit.md.constraints import constraints_for
from mstool.toolkit.md.forcefield import build_forcefield
from mstool.toolkit.md.forces.nonbonded import NonbondedSettings
from mstool.toolkit.md.integrators import Integrator, State, maxwell_boltzmann
from mstool.toolkit.md.kernels import cuda

assert cuda.available()
water = tip3p_box(2)
for method in ("pme", "cutoff", "nocutoff"):
    settings = NonbondedSettings(method=method, cutoff=0.3)
    cpu = build_forcefield(water, settings, device="cpu")
    gpu = build_forcefield(water, settings, device="cuda")
    e_cpu, f_cpu = cpu.energy_forces(water.positions, water.box)
    e_gpu, f_gpu = gpu.energy_forces(water.positions, water.box)
    assert abs(e_cpu - e_gpu) < 1e-9 * abs(e_cpu), (method, e_cpu, e_gpu)
    assert np.abs(f_cpu - f_gpu).max() < 1e-8, method
settings = NonbondedSettings(method="pme", cutoff=0.3)
states = []
for device in ("cpu", "cuda"):
    ff = build_forcefield(water, settings, device=device)
    cons = constraints_for(water, "hbonds")
    integ = Integrator("langevin_middle", 0.002, water.masses, cons, seed=3, device=device)
    v0 = maxwell_boltzmann(water.masses, 300.0, np.random.default_rng(1))
    st = State(water.positions.copy(), v0, water.box)
    for _ in range(5):
        integ.step(st, ff)
    states.append(st.positions.copy())
assert np.abs(states[0] - states[1]).max() < 1e-10
print("cudasim ok")
"""


def test_cuda_kernels_match_cpu_under_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cudasim ok" in result.stdout
