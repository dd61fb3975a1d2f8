"""``mstool preprocess`` on Dask: shard tasks merged into the same artifact as the in-process run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import h5py
import pytest

from mstool.toolkit.preprocess.tasks import task_count
from tests.conftest import run_cli
from tests.preprocess.images import write_demo_set

distributed = pytest.importorskip("distributed")

SMALL_RECIPE = """
recipe: preprocess
ops:
  - {op: resize_shorter, size: 40}
  - {op: center_crop, height: 32, width: 32}
  - {op: normalize, scale: 0.00392156862745098, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}
"""
DATASETS = ("images", "labels", "source", "original_size", "scale", "padding", "affine")


@pytest.fixture
def case(tmp_path, monkeypatch):
    """The demo set plus a file that does not decode, the recipe, and the in-process artifact."""
    monkeypatch.chdir(tmp_path)  # relative inputs, as a user types them
    write_demo_set(tmp_path / "imgs")
    (tmp_path / "imgs" / "blocks" / "broken.jpg").write_bytes(b"\xff\xd8 not a jpeg")
    (tmp_path / "small.yaml").write_text(SMALL_RECIPE)
    result = run_cli("preprocess", "imgs", "-o", "ref.h5", "-r", "small.yaml", "--json")
    assert result.exit_code == 0, result.stderr
    return tmp_path


def assert_same_artifact(reference: Path, other: Path) -> None:
    with h5py.File(reference) as a, h5py.File(other) as b:
        for name in DATASETS:
            x, y = a[name][()], b[name][()]
            assert x.dtype == y.dtype and x.shape == y.shape, name
            assert (x.tolist() == y.tolist()) if x.dtype == object else (x.tobytes() == y.tobytes()), name
        meta_a, meta_b = (json.loads(f.attrs["mstool_meta"]) for f in (a, b))
    assert meta_a == meta_b
    assert meta_a["count"] == 8 and len(meta_a["skipped"]) == 1


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or p.suffix == ".lock")


@pytest.mark.parametrize("processes", [1, 2])
def test_local_processes_write_the_in_process_artifact(case, processes):
    result = run_cli("preprocess", "imgs", "-o", "out.h5", "-r", "small.yaml", "--processes", processes,
                     "--tasks", 3, "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["images"] == 8 and summary["skipped"] == 1
    assert summary["engine"] == f"dask: {processes} local process{'es' if processes > 1 else ''}"
    assert_same_artifact(case / "ref.h5", case / "out.h5")
    with h5py.File(case / "out.h5") as h5:
        assert h5["images"].is_virtual
    assert len(list(case.glob("out.h5.shard-*-of-3.h5"))) == 3
    assert leftovers(case) == []


@pytest.fixture(scope="module")
def thread_cluster():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


def test_scheduler_consolidate_and_a_rerun_replace_the_shards(case, thread_cluster):
    args = ["preprocess", "imgs", "-o", "out.h5", "-r", "small.yaml", "--scheduler", thread_cluster]
    assert run_cli(*args, "--tasks", 4).exit_code == 0
    first = sorted(case.glob("out.h5.shard-*.h5"))
    assert len(first) == 4
    again = run_cli(*args, "--tasks", 2)
    assert again.exit_code == 2 and "exists; pass --overwrite" in again.stderr
    assert run_cli(*args, "--tasks", 2, "--overwrite").exit_code == 0
    second = sorted(case.glob("out.h5.shard-*.h5"))
    assert len(second) == 2 and not set(first) & set(second)  # the earlier run's shards are gone
    assert_same_artifact(case / "ref.h5", case / "out.h5")
    assert run_cli(*args, "--tasks", 5, "--overwrite", "--consolidate").exit_code == 0
    assert list(case.glob("out.h5.shard-*")) == []
    with h5py.File(case / "out.h5") as h5:
        assert not h5["images"].is_virtual
    assert_same_artifact(case / "ref.h5", case / "out.h5")


def test_bad_engine_input_is_one_line_exit_2(case, thread_cluster):
    base = ["preprocess", "imgs", "-r", "small.yaml"]
    result = run_cli(*base, "-o", "x.h5", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2 and "tcp://127.0.0.1:9" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_cli(*base, "-o", "x.h5", "--scheduler", thread_cluster, "--shard", "0/2")
    assert result.exit_code == 2 and "--shard" in result.stderr
    result = run_cli(*base, "-o", "x.h5", "--scheduler", thread_cluster, "--tasks", 99)
    assert result.exit_code == 2 and "--tasks" in result.stderr
    result = run_cli(*base, "-o", "x.h5", "--scheduler", thread_cluster, "--strict")
    assert result.exit_code == 2 and "broken.jpg" in result.stderr
    assert not (case / "x.h5").exists() and list(case.glob("x.h5*")) == []


def test_task_count_follows_images_and_task_slots():
    assert task_count(1024, 1) == 1  # one slot: no idle tail to shorten, largest shards
    assert task_count(40_000, 1) == 40  # ... of at most 1,024 images
    assert task_count(1024, 2) == 8 and task_count(4096, 2) == 16  # shards grow as sqrt(images)
    assert task_count(40_000, 16) % 16 == 0  # equal shares for equal workers
    assert all(32 <= 40_000 / task_count(40_000, w) <= 1024 for w in (1, 2, 8, 64, 1024))
    assert task_count(5, 8) == 1 and task_count(64, 8) == 2  # at least 32 images per shard


def test_a_shard_task_shares_its_worker_cores_among_task_threads(thread_cluster):
    """On a worker running 2 tasks at once each task gets half of the cores."""
    from mstool.toolkit.workers import cores_per_task

    client = distributed.Client(thread_cluster)
    try:
        worker = next(iter(client.nthreads()))
        shares = client.submit(cores_per_task, workers=[worker], pure=False).result()
    finally:
        client.close()
    assert shares == max(1, (os.cpu_count() or 1) // 1)  # this cluster's workers have 1 thread each
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                       dashboard_address=None)
    try:
        with distributed.Client(cluster) as two:
            assert two.submit(cores_per_task, pure=False).result() == max(1, (os.cpu_count() or 1) // 2)
    finally:
        cluster.close()


def die_during_first_shard(marker: str) -> None:
    """Run on every worker: the first shard task to reach its second image kills its process."""
    from mstool.toolkit.preprocess import tasks

    original = tasks.preprocess_images

    def dying(inputs, output, recipe, options, on_skip=None, on_image=None, listed=None):
        written = []

        def after_image():
            written.append(1)
            if len(written) == 2:
                try:
                    fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                except FileExistsError:
                    return
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
                os._exit(1)  # the worker process dies mid-write, holding the shard's lock

        return original(inputs, output, recipe, options, on_skip, after_image, listed)

    tasks.preprocess_images = dying


def test_a_killed_worker_loses_nothing(case):
    """Kill one of 2 worker processes in the middle of a shard: Dask reruns the shard elsewhere."""
    marker = case / "killed"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        pids = set(client.run(os.getpid).values())
        client.run(die_during_first_shard, str(marker))
        result = run_cli("preprocess", "imgs", "-o", "out.h5", "-r", "small.yaml",
                         "--scheduler", cluster.scheduler_address, "--tasks", 2, "--json")
    assert result.exit_code == 0, result.stderr
    assert marker.exists() and int(marker.read_text()) in pids  # a worker did die mid-shard
    assert result.json()["images"] == 8
    assert_same_artifact(case / "ref.h5", case / "out.h5")
    assert leftovers(case) == []


def test_a_shard_task_works_on_its_block_of_the_clients_listing(case):
    """The task does not scan the folder again: a file added after the listing is not in it."""
    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.io import load_recipe
    from mstool.toolkit.preprocess.pipeline import PreprocessOptions, gather_items
    from mstool.toolkit.preprocess.sources import shard_slice
    from mstool.toolkit.preprocess.tasks import ShardTask, run_shard

    options = PreprocessOptions(workers=1, overwrite=True, allow_empty=True, shard=(1, 3))
    items, class_names = gather_items([Path("imgs")], PreprocessOptions(workers=1))
    block = shard_slice(items, (1, 3))
    (case / "imgs" / "blocks" / "a_late.jpg").write_bytes((case / "imgs" / "stripes" / "a.jpg").read_bytes())
    recipe = load_recipe(case / "small.yaml", PreprocessRecipe, [])
    summary = run_shard(ShardTask(tuple(block), tuple(class_names), case, case / "part.h5", recipe, options))
    with h5py.File(case / "part.h5") as h5, h5py.File(case / "ref.h5") as ref:
        sources = [s.decode() for s in h5["source"][()]]
        assert sources == [str(item.path) for item in block if "broken" not in item.path.name]
        assert summary["images"] == len(sources) and "a_late" not in "".join(sources)
        names = list(ref["source"].asstr()[()])
        first = names.index(sources[0])
        assert h5["images"][()].tobytes() == ref["images"][first : first + len(sources)].tobytes()
        assert h5["labels"][()].tolist() == ref["labels"][first : first + len(sources)].tolist()


FORKED_WORKERS = """
import os, sys
from mstool.toolkit.workers import EngineSpec, engine_session, map_tasks

