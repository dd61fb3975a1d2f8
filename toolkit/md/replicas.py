"""Independent replicas of one simulation (seeds seed, seed+1, ...) as batch-engine tasks.

Replica k writes ``DIR/replica-k.h5`` and ``DIR/replica-k.chk.npz``, where ``DIR`` is the
recipe's trajectory path without its suffix, and ``replica-k.done.json`` once finished,
so ``--resume`` skips finished replicas and continues the others from their checkpoints.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from mstool.schemas.md import SimulateRecipe
from mstool.toolkit.errors import InputError
from mstool.toolkit.io.atomic import atomic_write_text
from mstool.toolkit.md.outputs import output_paths
from mstool.toolkit.workers import EngineSpec, map_tasks


def replica_folder(recipe: SimulateRecipe) -> Path:
    """Where the replicas of ``recipe`` go: its trajectory path without the suffix.

    >>> replica_folder(SimulateRecipe(output={"trajectory": "/runs/ala2.h5"}))
    PosixPath('/runs/ala2')
    """
    trajectory, _ = output_paths(recipe)
    return trajectory.with_suffix("")


def replica_recipe(recipe: SimulateRecipe, index: int, folder: Path) -> SimulateRecipe:
    """Replica ``index``: seed ``recipe.seed + index``, its own trajectory and checkpoint.

    >>> r = replica_recipe(SimulateRecipe(seed=7), 2, Path("/runs/x"))
    >>> r.seed, r.output.trajectory, r.output.checkpoint
    (9, '/runs/x/replica-2.h5', '/runs/x/replica-2.chk.npz')
    """
    output = recipe.output.model_copy(update={"trajectory": str(folder / f"replica-{index}.h5"),
                                              "checkpoint": str(folder / f"replica-{index}.chk.npz")})
    return recipe.model_copy(update={"seed": recipe.seed + index, "output": output})


def done_marker(recipe: SimulateRecipe) -> Path:
    """The file that says a replica finished (its run summary, as JSON)."""
    trajectory, _ = output_paths(recipe)
    return trajectory.with_suffix(".done.json")


@dataclass(frozen=True)
class ReplicaTask:
    index: int
    recipe: SimulateRecipe
    base: Path
    resume: bool
    overwrite: bool


def finished_steps(recipe: SimulateRecipe) -> int | None:
    """The steps a finished replica ran (from its marker), or None when it has not finished."""
    marker = done_marker(recipe)
    try:
        return int(json.loads(marker.read_text())["total_steps"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_replica(task: ReplicaTask) -> dict:
    """Run (or resume, or skip when finished) one replica on a worker; returns its summary."""
    from mstool.toolkit.io.locks import output_lock
    from mstool.toolkit.md import engine

    recipe = task.recipe
    trajectory, checkpoint = output_paths(recipe)
    row = {"replica": task.index, "seed": recipe.seed, "trajectory": str(trajectory)}
    done = finished_steps(recipe)
    if task.resume and done is not None and done >= recipe.steps:
        return {**row, "skipped": True, "steps": 0, "total_steps": done}
    resume = task.resume and checkpoint.exists()
    done_marker(recipe).unlink(missing_ok=True)
    with output_lock(trajectory):
        sim = engine.prepare(recipe, task.base, device=recipe.device)
        # --resume restarts a replica that never reached its first checkpoint
        summary = engine.run(sim, task.base, resume=resume, overwrite=task.overwrite or task.resume)
    result = {**row, "skipped": False, **asdict(summary), "total_steps": recipe.steps}
    atomic_write_text(done_marker(recipe), json.dumps(result, default=float))
    return result


def run_replicas(recipe: SimulateRecipe, base: Path, count: int, *, engine: EngineSpec,
                 resume: bool = False, overwrite: bool = False, progress=None) -> list[dict]:
    """Run ``count`` replicas of ``recipe`` on ``engine``; one summary per replica, in order.

    Without ``resume`` or ``overwrite`` an existing replica file stops the run before any work.
    """
    if count < 1:
        raise InputError(f"must be at least 1, got {count}", where="--replicas")
    folder = replica_folder(recipe)
    if folder.exists() and not folder.is_dir():
        raise InputError("is a file; the replicas need a folder of that name", where=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    replicas = [replica_recipe(recipe, index, folder) for index in range(count)]
    if not (resume or overwrite):
        for replica in replicas:
            trajectory, _ = output_paths(replica)
            if trajectory.exists():
                raise InputError("exists; pass --resume to continue or --overwrite to replace",
                                 where=str(trajectory))
    tasks = [ReplicaTask(index, replica, Path(base).resolve(), resume, overwrite)
             for index, replica in enumerate(replicas)]
    return map_tasks(run_replica, tasks, engine=engine, description="simulate replicas",
                     shared_path=folder, progress=progress)
