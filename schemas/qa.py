"""Models of ``mstool qa``: the ``qa-index`` artifact and the retrieval/answer recipe.

The index records which encoder embedded its paragraphs, so a question is never
embedded by another one; the recipe holds BM25, retrieval and answer settings.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from mstool.schemas.base import ArtifactMeta, Recipe, Section


class EncoderIdentity(Section):
    """Which sentence encoder made the dense vectors (name + sha256 of the ONNX file).

    >>> EncoderIdentity(name="x", sha256="ab", dim=8, max_length=128).dim
    8
    """

    name: str
    sha256: str
    dim: int = Field(gt=0)
    max_length: int = Field(gt=0)


class QAIndexMeta(ArtifactMeta):
    """Metadata of a ``qa-index`` artifact.

    >>> QAIndexMeta(paragraphs=2, vocabulary=5, sentences=3,
    ...             encoder=EncoderIdentity(name="e", sha256="0", dim=4, max_length=16)).paragraphs
    2
    """

    kind: ClassVar[str] = "qa-index"
    schema_version: ClassVar[int] = 1

    paragraphs: int = Field(ge=1)
    vocabulary: int = Field(ge=0)
    sentences: int = Field(ge=0)
    links: int = 0
    encoder: EncoderIdentity
    k1: float = 0.9
    b: float = 0.4
    sources: list[str] = []


class BM25Settings(Section):
    """Lucene-style BM25 parameters (stored in the index, used at query time)."""

    k1: float = Field(0.9, ge=0.0)
    b: float = Field(0.4, ge=0.0, le=1.0)


class RetrievalSettings(Section):
    """Beam search over reasoning paths."""

    hops: int = Field(2, ge=1, le=4)
    beam: int = Field(12, ge=1, le=200)
    hop1_candidates: int = Field(40, ge=1, le=1000)
    next_candidates: int = Field(30, ge=1, le=1000)
    dense_weight: float = Field(0.5, ge=0.0, le=1.0)
    temperature: float = Field(2.0, gt=0.0)
    top_paths: int = Field(10, ge=1, le=200)
    ann_probe: int = Field(32, ge=1, le=100_000)  # lists searched when the index has --ann
    ann_candidates: int = Field(1000, ge=1, le=1_000_000)  # dense candidates per query with --ann


class AnswerSettings(Section):
    """Answer extraction: how many supporting sentences per hop, longest span."""

    sentences_per_hop: int = Field(2, ge=1, le=10)
    max_answer_tokens: int = Field(12, ge=1, le=64)


class QARecipe(Recipe):
    """Recipe of ``mstool qa``: BM25, retrieval and answer settings.

    >>> QARecipe().retrieval.hops
    2
    """

    recipe_name: ClassVar[str] = "qa"

    bm25: BM25Settings = BM25Settings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
