"""The training run: data, model and optimizer under a strategy, the custom loop, checkpoints, outputs.

One loop serves every mode: eager (each step dispatched from Python), graph
(``tf.function``) and graph + XLA, on one device or many workers.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mstool.schemas.train import TrainRecipe
from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.io.recipes import resolve_path
from mstool.toolkit.train.checkpoint import Position, restore_checkpoint, save_checkpoint, weights_are_finite
from mstool.toolkit.train.early_stop import BEST_NAME, EarlyStopping
from mstool.toolkit.train.guard import chance_accuracy, chance_message, check_loss
from mstool.toolkit.train.history import History
from mstool.toolkit.train.local_sum import ENV as LOCAL_SUM_ENV
from mstool.toolkit.train.local_sum import LocalSum
from mstool.toolkit.train.logs import RunLogs
from mstool.toolkit.train.optim import peak_lr
from mstool.toolkit.train.sources import Source, open_source, split_source
from mstool.toolkit.train.summary import TrainSummary

CHECKPOINT_NAME = "checkpoint.h5"


class Events:
    """Progress hooks; the CLI overrides them to draw a progress bar. Only the chief reports."""

    def start(self, total_steps: int, done: int) -> None: ...

    def step(self, record: dict) -> None: ...

    def epoch(self, record: dict) -> None: ...

    def warn(self, message: str) -> None: ...


@dataclass
class Plan:
    """What the run will do, fixed before any step."""

    classes: int
    class_names: list[str]
    global_batch: int
    per_replica_batch: int
    local_replicas: int
    steps_per_epoch: int
    total_steps: int
    lr: float
    warnings: list[str] = field(default_factory=list)
    model_path: Path | None = None  # the user's .keras model, when model.path is set
    init_weights: Path | None = None
    probabilities: bool = False  # the model ends in a softmax


def load_sources(recipe: TrainRecipe, base_dir: Path) -> tuple[Source, Source | None]:
    """Open the training data and the validation data (a second file or a split)."""
    budget = recipe.data.memory_budget_mb << 20
    train = open_source(resolve_path(recipe.data.train, base_dir), budget)
    if recipe.data.val:
        val = open_source(resolve_path(recipe.data.val, base_dir), budget)
        if val.shape != train.shape:
            raise InputError(f"validation images are {val.shape}, training images {train.shape}",
                             where=val.where)
        if train.class_names and val.class_names and train.class_names != val.class_names:
            raise InputError("validation class_names differ from the training data's", where=val.where)
        return train, val
    return split_source(train, recipe.data.val_split, recipe.run.seed)


def _classes(recipe: TrainRecipe, train: Source, val: Source | None) -> tuple[int, list[str]]:
    names = train.class_names or (val.class_names if val else [])
    found = max(train.classes, val.classes if val else 0, len(names))
    wanted = recipe.model.classes
    if wanted is not None:
        if names and len(names) != wanted:
            raise InputError(f"the data names {len(names)} classes, model.classes is {wanted}",
                             where=train.where)
        top = max(int(train.labels.max()), int(val.labels.max()) if val else 0)
        if top >= wanted:
            raise InputError(f"label {top} does not fit a model with {wanted} classes (model.classes)",
                             where=train.where)
        return wanted, names
    return found, names


def make_plan(recipe: TrainRecipe, train: Source, val: Source | None, replicas: int,
              local_replicas: int) -> Plan:
    """Classes, batch split across replicas (adjusted to a multiple, with a warning), steps, lr."""
    classes, names = _classes(recipe, train, val)
    warnings = []
    batch = recipe.run.batch_size
    if batch % replicas:
        adjusted = max(replicas, batch - batch % replicas)
        warnings.append(f"batch_size {batch} is not divisible by {replicas} replicas; using {adjusted}")
        batch = adjusted
    spe = train.count // batch
    if spe == 0:
        raise InputError(f"batch_size {batch} is larger than the {train.count} training examples",
                         where=train.where)
    if recipe.data.shards:
        from mstool.toolkit.train.shards import check_shards, sharded_steps

        check_shards(recipe.data.shards, replicas, batch)
        spe = sharded_steps(train, recipe.data.shards, batch)
        if spe == 0:
            raise InputError(f"data.shards {recipe.data.shards}: a shard holds fewer than "
                             f"{batch // recipe.data.shards} examples", where="data.shards")
    total = spe * recipe.run.epochs
    if recipe.run.max_steps:
        total = min(total, recipe.run.max_steps)
    opt = recipe.optimizer
    lr = peak_lr(opt.name, opt.lr, opt.reference_batch, batch)
    return Plan(classes, names, batch, batch // replicas, local_replicas, spe, total, lr, warnings)


def model_files(recipe: TrainRecipe, base_dir: Path) -> tuple[Path | None, Path | None]:
    """The user's model (``model.path``: a ``.keras`` file or a convert output folder) and the
    ``model.init_weights`` file, resolved against the recipe's folder."""
    from mstool.toolkit.train.models.user import find_model_file

    section = recipe.model
    model_path = None
    if section.path:
        if recipe.run.mixed_precision:
            raise InputError("run.mixed_precision applies to the built-in models; a .keras model trains "
                             "in the dtypes it was saved with", where="model.path")
        model_path = find_model_file(resolve_path(section.path, base_dir))
    if section.source:
        if section.path:
            raise InputError("give model.path or model.source, not both", where="model.source")
        file, _, function = section.source.rpartition(":")
        source_file = resolve_path(file, base_dir)
        model_path = find_model_file(source_file.with_name(f"{source_file.name}:{function}"))
    init = resolve_path(section.init_weights, base_dir) if section.init_weights else None
    return model_path, init


