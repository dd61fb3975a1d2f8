"""The ``convert`` recipe: which model to convert, in which direction, and how to verify it.

Relative paths are resolved against the recipe's folder.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from mstool.schemas.base import Recipe, Section


class VerifySection(Section):
    """Numerical check against onnxruntime (or Keras for --to onnx)."""

    enabled: bool = True
    inputs: str | None = Field(default=None, description="an .npz of inputs (keys NAME or in_NAME)")
    seed: int = 0
    atol: float = Field(default=1e-4, ge=0)
    rtol: float = Field(default=1e-3, ge=0)


class ConvertRecipe(Recipe):
    """``mstool convert recipe.yaml``: the same choices as the command-line options."""

    recipe_name: ClassVar[str] = "convert"

    model: str = Field(description="an .onnx file, a TensorFlow .pb or SavedModel folder, or a Keras file")
    output: str | None = Field(default=None, description="output folder (default <model>-<to>)")
    to: Literal["keras", "onnx"] = "keras"
    input_shapes: list[str] = Field(default_factory=list, description="NAME=D1,D2,... per input")
    keep_layout: bool = False
    overwrite: bool = False
    verify: VerifySection = VerifySection()
