"""Pydantic models only: recipes and artifact metadata. No I/O, no numerics."""

from mstool.schemas.base import ArtifactMeta, Recipe, Section

__all__ = ["ArtifactMeta", "Recipe", "Section"]
