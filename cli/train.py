"""``mstool train``: train an image classifier, eager or graph, on one device or many workers."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mstool.cli.options import JsonOption, SeedOption, SetOption, apply_local_json, recipe_overrides
from mstool.cli.output import emit, key_value_table, log, progress_bar, show_progress, warn
from mstool.toolkit.extras import require_extra

Opt = typer.Option
RecipeArg = Annotated[Path | None, typer.Argument(help="Training recipe (YAML); see docs/train.md.")]
DataOpt = Annotated[Path | None, Opt("--data", help="Training data: images artifact, .npz or IDX.")]
ValOpt = Annotated[Path | None, Opt("--val", help="Validation data (else a split).")]
ModelOpt = Annotated[str | None, Opt(
    "--model", help="small_cnn, mlp, resnet18/34/50, mobilenet_v2, or your own model: a .keras file "
                    "or a folder holding one, an mstool convert output folder, or FILE.py:function (your own "
                    "code, run as python would).")]
InitOpt = Annotated[Path | None, Opt("--init-weights", help="Fine-tune from .weights.h5 or .keras weights.")]
EpochsOpt = Annotated[int | None, Opt("--epochs", help="Epochs.")]
BatchOpt = Annotated[int | None, Opt("--batch-size", help="Global batch size (split across replicas).")]
ModeOpt = Annotated[str | None, Opt(
    "--mode", help="graph (each step one tf.function), eager (steps and update from Python, "
                   "forward+backward compiled) or op-by-op (TF eager execution).")]
XlaOpt = Annotated[bool | None, Opt("--xla/--no-xla", help="Compile the step with XLA (graph mode).")]
StrategyOpt = Annotated[str | None, Opt("--strategy", help="one, mirrored or multi-worker.")]
WorkersOpt = Annotated[int, Opt("--workers", min=1, help="Launch N local worker processes (multi-worker).")]
ResumeOpt = Annotated[bool, Opt("--resume", help="Continue from OUTPUT/checkpoint.h5.")]
OutputDirOpt = Annotated[Path, Opt("--output", "-o", help="Output folder (model, weights, log, checkpoint).")]
OverwriteOpt = Annotated[bool, Opt("--overwrite", help="Start afresh over an existing run.")]
OnnxOpt = Annotated[bool, Opt("--onnx/--no-onnx", help="Also export model.onnx (tf2onnx).")]
UntilOpt = Annotated[int | None, Opt("--until-step", min=1, help="Stop at that step; --resume later.")]
TensorboardOpt = Annotated[Path | None, Opt("--tensorboard", help="Write TensorBoard event files into DIR.")]
RestartsOpt = Annotated[int, Opt("--max-restarts", min=0, help="Restarts of all workers after one dies.")]


def _progress_events():
    """Events that draw a rich bar (loss, acc, images/s) or, off a terminal, log every tenth of the run."""
    from mstool.toolkit.train.loop import Events

    class CliEvents(Events):
        def __init__(self) -> None:
            self.stack = contextlib.ExitStack()
            self.advance = None
            self.total = 0

        def start(self, total_steps: int, done: int) -> None:
            self.total = total_steps
            if show_progress() and self.advance is None:
                self.advance = self.stack.enter_context(progress_bar("train", total_steps))
                self.advance(done)
            log(f"training {total_steps - done} steps" + (f" (resuming at {done})" if done else ""))

        def step(self, record: dict) -> None:
            info = (f"loss {record['loss']:.4f} acc {record['accuracy']:.3f} "
                    f"{record['images_per_second']:.0f} img/s")
            if self.advance is not None:
                self.advance(1, info=info)
            elif record["step"] % max(1, self.total // 10) == 0 or record["step"] == self.total:
                log(f"step {record['step']}/{self.total}: {info}")

        def epoch(self, record: dict) -> None:
            log(f"epoch {record['epoch']}: val_loss {record['val_loss']:.4f} "
                f"val_accuracy {record['val_accuracy']:.4f}")

        def warn(self, message: str) -> None:
            warn(message)

    return CliEvents()


def _render(summary: dict, console: Console) -> None:
    shown = {k: v for k, v in summary.items() if k not in ("paths", "warnings")}
    console.print(key_value_table(shown, title="training"))
    console.print(key_value_table(summary["paths"], title="files"))


def train_command(
    recipe: RecipeArg = None,
    data: DataOpt = None,
    val: ValOpt = None,
    model: ModelOpt = None,
    epochs: EpochsOpt = None,
    batch_size: BatchOpt = None,
    mode: ModeOpt = None,
    xla: XlaOpt = None,
    strategy: StrategyOpt = None,
    workers: WorkersOpt = 1,
    resume: ResumeOpt = False,
    output: OutputDirOpt = Path("train-out"),
    overwrite: OverwriteOpt = False,
    onnx: OnnxOpt = True,
    until_step: UntilOpt = None,
    max_restarts: RestartsOpt = 2,
    tensorboard: TensorboardOpt = None,
    init_weights: InitOpt = None,
    seed: SeedOption = None,
    overrides: SetOption = None,
    json_output: JsonOption = False,
) -> None:
    """Train an image classifier; writes model.keras, model.weights.h5, model.onnx, training-log.h5/.csv.

    Example: mstool train recipes/train_digits.yaml --mode graph --workers 2 -o runs/digits
    """
    require_extra("train", "mstool train")
    from mstool.schemas.train import TrainRecipe
    from mstool.toolkit.errors import InputError
    from mstool.toolkit.io import load_recipe, recipe_dir

    apply_local_json(json_output)
    options = {"data.train": data, "data.val": val, "model.init_weights": init_weights, "run.epochs": epochs,
               "run.batch_size": batch_size, "run.mode": mode, "run.xla": xla, "run.strategy": strategy,
               "run.seed": seed, "logs.tensorboard": True if tensorboard else None,
               "logs.tensorboard_dir": tensorboard}
    if workers > 1:
        options["run.workers"] = workers
    if model is not None and ".py:" in model:  # your own code: FILE.py:function
        file, _, function = model.rpartition(":")
        options["model.source"] = f"{Path(file).expanduser().resolve()}:{function}"
    elif model is not None:
        names_a_file = model.endswith(".keras") or "/" in model or Path(model).is_dir()
        options["model.path" if names_a_file else "model.name"] = Path(model) if names_a_file else model
    loaded = load_recipe(recipe, TrainRecipe, recipe_overrides(options, overrides))
    if (output / "checkpoint.h5").exists() and not (resume or overwrite):
        raise InputError("holds a previous run; pass --resume to continue it or --overwrite to start afresh",
                         where=str(output))
    from mstool.toolkit.io import output_lock

    events = _progress_events()
    # One run per output folder: a second run on it stops at once (exit 2) naming the first's pid.
    with output_lock(output), events.stack:
        if loaded.run.workers > 1:
            if until_step is not None:
                raise InputError("--until-step is for single-process runs", where="--until-step")
            from mstool.toolkit.train.launcher import launch_local

            summary = launch_local(loaded, output, loaded.run.workers, resume=resume,
                                   base_dir=recipe_dir(recipe), events=events, export=onnx,
                                   max_restarts=max_restarts)
        else:
            from mstool.toolkit.train.loop import train

            summary = train(loaded, output, resume=resume, base_dir=recipe_dir(recipe), events=events,
                            export=onnx, until_step=until_step)
    emit(summary.to_dict(), lambda console: _render(summary.to_dict(), console))


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