def precision_policy(mixed_precision: bool | str) -> str:
    """The Keras dtype policy for ``run.mixed_precision``.

    >>> [precision_policy(v) for v in (False, True, "bfloat16", "float16")]
    ['float32', 'mixed_bfloat16', 'mixed_bfloat16', 'mixed_float16']
    """
    if mixed_precision is True or mixed_precision == "bfloat16":
        return "mixed_bfloat16"
    return "mixed_float16" if mixed_precision == "float16" else "float32"


def _build(recipe: TrainRecipe, plan: Plan, strategy, shape: tuple[int, int, int]):
    import keras

    from mstool.toolkit.train.models import build_model
    from mstool.toolkit.train.models.layers import normalization, synchronize_batch_norm
    from mstool.toolkit.train.models.user import (
        check_model_fits,
        ends_in_softmax,
        freeze_layers,
        load_initial_weights,
        load_user_model,
    )
    from mstool.toolkit.train.optim import DynamicLossScale, Optimizer, OptimizerConfig, Schedule

    opt = recipe.optimizer
    schedule = Schedule(plan.lr, opt.schedule, plan.total_steps, opt.warmup_steps, opt.step_every,
                        opt.step_gamma)
    config = OptimizerConfig(opt.name, opt.momentum, opt.nesterov, opt.beta1, opt.beta2, opt.epsilon,
                             opt.weight_decay, opt.decay_all, opt.clip_norm)
    keras.utils.set_random_seed(recipe.run.seed)
    previous = keras.config.dtype_policy()
    precision = precision_policy(recipe.run.mixed_precision)
    scaling = (DynamicLossScale(recipe.run.loss_scale, recipe.run.loss_scale_growth_steps)
               if precision == "mixed_float16" else None)
    keras.config.set_dtype_policy(precision)
    try:
        with strategy.scope(), normalization(recipe.model.batch_norm):
            if plan.model_path is not None:
                model = load_user_model(plan.model_path, tuple(shape), plan.classes)
                check_model_fits(model, tuple(shape), plan.classes, str(plan.model_path))
                plan.probabilities = ends_in_softmax(model)
            else:
                model = build_model(recipe.model.name, tuple(shape), plan.classes, recipe.model.width)
            if plan.init_weights is not None:
                load_initial_weights(model, plan.init_weights)
            freeze_layers(model, recipe.model.freeze)
            if recipe.model.sync_batch_norm:
                synchronize_batch_norm(model, "model.sync_batch_norm")
            optimizer = Optimizer(config, schedule, scaling)
            optimizer.build([v.value for v in model.trainable_variables])
    finally:
        keras.config.set_dtype_policy(previous)
    return model, optimizer


