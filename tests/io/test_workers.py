"""The batch engine: the in-process loop, Dask through an existing scheduler and a local cluster."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mstool.toolkit import extras, workers
from mstool.toolkit.errors import InputError
from mstool.toolkit.workers import EngineSpec, engine_from_options, map_tasks, worker_cached

distributed = pytest.importorskip("distributed")


def square(x: int) -> int:
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise InputError("item three is bad", where="items.txt:3")
    return x


def fail_once(args: tuple[str, int]) -> int:
    """Raise the first time an item is seen (a marker file remembers it), then succeed."""
    marker, x = args
    path = Path(f"{marker}-{x}")
    if not path.exists():
        path.write_text("seen")
        raise RuntimeError(f"first try of {x}")
    return x + 100


def die_once(args: tuple[str, int]) -> int:
    """Kill this worker process the first time item 0 runs (a lost worker, not an exception)."""
    marker, x = args
    if x == 0 and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        os._exit(1)
    return x


BUILDS: list[int] = []


def pid_and_model(x: int) -> tuple[int, int]:
    model = worker_cached(("test-model",), lambda: BUILDS.append(1) or {"pid": os.getpid()})
    assert model["pid"] == os.getpid()
    return os.getpid(), len(BUILDS)


def malloc_trim_threshold() -> str | None:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def housekeeping_clocks() -> tuple:
    import dask

    return tuple(dask.config.get(key) for key in ("distributed.admin.tick.interval",
                                                  "distributed.admin.system-monitor.interval",
                                                  "distributed.worker.memory.monitor-interval"))


def profile_enabled() -> bool:
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


@pytest.fixture(scope="module")
def thread_cluster():
    """A scheduler with 2 workers as threads of this process (processes=False): the wiring."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    yield EngineSpec(scheduler=cluster.scheduler_address)
    cluster.close()


def test_in_process_is_a_plain_loop_in_order_with_progress():
    ticks = []
    assert map_tasks(square, [3, 1, 2], engine=EngineSpec(), description="sq",
                     progress=ticks.append) == [9, 1, 4]
    assert ticks == [1, 1, 1]
    with pytest.raises(InputError, match="items.txt:3"):
        map_tasks(fail_on_three, [1, 3], engine=EngineSpec(), description="x")


def test_engine_from_options(monkeypatch):
    monkeypatch.delenv(workers.SCHEDULER_ENV, raising=False)
    assert engine_from_options(None, None).in_process
    assert engine_from_options(None, 3) == EngineSpec(None, 3)
    monkeypatch.setenv(workers.SCHEDULER_ENV, "tcp://head:8786")
    assert engine_from_options(None, None) == EngineSpec("tcp://head:8786", None)
    assert engine_from_options(None, 2) == EngineSpec(None, 2)  # the option wins
    with pytest.raises(InputError, match="not both"):
        engine_from_options("tcp://a:1", 2)
    with pytest.raises(InputError, match="--processes: must be at least 1"):
        engine_from_options(None, 0)


def test_scheduler_results_in_order_with_progress(thread_cluster, tmp_path):
    ticks = []
    items = list(range(12))
    got = map_tasks(square, items, engine=thread_cluster, description="squares",
                    shared_path=tmp_path, progress=ticks.append)
    assert got == [x * x for x in items]
    assert sum(ticks) == 12
    assert not list(tmp_path.iterdir())  # the probe file is gone


def test_scheduler_retries_a_failed_task(thread_cluster, tmp_path):
    marker = str(tmp_path / "seen")
    got = map_tasks(fail_once, [(marker, x) for x in range(4)], engine=thread_cluster,
                    description="flaky", retries=1)
    assert got == [100, 101, 102, 103]
    with pytest.raises(RuntimeError, match="first try"):
        map_tasks(fail_once, [(str(tmp_path / "again"), 0)], engine=thread_cluster,
                  description="flaky", retries=0)


def bad_input_once(args: tuple[str, int]) -> int:
    """Bad input the first time (a marker file counts the tries): not retried."""
    marker, x = args
    with open(marker, "a") as tries:
        tries.write("x")
    raise InputError("bad", where=f"item {x}")


def test_scheduler_bad_input_is_one_error_and_not_retried(thread_cluster, tmp_path):
    with pytest.raises(InputError, match="items.txt:3: item three is bad") as err:
        map_tasks(fail_on_three, [1, 2, 3, 4], engine=thread_cluster, description="x")
    assert err.value.exit_code == 2
    marker = tmp_path / "tries"
    with pytest.raises(InputError, match="item 5: bad"):
        map_tasks(bad_input_once, [(str(marker), 5)], engine=thread_cluster, description="x", retries=2)
    assert marker.read_text() == "x"


