"""Base classes for recipes and artifact metadata.

Recipes forbid unknown keys; every artifact kind declares its name and schema version.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, model_validator


class Section(BaseModel):
    """A nested block of a recipe: unknown keys are errors.

    >>> class Output(Section):
    ...     every: int = 100
    >>> Output().every
    100
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Recipe(Section):
    """Base of every top-level recipe model.

    A subclass names its command in ``recipe_name`` (``"simulate"``,
    ``"qsim.vqe"``); a recipe file may say which command it is for with
    ``recipe: NAME`` so ``mstool inspect`` can validate it on its own.

    >>> class Run(Recipe):
    ...     recipe_name: ClassVar[str] = "demo.run"
    ...     steps: int = 10
    >>> Run(steps=3).steps
    3
    """

    recipe_name: ClassVar[str] = ""

    recipe: str | None = None

    @model_validator(mode="after")
    def _recipe_matches(self) -> Recipe:
        if self.recipe is not None and self.recipe_name and self.recipe != self.recipe_name:
            raise ValueError(
                f"this is a '{self.recipe}' recipe, expected '{self.recipe_name}'"
            )
        return self


class ArtifactMeta(BaseModel):
    """Base of artifact metadata stored as JSON in the ``mstool_meta`` attribute.

    Subclasses set ``kind`` (the ``mstool_kind`` attribute) and ``schema_version``;
    any subclass defined in a module of ``mstool.schemas`` is found by
    :func:`mstool.schemas.kinds.meta_model_for`.

    >>> class Note(ArtifactMeta):
    ...     kind: ClassVar[str] = "note"
    ...     text: str
    >>> Note(text="hi").model_dump()["text"]
    'hi'
    """

    model_config = ConfigDict(extra="forbid")

    kind: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1
