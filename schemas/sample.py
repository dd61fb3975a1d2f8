"""A small generic artifact kind: named arrays with a description.

Used by ``mstool inspect`` demos and tests, and by users who want to hand
arrays to other mstool commands.
"""

from __future__ import annotations

from typing import ClassVar

from mstool.schemas.base import ArtifactMeta


class SampleMeta(ArtifactMeta):
    """Metadata of a ``sample`` artifact: a description and the dataset names.

    >>> SampleMeta(description="noise", datasets=["x"]).datasets
    ['x']
    """

    kind: ClassVar[str] = "sample"
    schema_version: ClassVar[int] = 1

    description: str = ""
    datasets: list[str] = []