def probe(_):
    from mstool.toolkit.preprocess.kernels import fused_transform_serial
    server_threads = len(os.listdir(f"/proc/{os.getppid()}/task"))  # safe to fork: one thread
    return os.getppid(), "mstool.toolkit.preprocess.worker_start" in sys.modules, \\
        len(fused_transform_serial.overloads), server_threads

if __name__ == "__main__":
    engine = EngineSpec(processes=2)
    with engine_session(engine, preload=("mstool.toolkit.preprocess.worker_start",)) as session:
        print(os.getpid(), map_tasks(probe, [0, 1, 2, 3], engine=engine, description="probe",
                                      session=session))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_local_workers_are_forked_with_the_kernel_loaded(tmp_path):
    """Workers fork from one server that imported the preload and loaded the kernel, not from
    this process and not as fresh interpreters."""
    import ast
    import subprocess

    script = tmp_path / "forked.py"
    script.write_text(FORKED_WORKERS)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    client_pid, probes = done.stdout.split(" ", 1)
    probes = ast.literal_eval(probes)
    parents = {parent for parent, _, _, _ in probes}
    assert len(parents) == 1 and int(client_pid) not in parents  # one forkserver, not the client
    assert all(preloaded and kernels >= 1 for _, preloaded, kernels, _ in probes)
    assert all(threads == 1 for *_, threads in probes)  # BLAS started no thread pool there


def test_the_command_preloads_what_the_tasks_name():
    """The CLI names the preload without importing it (the import would load the kernel)."""
    import inspect

    from mstool.cli import preprocess as command
    from mstool.toolkit.preprocess.tasks import WORKER_PRELOAD

    names = ", ".join(f'"{name}"' for name in WORKER_PRELOAD)
    assert f"preload = ({names},)" in inspect.getsource(command.run_command)