def _kill_requested(step: int, worker: int) -> bool:
    """Fault injection for the restart tests: SIGKILL worker W after step S on the first attempt."""
    at = os.environ.get("MSTOOL_TRAIN_KILL_AT_STEP")
    return (at is not None and int(at) == step and os.environ.get("MSTOOL_TRAIN_ATTEMPT", "0") == "0"
            and int(os.environ.get("MSTOOL_TRAIN_KILL_WORKER", "0")) == worker)


@dataclass
class RunState:
    """Everything the loop works with."""

    recipe: TrainRecipe
    plan: Plan
    placement: object
    model: object
    optimizer: object
    train: Source
    val: Source | None
    history: History
    checkpoint: Path
    events: Events
    stopped: str = "finished"
    last_checkpoint_step: int | None = None
    stop_at: int = 0
    skipped_steps: int = 0
    loss_scale: float | None = None
    logs: RunLogs | None = None
    early_stopping: EarlyStopping | None = None
    train_reads: Source | None = None  # data.shards: the training data, read only in this worker's ranges
    step_cpu_s: list[float] = field(default_factory=list)  # this session's CPU seconds per step


def _save(state: RunState, position: Position) -> None:
    if not weights_are_finite(state.model):
        raise WorkFailed(f"weights are not finite at step {position.step}; kept the last good checkpoint "
                         f"({state.checkpoint}, step {state.last_checkpoint_step})")
    if state.placement.is_chief:
        save_checkpoint(state.checkpoint, state.model, state.optimizer, position, state.history)
        state.logs.write_csv(state.history)
    state.last_checkpoint_step = position.step


def _epoch_dataset(state: RunState, epoch: int, skip: int):
    from mstool.toolkit.train.pipeline import train_dataset

    recipe, plan = state.recipe, state.plan
    if recipe.data.shards:
        return _sharded_epoch_dataset(state, epoch, skip)

    def make(context):
        return train_dataset(
            state.train, epoch=epoch, seed=recipe.run.seed, per_worker_batch=plan.per_replica_batch,
            steps=plan.steps_per_epoch * plan.local_replicas, worker=context.input_pipeline_id,
            workers=context.num_input_pipelines, skip=skip * plan.local_replicas,
            shuffle_buffer=recipe.data.shuffle_buffer, crop_padding=recipe.data.augment.crop_padding,
            flip=recipe.data.augment.flip)

    return state.placement.strategy.distribute_datasets_from_function(make)


def _sharded_epoch_dataset(state: RunState, epoch: int, skip: int):
    from mstool.toolkit.train.pipeline import sharded_train_dataset

    recipe, plan, placement = state.recipe, state.plan, state.placement

    def make(context):
        return sharded_train_dataset(
            state.train_reads, recipe.data.shards, epoch=epoch, seed=recipe.run.seed,
            global_batch=plan.global_batch, steps=plan.steps_per_epoch,
            first_replica=placement.worker * plan.local_replicas, local_replicas=plan.local_replicas,
            replicas=placement.replicas, skip=skip, crop_padding=recipe.data.augment.crop_padding,
            flip=recipe.data.augment.flip)

    return placement.strategy.distribute_datasets_from_function(make)


def _train_epoch(state: RunState, step_fn, position: Position) -> Position:
    plan, chief = state.plan, state.placement.is_chief
    epoch, step = position.epoch, position.step
    every = state.recipe.checkpoint.every
    for batch, (images, labels, _) in enumerate(_epoch_dataset(state, epoch, position.batch_in_epoch),
                                                start=position.batch_in_epoch):
        if step >= state.stop_at:
            break
        lr = state.optimizer.schedule.value(step)
        started, cpu = time.perf_counter(), time.process_time()
        values = step_fn(images, labels).numpy()
        elapsed = time.perf_counter() - started
        state.step_cpu_s.append(time.process_time() - cpu)
        loss_sum, correct = values[:2]
        if len(values) > 2:  # float16 loss scaling: was the step applied, at which scale
            state.skipped_steps += int(values[2] == 0.0)
            state.loss_scale = float(values[3])
        loss = float(loss_sum) / plan.global_batch
        if not np.isfinite(loss):
            state.stopped = f"non-finite loss at step {step + 1}"
            kept = (f"{state.checkpoint}, step {state.last_checkpoint_step}" if state.last_checkpoint_step
                    else "none written")
            if chief:
                state.logs.write_csv(state.history)  # the steps up to the blow-up, for a look
            check_loss(loss, step + 1, lr, kept)
        step += 1
        record = dict(step=step, loss=loss, accuracy=float(correct) / plan.global_batch, lr=lr,
                      images_per_second=plan.global_batch / elapsed)
        state.history.add_step(**record)
        if chief:
            state.events.step(record)
            state.logs.step(record, state.loss_scale)
        position = Position(step, epoch, batch + 1, position.seed, plan.global_batch)
        if every and step % every == 0:
            _save(state, position)
        if _kill_requested(step, state.placement.worker):
            os.kill(os.getpid(), signal.SIGKILL)
    if position.batch_in_epoch >= plan.steps_per_epoch:
        position = Position(step, epoch + 1, 0, position.seed, plan.global_batch)
    return position


