"""One CUDA probe, one device rule and one serial/parallel helper for every domain."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit import backend
from mstool.toolkit.errors import InputError
from tests.conftest import REPO_ROOT, run_cli

NO_GPU = backend.CudaProbe(False, "no GPU here (test)")


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(backend, "cuda_probe", lambda: NO_GPU)


@pytest.fixture
def simulated_gpu(monkeypatch):
    monkeypatch.setattr(backend, "cuda_probe", lambda: backend.CudaProbe(True, "the numba CUDA simulator"))


def test_the_probe_runs_once_and_keeps_its_reason():
    first = backend.cuda_probe()
    assert backend.cuda_probe() is first
    assert first.reason and backend.cuda_available() == first.available


def test_resolve_device(no_gpu):
    assert backend.resolve_device("cpu") == "cpu"
    assert backend.resolve_device("auto") == "cpu"
    with pytest.raises(backend.DeviceUnavailable) as err:
        backend.resolve_device("cuda", where="device")
    assert err.value.exit_code == 2
    assert str(err.value) == "device: cuda requested but no CUDA GPU is available: no GPU here (test)"
    with pytest.raises(InputError, match="must be cpu, cuda or auto, got 'tpu'"):
        backend.resolve_device("tpu")


def test_auto_takes_cuda_when_it_can_run(simulated_gpu):
    assert backend.resolve_device("auto") == "cuda"
    assert backend.resolve_device("cuda") == "cuda"


def test_every_domain_asks_the_same_probe(simulated_gpu):
    from mstool.toolkit.md.forces.nonbonded import select_pair_kernel
    from mstool.toolkit.qsim.backend import cuda_available as qsim_cuda_available

    assert qsim_cuda_available() is True
    with pytest.raises(InputError, match="must be cpu, cuda or auto"):
        select_pair_kernel("gpu")


def test_device_cuda_without_a_gpu_is_the_same_error_in_every_command(no_gpu, tmp_path):
    qasm = tmp_path / "bell.qasm"
    qasm.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n')
    images = tmp_path / "images"
    images.mkdir()
    commands = {
        "qsim": ["qsim", "run", qasm, "--device", "cuda"],
        "simulate": ["simulate", REPO_ROOT / "recipes" / "sponge.yaml", "--device", "cuda"],
        "preprocess": ["preprocess", "run", images, "-o", tmp_path / "x.h5", "-r",
                       REPO_ROOT / "recipes" / "resnet_224.yaml", "--device", "cuda"],
    }
    expected = "error: --device: cuda requested but no CUDA GPU is available: no GPU here (test)"
    for name, args in commands.items():
        result = run_cli(*args)
        assert (result.exit_code, result.stderr.strip()) == (2, expected), name
    assert not (tmp_path / "x.h5").exists()


def test_size_dispatch_runs_the_serial_build_below_the_threshold():
    from numba import prange

    def add_one(x):
        for i in prange(x.shape[0]):
            x[i] += 1.0

    run = backend.size_dispatch(add_one, threshold=8, cache=False)
    small, large = np.zeros(4), np.zeros(8)
    run(small)
    run(large)
    assert small.tolist() == [1.0] * 4 and large.tolist() == [1.0] * 8
    assert len(run.serial.signatures) == 1 and len(run.parallel.signatures) == 1
    assert run.serial.__name__ == "add_one_serial" and run.parallel.__name__ == "add_one_parallel"


def test_use_parallel_needs_size_and_threads(monkeypatch):
    import numba

    monkeypatch.setattr(numba, "get_num_threads", lambda: 1)
    assert not backend.use_parallel(10**9, threshold=10)
    monkeypatch.setattr(numba, "get_num_threads", lambda: 4)
    assert backend.use_parallel(10, threshold=10) and not backend.use_parallel(9, threshold=10)
