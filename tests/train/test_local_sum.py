"""The shared-memory gradient sum of local workers against numpy's sum of the same arrays."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from mstool.toolkit.train.local_sum import LocalSum

# small arrays come back as copies, large ones as views; the workers' slices cut through arrays
SHAPES = [(3, 4), (7,), (50, 97), (2, 2, 5), (5003,)]


def _arrays(worker: int, call: int) -> list[np.ndarray]:
    rng = np.random.default_rng(100 * worker + call)
    return [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]


def _worker(path: str, worker: int, workers: int, calls: int, out) -> None:
    summer = LocalSum(path, worker, workers, wait_s=60)
    # the sums are views into the shared file, valid until the next call: keep copies
    out.put((worker, [[a.copy() for a in summer(_arrays(worker, call))] for call in range(calls)]))


@pytest.mark.parametrize("workers", [2, 3])
def test_every_worker_gets_the_sum_of_all_workers_in_worker_order(tmp_path, workers):
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    procs = [context.Process(target=_worker, args=(str(tmp_path / "sum"), w, workers, 5, out))
             for w in range(workers)]
    for proc in procs:
        proc.start()
    results = dict(out.get(timeout=120) for _ in procs)
    for proc in procs:
        proc.join(timeout=30)
    for call in range(5):
        parts = [_arrays(w, call) for w in range(workers)]
        for i in range(len(SHAPES)):
            expected = parts[0][i].copy()
            for other in parts[1:]:
                expected += other[i]
            for w in range(workers):  # bitwise the same on every worker
                got = results[w][call][i]
                assert got.shape == SHAPES[i] and got.dtype == np.float32
                np.testing.assert_array_equal(got, expected)


def test_a_missing_peer_times_out_with_a_clear_message(tmp_path):
    summer = LocalSum(tmp_path / "sum", worker=1, workers=2, wait_s=0.2)
    with pytest.raises(TimeoutError, match="waited 0.2 s for the shared file"):
        summer([np.ones(2, np.float32)])


def test_no_room_for_the_shared_file_is_a_clear_error(tmp_path, monkeypatch):
    import errno
    import os

    def full(fd, offset, length):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "posix_fallocate", full)
    summer = LocalSum(tmp_path / "sum", worker=0, workers=2)
    with pytest.raises(OSError, match="no room for .* MiB .*MSTOOL_TRAIN_LOCAL_SUM=0"):
        summer([np.ones(2, np.float32)])
    assert list(tmp_path.iterdir()) == []  # no half-made file left behind


def test_arrays_of_other_sizes_than_the_first_call_are_refused(tmp_path):
    summer = LocalSum(tmp_path / "sum", worker=0, workers=1)
    summer([np.ones(5000, np.float32)])
    with pytest.raises(ValueError, match="array sizes changed"):
        summer([np.ones(4000, np.float32)])
