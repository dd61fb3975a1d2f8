"""Base classes for recipes and artifact metadata.

Recipes forbid unknown keys; every artifact kind declares its name and schema version.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

# A float that must be finite: `.inf`, `-.inf` and `.nan` are refused. Recipe sections
# refuse non-finite numbers already (allow_inf_nan=False in Section); models outside a
# recipe (artifact metadata, a user's own section) use this type for the same check.
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class Section(BaseModel):
    """A nested block of a recipe: unknown keys and non-finite numbers are errors.

    >>> class Output(Section):
    ...     every: int = 100
    >>> Output().every
    100
    >>> class Step(Section):
    ...     dt: float = 0.002
    >>> Step(dt=float("inf"))
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Step
    dt
      Input should be a finite number [type=finite_number, input_value=inf, input_type=float]
        For further information visit https://errors.pydantic.dev/2.14/v/finite_number
    """

    # allow_inf_nan=False: `dt: .inf` or `cutoff: .nan` in any recipe is refused by name
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


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
