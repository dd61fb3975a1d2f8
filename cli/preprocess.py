"""``mstool preprocess``: images to model-ready tensors in an HDF5 ``images`` artifact.

``mstool preprocess IMAGES... -o out.h5 --recipe R`` runs (the ``run`` verb is implied);
``mstool preprocess merge SHARDS... -o all.h5`` joins shards without copying pixels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from mstool.cli.options import (
    DeviceOption,
    JsonOption,
    OverwriteOption,
    ProcessesOption,
    SchedulerOption,
    SetOption,
    apply_local_json,
)
from mstool.cli.output import emit, key_value_table, log, progress_bar, warn
from mstool.toolkit.extras import require_extra


class DefaultRunGroup(TyperGroup):
    """A group whose arguments go to ``run`` unless they start with a verb or ask for help."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


sub = typer.Typer(
    cls=DefaultRunGroup,
    no_args_is_help=True,
    help="Decode, resize, crop, letterbox and normalize images into an HDF5 'images' artifact.\n\n"
    "Example: mstool preprocess photos/ -o out.h5 --recipe recipes/resnet_224.yaml",
)


def _render(summary: dict[str, Any], console: Console) -> None:
    shown = {k: v for k, v in summary.items() if k != "skipped_files"}
    for key in ("images_per_second", "images_per_cpu_second", "seconds"):
        if key in shown:
            shown[key] = f"{shown[key]:.2f}"
    console.print(key_value_table(shown, title="preprocess"))


@sub.command("run")
def run_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(metavar="IMAGES", help="Image folders (scanned recursively) and/or files."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file: the .h5 artifact.")],
    recipe: Annotated[Path, typer.Option("--recipe", "-r", help="Preprocess recipe (YAML).")],
    overrides: SetOption = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=0, help="Worker threads (0: one per core).")
    ] = 0,
    shard: Annotated[str | None, typer.Option("--shard", help="Process block i of N (0-based): i/N.")] = None,
    labels: Annotated[Path | None, typer.Option("--labels", help="CSV/JSON manifest path -> label.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on the first bad image.")] = False,
    overwrite: OverwriteOption = False,
    device: DeviceOption = "cpu",
    scheduler: SchedulerOption = None,
    processes: ProcessesOption = None,
    tasks: Annotated[int | None, typer.Option(
        "--tasks", min=1, help="With --scheduler/--processes: split the inputs into this many shard "
        "tasks (default: from the inputs and the workers; 32 to 1,024 images each).")] = None,
    consolidate: Annotated[bool, typer.Option(
        "--consolidate", help="With --scheduler/--processes: copy the shards into one self-contained "
        "file (default: a virtual dataset over shard files kept next to the output).")] = False,
    json_output: JsonOption = False,
) -> None:
    """Preprocess images with a recipe into an 'images' artifact (N, C, H, W).

    Bad files are skipped with a warning and listed in the artifact (or fail with --strict).
    With --processes N (or --scheduler ADDRESS) contiguous shards of the sorted inputs run
    as Dask tasks; the result is the same artifact as the in-process run.

    Example: mstool preprocess photos/ -o out.h5 --recipe recipes/yolov3_416.yaml --workers 2
    """
    require_extra("preprocess", "mstool preprocess run")
    from mstool.toolkit.workers import engine_from_options, engine_session

    engine = engine_from_options(scheduler, processes)
    if not engine.in_process:
        # The cluster's processes start now, beside this process's imports and listing;
        # named, not imported (tasks.WORKER_PRELOAD): the workers' forkserver imports it.
        preload = ("mstool.toolkit.preprocess.worker_start",)
        with engine_session(engine, preload=preload) as session:
            _run_on_engine(inputs, output, recipe, overrides, workers, shard, labels, strict, overwrite,
                           device, engine, tasks, consolidate, json_output, session)
        return
    import os

    from mstool.toolkit.preprocess.pipeline import preprocess_images

    apply_local_json(json_output)
    model, options = _recipe_and_options(recipe, overrides, workers or os.cpu_count() or 1, shard,
                                         labels, strict, overwrite, device)
    with progress_bar("preprocess", None) as advance:
        report = preprocess_images(
            inputs, output, model, options,
            on_skip=lambda path, reason: warn(f"skipped {path}: {reason}"),
            on_image=advance,
        )
    summary = report.summary()
    log(f"wrote {summary['images']} images to {output} ({summary['images_per_second']:.1f} images/s)")
    emit(summary, lambda console: _render(summary, console))


def _recipe_and_options(recipe, overrides, workers, shard, labels, strict, overwrite, device):
    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.io import load_recipe
    from mstool.toolkit.preprocess.pipeline import PreprocessOptions
    from mstool.toolkit.preprocess.sources import parse_shard

    model = load_recipe(recipe, PreprocessRecipe, overrides or [])
    options = PreprocessOptions(workers=workers, shard=parse_shard(shard), strict=strict,
                                overwrite=overwrite, device=device, labels=labels)
    return model, options


def _run_on_engine(inputs, output, recipe, overrides, workers, shard, labels, strict, overwrite, device,
                   engine, tasks, consolidate, json_output, session) -> None:
    from mstool.toolkit.preprocess.tasks import preprocess_on_engine

    apply_local_json(json_output)
    model, options = _recipe_and_options(recipe, overrides, workers, shard, labels, strict, overwrite,
                                         device)
    with progress_bar(f"preprocess ({engine.describe()}, tasks)", None) as advance:
        report = preprocess_on_engine(inputs, output, model, options, engine, tasks=tasks,
                                      consolidate=consolidate, on_task=advance, session=session)
    for entry in report.skipped:
        warn(f"skipped {entry['path']}: {entry['reason']}")
    summary = {**report.summary(), "engine": engine.describe()}
    log(f"wrote {summary['images']} images to {output} ({summary['images_per_second']:.1f} images/s, "
        f"{engine.describe()})")
    emit(summary, lambda console: _render(summary, console))


@sub.command("merge")
def merge_command(
    shards: Annotated[
        list[Path], typer.Argument(metavar="SHARDS", help="Shard artifacts written with --shard i/N.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file: the merged .h5 artifact.")],
    overwrite: OverwriteOption = False,
    consolidate: Annotated[bool, typer.Option(
        "--consolidate", help="Copy the pixels into the output (a self-contained file) instead of "
        "mapping the shards.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Join shard artifacts into one through an HDF5 virtual dataset (pixels are not copied).

    Example: mstool preprocess merge part-0.h5 part-1.h5 -o all.h5
    """
    from mstool.toolkit.preprocess.merge import merge_shards

    apply_local_json(json_output)
    meta = merge_shards(shards, output, overwrite=overwrite, consolidate=consolidate)
    summary = {"output": str(output), "images": meta.count, "shards": len(shards),
               "skipped": len(meta.skipped)}
    emit(summary, lambda console: console.print(key_value_table(summary, title="merge")))


def register(app: typer.Typer) -> None:
    app.add_typer(sub, name="preprocess")