def test_workers_that_cannot_see_the_folder(thread_cluster, tmp_path, monkeypatch):
    with pytest.raises(InputError, match="not a folder"):
        map_tasks(square, [1], engine=thread_cluster, description="x", shared_path=tmp_path / "no")
    monkeypatch.setattr(workers, "_read_probe", lambda path: None)  # as on a machine without the mount
    with pytest.raises(InputError, match=f"workers cannot see {tmp_path}"):
        map_tasks(square, [1], engine=thread_cluster, description="x", shared_path=tmp_path)
    assert not list(tmp_path.iterdir())


def test_unreachable_scheduler_is_exit_2_within_10_s():
    start = time.monotonic()
    with pytest.raises(InputError) as err:
        map_tasks(square, [1], engine=EngineSpec("tcp://127.0.0.1:9"), description="x")
    assert err.value.exit_code == 2
    assert "tcp://127.0.0.1:9" in str(err.value) and "did not answer" in str(err.value)
    assert time.monotonic() - start < 10


def test_missing_dask_extra_names_it(monkeypatch):
    real = extras.is_installed
    monkeypatch.setattr(extras, "is_installed", lambda m: m != "distributed" and real(m))
    with pytest.raises(extras.MissingExtra, match=r"pip install 'mstool\[dask\]'") as err:
        map_tasks(square, [1], engine=EngineSpec(None, 2), description="preprocess")
    assert err.value.exit_code == 2
    with pytest.raises(extras.MissingExtra, match=r"the Dask engine \(dask: 2 local processes\) needs"):
        engine_from_options(None, 2)
    assert map_tasks(square, [2], engine=EngineSpec(), description="x") == [4]  # in-process needs no Dask


def test_two_local_processes_and_a_lost_worker(tmp_path):
    """One real LocalCluster of 2 processes: results in order, each worker builds its model once,
    and a worker that dies mid-task loses nothing (Dask reruns the task on a live worker)."""
    from mstool.toolkit.workers import engine_session

    engine = EngineSpec(processes=2)
    with engine_session(engine) as session:
        got = map_tasks(pid_and_model, range(8), engine=engine, description="pids", shared_path=tmp_path,
                        session=session)
        profiling = session.client().run(profile_enabled)
        trims = session.client().run(malloc_trim_threshold)
        clocks = session.client().run(housekeeping_clocks)
    assert set(clocks.values()) == {("1s", "2s", "1s")}  # slow housekeeping clocks on the workers
    assert list(profiling.values()) == [False, False]  # no dashboard, so no stack sampling
    if malloc_trim_threshold() is None:  # glibc keeps its adaptive mmap threshold on the workers
        assert list(trims.values()) == [None, None]
    pids = {pid for pid, _ in got}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert all(builds == 1 for _, builds in got)
    marker = tmp_path / "died"
    assert map_tasks(die_once, [(str(marker), x) for x in range(6)], engine=engine,
                     description="die") == list(range(6))
    assert marker.exists() and int(marker.read_text()) != os.getpid()


def test_worker_cached_builds_once_per_process():
    workers.clear_worker_cache()
    calls = []
    first = worker_cached("k", lambda: calls.append(1) or object())
    assert worker_cached("k", lambda: calls.append(1) or object()) is first
    assert calls == [1]
    workers.clear_worker_cache()


def test_a_session_starts_in_the_background_and_serves_several_maps(thread_cluster):
    from mstool.toolkit.workers import engine_session

    with engine_session(thread_cluster) as session:
        assert session.task_slots() == 2  # the cluster's 2 workers of 1 thread
        first = map_tasks(square, [1, 2], engine=thread_cluster, description="a", session=session)
        second = map_tasks(square, [3], engine=thread_cluster, description="b", session=session)
        client = session.client()
        session.release()  # the client closes in the background ...
        session.release()  # ... once
    assert (first, second) == ([1, 4], [9])
    assert client.status == "closed"  # ... and the block waited for it


def test_a_session_reports_an_unreachable_scheduler_when_asked():
    from mstool.toolkit.workers import engine_session

    start = time.monotonic()
    with engine_session(EngineSpec("tcp://127.0.0.1:9")) as session:  # opening does not wait
        opened = time.monotonic() - start
        with pytest.raises(InputError, match="did not answer"):
            session.client()
    assert opened < 1 and time.monotonic() - start < 10