def _check_chance(state: RunState, epoch: int, val_accuracy: float) -> None:
    """Warn once (or fail, ``guard.at_chance: fail``) when validation accuracy sits at chance level."""
    guard = state.recipe.guard
    message = chance_message(val_accuracy, chance_accuracy(state.val.labels), guard.chance_margin, epoch,
                             state.plan.lr)
    if message is None:
        return
    if guard.at_chance == "fail":
        state.stopped = f"validation accuracy at chance after epoch {epoch}"
        raise WorkFailed(message + " (guard.at_chance: fail)")
    if not any("at chance level" in w for w in state.plan.warnings):
        state.plan.warnings.append(message)
        if state.placement.is_chief:
            state.events.warn(message)


def _tensorboard_dir(recipe: TrainRecipe, output_dir: Path, base_dir) -> Path | None:
    logs = recipe.logs
    if logs.tensorboard_dir:
        return resolve_path(logs.tensorboard_dir, Path(base_dir))
    return output_dir / "tensorboard" if logs.tensorboard else None


def _early_stop(state: RunState, epoch: int, result: tuple[float, float], position: Position) -> None:
    """Record the epoch's monitored value; keep the best weights; end the run after ``patience`` epochs."""
    rule = state.early_stopping
    if rule is None:
        return
    value = result[0] if rule.monitor == "val_loss" else result[1]
    if rule.update(epoch, value):
        rule.keep(state.model, state.checkpoint.with_name(BEST_NAME) if state.placement.is_chief else None)
    elif rule.should_stop:
        _stop_early(state, position, epoch)


def _stop_early(state: RunState, position: Position, epoch: int) -> None:
    rule = state.early_stopping
    state.stop_at = position.step
    state.stopped = (f"early stop after epoch {epoch}: {rule.monitor} has not improved for "
                     f"{rule.patience} epochs (best {rule.best:.4f} at epoch {rule.best_epoch})")


def evaluate(state: RunState, eval_fn) -> tuple[float, float] | None:
    """Validation loss and accuracy over the whole validation set, summed across workers."""
    from mstool.toolkit.train.pipeline import eval_dataset
    from mstool.toolkit.train.steps import sum_across_workers

    if state.val is None:
        return None
    totals = np.zeros(3)
    batch = max(state.plan.per_replica_batch, 256)
    placement = state.placement
    for images, labels, _ in eval_dataset(state.val, batch=batch, worker=placement.worker,
                                          workers=placement.workers):
        totals += eval_fn(images, labels).numpy()
    totals = sum_across_workers(placement.strategy, totals)
    return float(totals[0] / totals[2]), float(totals[1] / totals[2])


