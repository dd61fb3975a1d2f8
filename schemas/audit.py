"""The ``audit`` recipe, the ``report.json`` document and the ``audit-report`` artifact.

A recipe names the model, the data, the preprocessing that maps data to model
inputs, and the attacks and natural perturbations to run with their budgets.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, field_validator

from mstool.schemas.base import ArtifactMeta, Recipe, Section


class ModelSection(Section):
    """The model under audit.

    >>> ModelSection(path="m.keras").outputs
    'auto'
    """

    path: str
    format: Literal["auto", "keras", "savedmodel", "onnx", "converted"] = "auto"
    outputs: Literal["auto", "logits", "probabilities"] = "auto"
    whitebox: bool = True
    trust: bool = False  # a SavedModel is a program: it runs only when trusted (--trust-model)


class DataSection(Section):
    """Where the labelled images come from and how many to use.

    ``path`` is an ``images`` artifact (.h5) or an .npz with ``x`` and ``y``.
    ``layout`` says how .npz images are stored (``auto``: channels last).
    """

    path: str
    limit: int | None = Field(default=100, ge=1)
    stratified: bool = True
    layout: Literal["auto", "HWC", "CHW"] = "auto"


class PreprocessSection(Section):
    """How data becomes model input: ``model_input = (x * scale - mean) / std``.

    ``input_range`` is the valid range of ``x`` (data space, before ``scale``);
    every perturbation stays inside it and is measured in it. ``layout`` is the
    layout the model expects (``NHWC`` or ``NCHW``).
    """

    scale: float = 1.0
    mean: list[float] | None = None
    std: list[float] | None = None
    layout: Literal["NHWC", "NCHW"] = "NHWC"
    input_range: tuple[float, float] = (0.0, 1.0)

    @field_validator("input_range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise ValueError("input_range must be [low, high] with low < high")
        return value


class AttackSection(Section):
    """One attack and its budgets.

    ``eps`` lists perturbation budgets in the attack's norm (data space); for
    minimal-perturbation attacks (CW, DeepFool, HopSkipJump, ...) each budget is
    a threshold applied to the perturbations found, and an empty list means
    unbounded. ``queries`` is the query budget of black-box attacks.
    """

    name: str
    eps: list[float] = []
    targeted: bool = False
    queries: int | None = Field(default=None, ge=1)
    params: dict[str, Any] = {}


class PerturbationSection(Section):
    """One natural perturbation and the severities (1-5) to apply."""

    name: str
    severities: list[int] = [1, 2, 3, 4, 5]

    @field_validator("severities")
    @classmethod
    def _in_range(cls, value: list[int]) -> list[int]:
        bad = [s for s in value if not 1 <= s <= 5]
        if bad:
            raise ValueError(f"severities must be between 1 and 5, got {bad}")
        return value


class StandardSection(Section):
    """AutoAttack-style standard evaluation at one budget: APGD-CE, APGD-T, DeepFool and Square
    in turn, per-sample worst case, plus gradient-masking checks.

    >>> StandardSection(eps=0.1).norm
    'linf'
    """

    eps: float = Field(gt=0)
    norm: Literal["linf", "l2"] = "linf"
    checks: bool = True
    queries: int | None = Field(default=None, ge=1)  # Square's per-sample budget (default 5000)


class DefenceSection(Section):
    """An input transformation in front of the model, evaluated adaptively.

    ``name``: ``bit_depth`` (``bits``), ``median`` (``size``) or ``jpeg`` (``quality``).
    ``adaptive: true`` passes gradients straight through the transform (BPDA), so white-box
    attacks attack the defended model end to end; ``false`` shows what a naive evaluation sees.

    >>> DefenceSection(name="bit_depth", params={"bits": 4}).adaptive
    True
    """

    name: str
    params: dict[str, Any] = {}
    adaptive: bool = True


class DetectorSection(Section):
    """An adversarial-example detector scored against PGD at ``eps`` and CW (ROC AUC, detection
    rate at ``false_positive_rate`` set on clean validation samples), and the robust accuracy of
    the detector-guarded model against those attacks and, with ``adaptive``, against PGD on
    the classifier and the detector together.

    ``name``: ``feature_squeezing`` or ``mahalanobis`` (Gaussians on ``layer``'s features:
    ``logits`` or a Keras layer name, fitted on the clean training samples in ``data``, or on
    a quarter of the audit samples when ``data`` is not given).

    >>> DetectorSection(eps=0.3, name="mahalanobis").adaptive_lambdas
    [1.0, 10.0]
    """

    eps: float = Field(gt=0)
    false_positive_rate: float = Field(default=0.05, gt=0, lt=1)
    name: str = "feature_squeezing"
    layer: str = "logits"
    data: str | None = None
    data_limit: int = Field(default=2000, ge=10)
    adaptive: bool = True
    adaptive_steps: int | None = Field(default=None, ge=1)  # default 100 (20 with quick)
    adaptive_lambdas: list[float] = [1.0, 10.0]


class HardenSection(Section):
    """Adversarial training: fine-tune the model on ``attack`` examples made each batch, then
    audit the hardened model with the same recipe (before and after side by side).

    ``data`` is the training set (.npz or images artifact, the same preprocessing as the
    audit); ``eps`` is in data units; ``ratio`` is the share of each batch made adversarial.

    >>> HardenSection(data="train.npz", eps=0.1).steps
    10
    """

    data: str
    eps: float = Field(gt=0)
    attack: Literal["pgd", "fgsm"] = "pgd"
    steps: int = Field(default=10, ge=1)
    ratio: float = Field(default=1.0, ge=0, le=1)
    epochs: int = Field(default=10, ge=1)
    batch_size: int = Field(default=64, ge=1)
    learning_rate: float = Field(default=1e-3, gt=0)
    step_size: float | None = Field(default=None, gt=0)  # PGD step; default 2.5 * eps / steps
    eps_ramp_epochs: int = Field(default=0, ge=0)  # eps grows linearly to eps over these first epochs
    lr_schedule: Literal["constant", "cosine"] = "constant"
    shift: int = Field(default=0, ge=0, le=8)  # random translation by up to this many pixels
    output: str | None = None  # default: <report.dir>/hardened.keras


class MetricsSection(Section):
    """Optional, more expensive metrics."""

    clever: bool = False
    clever_samples: int = Field(default=5, ge=1)
    clever_batches: int = Field(default=20, ge=2)
    clever_batch_size: int = Field(default=32, ge=2)
    clever_radius: float = 0.3


class ReportSection(Section):
    """Where the report goes and how many example images it shows."""

    dir: str = "audit-out"
    examples: int = Field(default=6, ge=0)
    save_adversarials: bool = True


class AuditRecipe(Recipe):
    """A robustness audit: model, data, preprocessing, attacks and perturbations.

    >>> r = AuditRecipe(model={"path": "m.keras"}, data={"path": "d.npz"})
    >>> r.preprocess.input_range
    (0.0, 1.0)
    """

    recipe_name: ClassVar[str] = "audit"

    model: ModelSection
    second_model: ModelSection | None = None
    data: DataSection
    preprocess: PreprocessSection = PreprocessSection()
    attacks: list[AttackSection] = []
    perturbations: list[PerturbationSection] = []
    standard: StandardSection | None = None
    defence: DefenceSection | None = None
    detector: DetectorSection | None = None
    harden: HardenSection | None = None
    metrics: MetricsSection = MetricsSection()
    report: ReportSection = ReportSection()
    seed: int = 0
    batch_size: int = Field(default=256, ge=1)
    fail_under: float | None = None
    quick: bool = False  # cheaper attack defaults (PGD 10 steps, 1 start; APGD 20 steps)


class ResultRow(BaseModel):
    """One method at one budget (epsilon or severity)."""

    method: str
    kind: Literal["whitebox", "blackbox", "perturbation"]
    norm: str
    budget: float | None
    targeted: bool = False
    accuracy: float
    success_rate: float
    mean_l0: float | None = None
    mean_l2: float | None = None
    mean_linf: float | None = None
    median_l0: float | None = None
    median_l2: float | None = None
    median_linf: float | None = None
    acac: float | None = None
    actc: float | None = None
    mean_ssim: float | None = None
    empirical_robustness: float | None = None
    transfer_accuracy: float | None = None
    transfer_rate: float | None = None
    queries: int = 0
    seconds: float
    max_norm: float | None = None
    note: str = ""


class Summary(BaseModel):
    """Overall robustness: worst-case accuracy per budget and corruption accuracy."""

    strongest_per_budget: list[dict[str, Any]] = []
    worst_accuracy: float | None = None
    mean_corruption_accuracy: float | None = None
    relative_corruption_accuracy: float | None = None
    clever: dict[str, float] | None = None


class AuditReport(BaseModel):
    """The ``report.json`` document written by ``mstool audit``."""

    schema_version: int = 1
    model: str
    model_format: str
    whitebox: bool
    second_model: str | None = None
    data: str
    samples: int
    num_classes: int
    input_shape: list[int]
    input_range: tuple[float, float]
    seed: int
    clean_accuracy: float
    second_clean_accuracy: float | None = None
    results: list[ResultRow]
    summary: Summary
    robust_accuracy: float | None = None  # standard evaluation's, else the worst under any attack
    standard: dict[str, Any] | None = None
    defence: dict[str, Any] | None = None
    detection: dict[str, Any] | None = None
    hardening: dict[str, Any] | None = None  # before/after when the recipe hardens the model
    warnings: list[str] = []


class AuditReportMeta(ArtifactMeta):
    """Metadata of an ``audit-report`` artifact.

    Datasets: ``x`` (N, H, W, C) the audited samples in data space, ``y`` (N,)
    labels, ``clean_pred`` (N,), and per result ``adversarial/<index>`` with
    ``x`` (perturbed samples) and ``pred`` (the model's labels on them); the
    ``results`` list below gives each index its method and budget.

    >>> AuditReportMeta(samples=2, num_classes=10, input_range=(0, 1)).kind
    'audit-report'
    """

    kind: ClassVar[str] = "audit-report"
    schema_version: ClassVar[int] = 1

    samples: int
    num_classes: int
    input_range: tuple[float, float]
    layout: Literal["HWC"] = "HWC"
    clean_accuracy: float | None = None
    results: list[dict[str, Any]] = []
