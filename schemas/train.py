"""The ``mstool train`` recipe and the ``training-log`` artifact it writes."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from mstool.schemas.base import ArtifactMeta, Recipe, Section


class AugmentSection(Section):
    """Random augmentation of training images (never of validation images)."""

    crop_padding: int = Field(0, ge=0, description="pad by this many pixels, then crop back at random")
    flip: bool = Field(False, description="random horizontal flip")


class DataSection(Section):
    """Where the images come from: an ``images`` artifact (.h5), an .npz (x, y) or MNIST IDX files."""

    train: str = Field(...,
                       description="training data: images artifact .h5, .npz or *-images-idx3-ubyte[.gz]")
    val: str | None = Field(None, description="validation data, same formats; else val_split is used")
    val_split: float = Field(0.1, ge=0.0, lt=1.0, description="fraction held out when val is not given")
    shuffle_buffer: int = Field(10000, ge=1, description="shuffle buffer, in examples")
    memory_budget_mb: int = Field(
        2048, ge=1, description="an images artifact up to this size (stored dtype) is read into memory "
                                "once; a larger one through a cache of contiguous blocks of this size")
    shards: int | None = Field(
        None, ge=1, description="split the training file into this many contiguous, chunk-aligned ranges; "
                                "each global batch takes batch_size/shards examples from every range and "
                                "each worker reads only its own ranges (a multiple of the replica count)")
    augment: AugmentSection = AugmentSection()


class ModelSection(Section):
    """Which network; input size and class count come from the data."""

    name: Literal["small_cnn", "mlp", "resnet18", "resnet34", "resnet50", "mobilenet_v2"] = "small_cnn"
    width: float | None = Field(None, gt=0, description="base width (alpha for mobilenet_v2)")
    classes: int | None = Field(None, ge=2, description="expected class count; checked against the labels")
    batch_norm: Literal["fused", "keras"] = Field(
        "fused", description="fused: TensorFlow's one-kernel batch norm in training; keras: Keras's layer")
    path: str | None = Field(
        None, description="your own model: a .keras file, a folder holding one, or an mstool convert "
                          "output folder (model.py + weights); replaces name/width/batch_norm")
    source: str | None = Field(
        None, pattern=r"^.+\.py:[A-Za-z_][A-Za-z0-9_]*$",
        description="your own model code: FILE.py:function returning a keras.Model (it gets input_shape "
                    "and classes as keyword arguments if it takes them); runs your file as python would")
    init_weights: str | None = Field(None, description="start from these weights: .weights.h5 or .keras")
    freeze: list[str] = Field([], description="layer name prefixes to keep frozen (not trained)")
    sync_batch_norm: bool = Field(
        False, description="batch normalization over the global batch: every BatchNormalization layer "
                           "(built-in or your own model) sums its batch statistics across replicas")


class OptimizerSection(Section):
    """SGD (momentum, Nesterov) or AdamW, with a learning-rate schedule."""

    name: Literal["sgd", "adamw"] = "adamw"
    lr: float | None = Field(
        None, gt=0, description="peak learning rate at reference_batch (none: the optimizer's default, "
                                "adamw 0.003, sgd 0.03 at batch 64, scaled with the global batch)")
    reference_batch: int | None = Field(
        None, ge=1, description="scale lr linearly by global_batch / reference_batch (none: no scaling)")
    momentum: float = Field(0.9, ge=0.0, lt=1.0)
    nesterov: bool = False
    beta1: float = Field(0.9, ge=0.0, lt=1.0)
    beta2: float = Field(0.999, ge=0.0, lt=1.0)
    epsilon: float = Field(1e-7, gt=0)
    weight_decay: float = Field(0.0, ge=0.0, description="L2 for sgd, decoupled for adamw")
    decay_all: bool = Field(False, description="also decay biases and normalization parameters")
    clip_norm: float | None = Field(None, gt=0, description="clip the global gradient norm")
    schedule: Literal["constant", "cosine", "step"] = "cosine"
    warmup_steps: int = Field(0, ge=0)
    step_every: int = Field(1000, ge=1, description="step schedule: decay every this many steps")
    step_gamma: float = Field(0.1, gt=0, le=1.0, description="step schedule: multiply lr by this")


class CheckpointSection(Section):
    """Atomic checkpoints of model, optimizer, step, data position and seed."""

    every: int = Field(0, ge=0, description="steps between checkpoints (0: only at the end)")


class GuardSection(Section):
    """Checks that stop or flag a run that is not learning instead of letting it finish quietly."""

    chance_margin: float = Field(
        0.02, ge=0.0, lt=1.0,
        description="validation accuracy within this of chance (the most frequent class) counts as chance")
    at_chance: Literal["warn", "fail"] = Field(
        "warn", description="after an epoch at chance level: warn, or stop with exit 1")


class LogsSection(Section):
    """Logs beside the checkpoint: training-log.csv always, TensorBoard event files on request."""

    tensorboard: bool = Field(False, description="write TensorBoard event files (tf.summary)")
    tensorboard_dir: str | None = Field(None, description="where (default: OUTPUT/tensorboard)")


class EarlyStoppingSection(Section):
    """Stop when a validation metric has not improved for ``patience`` epochs; keep the best weights."""

    monitor: Literal["val_loss", "val_accuracy"] = "val_loss"
    patience: int = Field(3, ge=1, description="epochs without improvement before stopping")
    min_delta: float = Field(0.0, ge=0.0, description="smallest change that counts as an improvement")
    restore_best: bool = Field(True, description="end with the weights of the best epoch")


class RunSection(Section):
    """How the loop runs: epochs, batch, precision, mode and distribution."""

    epochs: int = Field(1, ge=1)
    max_steps: int | None = Field(None, ge=1, description="stop after this many steps in all")
    batch_size: int = Field(64, ge=1, description="global batch, split across replicas")
    label_smoothing: float = Field(0.0, ge=0.0, lt=1.0)
    mixed_precision: bool | Literal["bfloat16", "float16"] = Field(
        False, description="bfloat16 (or true): mixed_bfloat16; "
                           "float16: mixed_float16 with dynamic loss scaling")
    loss_scale: float = Field(2.0**15, gt=0, description="float16: initial dynamic loss scale")
    loss_scale_growth_steps: int = Field(
        2000, ge=1, description="float16: double the loss scale after this many finite steps in a row")
    mode: Literal["eager", "graph", "op-by-op"] = Field(
        "graph", description="graph: each step one tf.function; eager: steps, gradient sum and update "
                             "from Python, forward+backward compiled; op-by-op: TF eager execution")
    xla: bool = False
    strategy: Literal["one", "mirrored", "multi-worker"] = "one"
    workers: int = Field(1, ge=1, description="local worker processes to launch (multi-worker)")
    connect_timeout: float = Field(60.0, gt=0, description="seconds to wait for every worker")
    gradient_pack_mb: float = Field(
        8.0, ge=0, description="workers on several hosts: all-reduce gradients in packs of about this "
                               "many MiB, overlapping the backward pass (0: one pack); local "
                               "--workers sum them in shared memory")
    seed: int = 0

    @model_validator(mode="after")
    def _xla_needs_graph(self) -> RunSection:
        if self.xla and self.mode != "graph":
            raise ValueError("xla needs mode 'graph'")
        return self


class TrainRecipe(Recipe):
    """A training run: data, model, optimizer, loop and checkpoints.

    >>> TrainRecipe(data={"train": "digits.npz"}).run.mode
    'graph'
    """

    recipe_name: ClassVar[str] = "train"

    data: DataSection
    model: ModelSection = ModelSection()
    optimizer: OptimizerSection = OptimizerSection()
    run: RunSection = RunSection()
    checkpoint: CheckpointSection = CheckpointSection()
    guard: GuardSection = GuardSection()
    logs: LogsSection = LogsSection()
    early_stopping: EarlyStoppingSection | None = None


class TrainingLogMeta(ArtifactMeta):
    """Metadata of a ``training-log`` artifact.

    Datasets: per step ``step``, ``loss``, ``accuracy``, ``lr``, ``images_per_second``;
    per epoch ``epoch``, ``val_loss``, ``val_accuracy``.

    >>> TrainingLogMeta(model="mlp", steps=3).kind
    'training-log'
    """

    kind: ClassVar[str] = "training-log"
    schema_version: ClassVar[int] = 1

    model: str
    steps: int
    epochs_done: int = 0
    mode: str = "graph"
    xla: bool = False
    strategy: str = "one"
    workers: int = 1
    replicas: int = 1
    global_batch: int = 0
    mixed_precision: bool | str = False
    input_shape: list[int] = []
    class_names: list[str] = []
    train_data: str = ""
    val_data: str | None = None
    val_accuracy: float | None = None
    val_loss: float | None = None
    images_per_second: float | None = None
    stopped: str = "finished"
    recipe: dict = {}