def _finish(state: RunState, output_dir: Path, eval_result, export: bool) -> TrainSummary:
    from mstool.schemas.train import TrainingLogMeta
    from mstool.toolkit.train.export import export_onnx, float32_copy, save_keras
    from mstool.toolkit.train.history import write_training_log

    recipe, plan, placement = state.recipe, state.plan, state.placement
    summary = {"steps": len(state.history.steps["step"]) and int(state.history.steps["step"][-1]),
               "stopped": state.stopped,
               "val_loss": eval_result[0] if eval_result else None,
               "val_accuracy": eval_result[1] if eval_result else None,
               "images_per_second": state.history.images_per_second(),
               "global_batch": plan.global_batch, "replicas": placement.replicas,
               "workers": placement.workers, "mode": recipe.run.mode, "xla": recipe.run.xla,
               "strategy": recipe.run.strategy, "classes": plan.classes, "warnings": plan.warnings,
               "mixed_precision": recipe.run.mixed_precision,
               "paths": {"checkpoint": str(state.checkpoint)}}
    if state.step_cpu_s:
        summary["cpu_seconds_per_step"] = float(np.median(state.step_cpu_s[1:] or state.step_cpu_s))
    if state.loss_scale is not None:
        summary.update(loss_scale=state.loss_scale, skipped_steps=state.skipped_steps)
    if not placement.is_chief:
        return TrainSummary.from_dict(summary)
    summary["paths"].update(state.logs.close(state.history))
    if state.early_stopping is not None:
        summary["best_epoch"] = state.early_stopping.best_epoch
    if plan.model_path is not None:
        from mstool.toolkit.train.models.user import load_user_model

        clone = load_user_model(plan.model_path, state.train.shape, plan.classes)  # outside any strategy
        clone.set_weights([np.asarray(v.numpy()) for v in state.model.weights])
    else:
        clone = float32_copy(state.model, recipe.model.name, state.train.shape, plan.classes,
                             recipe.model.width)
    stem = output_dir / "model"
    summary["paths"].update(save_keras(clone, stem))
    if export:
        sample, _ = (state.val or state.train).read(np.arange(min(8, (state.val or state.train).count)))
        summary["paths"]["onnx"] = str(stem.with_suffix(".onnx"))
        summary["onnx_max_abs_diff"] = export_onnx(clone, stem.with_suffix(".onnx"), sample)
    log_path = output_dir / "training-log.h5"
    meta = TrainingLogMeta(
        model=plan.model_path.name if plan.model_path else recipe.model.name, steps=summary["steps"],
        epochs_done=len(state.history.epochs["epoch"]),
        mode=recipe.run.mode, xla=recipe.run.xla, strategy=recipe.run.strategy, workers=placement.workers,
        replicas=placement.replicas, global_batch=plan.global_batch,
        mixed_precision=recipe.run.mixed_precision,
        input_shape=list(state.train.shape), class_names=plan.class_names, train_data=state.train.where,
        val_data=state.val.where if state.val else None, val_accuracy=summary["val_accuracy"],
        val_loss=summary["val_loss"], images_per_second=summary["images_per_second"], stopped=state.stopped,
        recipe=recipe.model_dump(mode="json"))
    write_training_log(log_path, state.history, meta)
    summary["paths"]["training_log"] = str(log_path)
    return TrainSummary.from_dict(summary)


