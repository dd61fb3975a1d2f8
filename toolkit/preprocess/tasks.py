"""preprocess on the batch engine: contiguous shards of the sorted inputs as tasks, merged here.

Each task is the ``--shard i/N`` run writing ``OUT.shard-<run>-<i>-of-<N>.h5`` next to the
output; the client joins them with :func:`~mstool.toolkit.preprocess.merge.merge_shards`.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import check_writable, output_lock
from mstool.toolkit.preprocess.geometry import GeometryError, fixed_output_shape
from mstool.toolkit.preprocess.merge import merge_shards
from mstool.toolkit.preprocess.pipeline import (
    PreprocessOptions,
    PreprocessReport,
    gather_items,
    preprocess_images,
)
from mstool.toolkit.preprocess.sources import Item, shard_slice
from mstool.toolkit.workers import EngineSession, EngineSpec, cores_per_task, engine_session, map_tasks

TASK_OVERHEAD_IMAGES = 16  # one shard's fixed cost (list, open, sync, merge) in images' time
MIN_IMAGES_PER_TASK = 32  # below this, opening and syncing a shard file costs more than it saves
MAX_IMAGES_PER_TASK = 1024  # a retried task redoes at most this much
# A local cluster's workers start with these imported and the kernel loaded (see worker_start).
WORKER_PRELOAD = ("mstool.toolkit.preprocess.worker_start",)


def task_count(images: int, slots: int) -> int:
    """How many shards ``images`` inputs become when ``slots`` tasks run at once.

    Fewer, larger shards pay the per-shard cost (``TASK_OVERHEAD_IMAGES``) less often;
    smaller ones leave less idle time at the end, when some workers have finished and
    others are still on their last shard. The shard size that minimises the sum of the
    two is ``sqrt(2 * images * TASK_OVERHEAD_IMAGES / slots)``; one slot has no idle
    tail, so it gets the largest shards. The count is rounded up to a multiple of
    ``slots`` and kept between ``MIN_IMAGES_PER_TASK`` and ``MAX_IMAGES_PER_TASK``
    images per shard.

    >>> task_count(1024, 1), task_count(4096, 1), task_count(1024, 2), task_count(4096, 2)
    (1, 4, 8, 16)
    >>> task_count(40_000, 16), task_count(10, 2)
    (144, 1)
    """
    slots = max(1, slots)
    if slots == 1:
        size = MAX_IMAGES_PER_TASK
    else:
        size = math.sqrt(2 * images * TASK_OVERHEAD_IMAGES / slots)
        size = min(max(size, MIN_IMAGES_PER_TASK), MAX_IMAGES_PER_TASK)
    count = math.ceil(images / size)
    count = slots * math.ceil(count / slots)  # equal shares for equal workers
    return max(1, min(count, images // MIN_IMAGES_PER_TASK))


def shard_path(output: Path, run: str, index: int, count: int) -> Path:
    """Where task ``index`` of ``count`` writes, next to ``output``.

    >>> shard_path(Path("/data/out.h5"), "ab12", 3, 8).name
    'out.h5.shard-ab12-3-of-8.h5'
    """
    return output.with_name(f"{output.name}.shard-{run}-{index}-of-{count}.h5")


@dataclass(frozen=True)
class ShardTask:
    """One task: its block of the listed inputs, the class names of the whole set, its shard file.

    ``items`` carry the paths as the client listed them (so ``source`` records match the
    in-process run); a worker in another folder than the client's ``cwd`` reads them from there.
    """

    items: tuple[Item, ...]
    class_names: tuple[str, ...]
    cwd: Path
    output: Path
    recipe: PreprocessRecipe
    options: PreprocessOptions


def run_shard(task: ShardTask) -> dict:
    """Run one shard (on a worker); returns its report's summary."""
    options = task.options
    if options.workers <= 0:
        options = replace(options, workers=cores_per_task())
    items = list(task.items)
    if Path.cwd() != task.cwd:
        items = [replace(item, path=task.cwd / item.path) for item in items]
    listed = (items, list(task.class_names))
    return preprocess_images([], task.output, task.recipe, options, listed=listed).summary()


def preprocess_on_engine(
    inputs: list[Path],
    output: Path,
    recipe: PreprocessRecipe,
    options: PreprocessOptions,
    engine: EngineSpec,
    *,
    tasks: int | None = None,
    consolidate: bool = False,
    on_task: Callable[[int], None] | None = None,
    session: EngineSession | None = None,
) -> PreprocessReport:
    """:func:`preprocess_images` as ``tasks`` shard tasks on ``engine``, merged into ``output``.

    The artifact holds the same images, records and labels, in the same order, as the
    in-process run: a virtual dataset over the shard files (kept next to it), or one copied
    dataset with ``consolidate`` (the shards are then removed). ``options.workers`` 0 lets
    each task use its worker's share of the cores. ``on_task(1)`` is called per finished task.
    ``tasks`` defaults to :func:`task_count` of the inputs and the workers' task slots.
    The local cluster starts while the inputs are listed (or earlier: a ``session`` the
    caller opened with :func:`~mstool.toolkit.workers.engine_session`) and stops while the
    shards are merged; the report's ``seconds`` run from the call to the artifact.
    """
    if session is None:
        with engine_session(engine, preload=WORKER_PRELOAD) as own:
            return preprocess_on_engine(inputs, output, recipe, options, engine, tasks=tasks,
                                        consolidate=consolidate, on_task=on_task, session=own)
    start = time.perf_counter()
    if options.shard is not None:
        raise InputError("--shard and the Dask engine exclude each other: the engine makes the shards",
                         where="--shard")
    output = Path(output).absolute()
    check_writable(output, overwrite=options.overwrite)
    try:
        fixed_output_shape(recipe.ops)
    except GeometryError as err:
        raise InputError(str(err), where="recipe ops") from err
    with output_lock(output):
        items, class_names = gather_items(inputs, options)  # bad inputs stop here, while the cluster starts
        if tasks is not None and not 1 <= tasks <= len(items):
            raise InputError(f"must be 1..{len(items)} (the number of inputs), got {tasks}", where="--tasks")
        count = tasks or task_count(len(items), session.task_slots())
        run = secrets.token_hex(3)
        shards = [shard_path(output, run, index, count) for index in range(count)]
        shard_options = replace(options, overwrite=True, allow_empty=True, labels=None)  # labelled here
        work = [ShardTask(tuple(shard_slice(items, (index, count))), tuple(class_names), Path.cwd(), path,
                          recipe, replace(shard_options, shard=(index, count)))
                for index, path in enumerate(shards)]
        try:
            summaries = map_tasks(run_shard, work, engine=engine, description="preprocess",
                                  shared_path=output.parent, progress=on_task, session=session)
            session.release()  # the workers shut down while the shards are merged
            meta = merge_shards(shards, output, overwrite=options.overwrite, consolidate=consolidate)
        except BaseException:
            _remove(shards)
            raise
        _remove([p for p in output.parent.glob(f"{output.name}.shard-*.h5")
                 if consolidate or p not in shards])
    seconds = time.perf_counter() - start
    cpu = sum(s["images"] / s["images_per_cpu_second"] for s in summaries if s["images_per_cpu_second"])
    return PreprocessReport(output, meta.count, meta.skipped, seconds, cpu,
                            tuple(summaries[0]["shape"]), summaries[0]["device"], summaries[0]["workers"])


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
