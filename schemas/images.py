"""The ``images`` artifact: model-ready image tensors written by ``mstool preprocess``.

Read by ``mstool train`` and ``mstool audit`` as a stream.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from mstool.schemas.base import ArtifactMeta, FiniteFloat


class ImagesMeta(ArtifactMeta):
    """Metadata of an ``images`` artifact.

    Datasets: ``images`` (N, C, H, W) when ``layout`` is ``CHW``, (N, H, W, C) when
    ``HWC``; optional ``labels`` (N,) int64 indexing ``class_names``; per image
    ``source`` (path strings), ``original_size`` (N, 2: height, width),
    ``scale`` (N, 2: y, x) and ``padding`` (N, 4: top, left, bottom, right); ``mstool
    preprocess`` also writes ``affine`` (N, 4: a_y, b_y, a_x, b_x; an original coordinate
    ``x`` lands at ``a * x + b``). ``mean``/``std`` are in the [0, 1] pixel domain:
    ``value = (pixel / 255 - mean) / std``; ``value_range`` bounds the stored values.

    >>> ImagesMeta(count=2, height=4, width=4, channels=3).layout
    'CHW'
    """

    kind: ClassVar[str] = "images"
    schema_version: ClassVar[int] = 1

    count: int
    height: int
    width: int
    channels: int
    layout: Literal["CHW", "HWC"] = "CHW"
    dtype: Literal["float32", "float16", "uint8"] = "float32"
    value_range: tuple[FiniteFloat, FiniteFloat] = (0.0, 1.0)
    mean: list[FiniteFloat] | None = None
    std: list[FiniteFloat] | None = None
    class_names: list[str] = []
    skipped: list[dict[str, str]] = []
    recipe: dict = {}
    shard: str | None = None