def train(recipe: TrainRecipe, output_dir: str | os.PathLike, *, resume: bool = False,
          base_dir: str | os.PathLike = ".", events: Events | None = None, export: bool = True,
          until_step: int | None = None) -> TrainSummary:
    """Run a training recipe; returns its :class:`~mstool.toolkit.train.summary.TrainSummary`
    (val_accuracy, images_per_second, steps, paths; ``to_dict()`` is JSON-able).

    Writes into ``output_dir``: ``checkpoint.h5``, ``model.keras``, ``model.weights.h5``,
    ``model.onnx`` (when ``export``) and ``training-log.h5``. ``until_step`` ends this
    session early at that step (a time slice); ``resume`` later continues to the end
    with the same result as one uninterrupted run.
    """
    from mstool.toolkit.train.distribute import make_placement
    from mstool.toolkit.train.steps import make_eval_batch, make_train_step

    events = events or Events()
    output_dir = Path(output_dir)
    train_src, val_src = load_sources(recipe, Path(base_dir))
    placement = make_placement(recipe.run.strategy, recipe.run.connect_timeout, recipe.run.gradient_pack_mb)
    local = max(1, len(placement.strategy.extended.worker_devices))
    plan = make_plan(recipe, train_src, val_src, placement.replicas, local)
    if recipe.model.sync_batch_norm and local > 1:
        raise InputError(f"model.sync_batch_norm needs one replica per process ({local} here, strategy "
                         f"{recipe.run.strategy}): use --workers N for data parallelism",
                         where="model.sync_batch_norm")
    plan.model_path, plan.init_weights = model_files(recipe, Path(base_dir))
    if placement.is_chief:
        output_dir.mkdir(parents=True, exist_ok=True)
        for message in plan.warnings:
            events.warn(message)
    model, optimizer = _build(recipe, plan, placement.strategy, train_src.shape)
    if os.environ.get(LOCAL_SUM_ENV, "0") != "0" and placement.workers > 1:
        optimizer.local_sum = LocalSum(os.environ[LOCAL_SUM_ENV], placement.worker, placement.workers)
    state = RunState(recipe, plan, placement, model, optimizer, train_src, val_src, History(),
                     output_dir / CHECKPOINT_NAME, events)
    if recipe.early_stopping is not None:
        if val_src is None:
            raise InputError("early_stopping needs validation data (data.val or data.val_split > 0)",
                             where="early_stopping")
        rule = recipe.early_stopping
        state.early_stopping = EarlyStopping(rule.monitor, rule.patience, rule.min_delta)
    if recipe.data.shards:
        from mstool.toolkit.train.shards import worker_ranges

        state.train_reads = train_src.restricted(worker_ranges(
            train_src, recipe.data.shards, placement.worker * local, local, placement.replicas))
    state.stop_at = min(plan.total_steps, until_step or plan.total_steps)
    state.logs = RunLogs(output_dir, plan.steps_per_epoch, _tensorboard_dir(recipe, output_dir, base_dir)
                         if placement.is_chief else None)
    position = Position(seed=recipe.run.seed, global_batch=plan.global_batch)
    if resume and state.checkpoint.exists():
        position = restore_checkpoint(state.checkpoint, model, optimizer, state.history)
        if position.global_batch != plan.global_batch or position.seed != recipe.run.seed:
            raise InputError(f"checkpoint was written with batch {position.global_batch} and seed "
                             f"{position.seed}; this run has {plan.global_batch} and {recipe.run.seed}",
                             where=str(state.checkpoint))
        state.last_checkpoint_step = position.step
        if state.early_stopping is not None:
            state.early_stopping.replay(state.history.epochs)
            state.early_stopping.load(output_dir / BEST_NAME)
            if state.early_stopping.should_stop:  # the run had already stopped early: nothing to add
                _stop_early(state, position, state.history.epochs["epoch"][-1])
    elif resume and placement.is_chief:
        events.warn(f"no checkpoint at {state.checkpoint}; starting from step 0")
    step_fn = make_train_step(placement.strategy, model, optimizer, classes=plan.classes,
                              global_batch=plan.global_batch, label_smoothing=recipe.run.label_smoothing,
                              mode=recipe.run.mode, xla=recipe.run.xla, probabilities=plan.probabilities)
    eval_fn = make_eval_batch(model, classes=plan.classes, mode=recipe.run.mode,
                              probabilities=plan.probabilities)
    if placement.is_chief:
        events.start(plan.total_steps, position.step)
    result = None
    while position.step < state.stop_at:
        epoch = position.epoch
        position = _train_epoch(state, step_fn, position)
        if position.epoch > epoch or position.step >= state.stop_at:
            result = evaluate(state, eval_fn)
            if result and position.epoch > epoch:
                state.history.add_epoch(epoch=epoch + 1, val_loss=result[0], val_accuracy=result[1])
                if placement.is_chief:
                    events.epoch({"epoch": epoch + 1, "val_loss": result[0], "val_accuracy": result[1]})
                    state.logs.epoch(position.step, *result)
                _check_chance(state, epoch + 1, result[1])
                _early_stop(state, epoch + 1, result, position)
    if result is None:
        result = evaluate(state, eval_fn)
    if state.early_stopping is not None and state.early_stopping.should_stop:
        if recipe.early_stopping.restore_best and state.early_stopping.restore(model):
            result = evaluate(state, eval_fn)
    elif position.step < plan.total_steps:
        state.stopped = f"paused at step {position.step} of {plan.total_steps}"
    _save(state, position)
    return _finish(state, output_dir, result, export)
