"""The ``preprocess`` recipe: how images are decoded, which ops run, and what is written.

Ops run in the order listed and are fused into one kernel pass per image.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from mstool.schemas.base import Recipe, Section

Interpolation = Literal["nearest", "bilinear", "bicubic", "area", "antialias"]


class ResizeOp(Section):
    """Resize to ``height`` x ``width`` (aspect ratio not kept)."""

    op: Literal["resize"] = "resize"
    height: int = Field(gt=0)
    width: int = Field(gt=0)
    interpolation: Interpolation = "antialias"


class ResizeShorterOp(Section):
    """Resize so the shorter side is ``size``; the longer one keeps the aspect ratio (floored)."""

    op: Literal["resize_shorter"] = "resize_shorter"
    size: int = Field(gt=0)
    interpolation: Interpolation = "antialias"


class LetterboxOp(Section):
    """Resize to fit a ``size`` x ``size`` square keeping the aspect ratio, pad with ``fill``."""

    op: Literal["letterbox"] = "letterbox"
    size: int = Field(gt=0)
    fill: int = Field(default=114, ge=0, le=255)
    interpolation: Interpolation = "antialias"


class CenterCropOp(Section):
    """Crop ``height`` x ``width`` from the centre (padded with ``fill`` if the image is smaller)."""

    op: Literal["center_crop"] = "center_crop"
    height: int = Field(gt=0)
    width: int = Field(gt=0)
    fill: int = Field(default=0, ge=0, le=255)


class CropOp(Section):
    """Crop the window at (``top``, ``left``) of ``height`` x ``width`` (must lie inside)."""

    op: Literal["crop"] = "crop"
    top: int = Field(ge=0)
    left: int = Field(ge=0)
    height: int = Field(gt=0)
    width: int = Field(gt=0)


class PadOp(Section):
    """Pad each side with ``fill`` (pixels)."""

    op: Literal["pad"] = "pad"
    top: int = Field(default=0, ge=0)
    left: int = Field(default=0, ge=0)
    bottom: int = Field(default=0, ge=0)
    right: int = Field(default=0, ge=0)
    fill: int = Field(default=0, ge=0, le=255)


class HflipOp(Section):
    """Mirror left-right."""

    op: Literal["hflip"] = "hflip"


class NormalizeOp(Section):
    """``(pixel * scale - mean) / std`` per channel (RGB order)."""

    op: Literal["normalize"] = "normalize"
    scale: float = 1.0
    mean: list[float] = [0.0, 0.0, 0.0]
    std: list[float] = [1.0, 1.0, 1.0]

    @model_validator(mode="after")
    def _three_channels(self) -> NormalizeOp:
        if len(self.mean) != 3 or len(self.std) != 3:
            raise ValueError("mean and std need 3 values (R, G, B)")
        if any(s == 0 for s in self.std):
            raise ValueError("std values must be non-zero")
        return self


Op = Annotated[
    ResizeOp | ResizeShorterOp | LetterboxOp | CenterCropOp | CropOp | PadOp | HflipOp | NormalizeOp,
    Field(discriminator="op"),
]


class DecodeSection(Section):
    """JPEG decoding: DCT-domain downscaling and libjpeg-turbo speed switches.

    With ``dct_downscale``, a JPEG is decoded at 1/2, 1/4 or 1/8 scale (scale factors
    ``>= dct_min_factor``) when it stays at least ``dct_margin`` times the size the first
    resize asks for; the resize then filters away the DCT approximation.
    """

    dct_downscale: bool = True
    dct_min_factor: float = Field(default=2.0, ge=1.0, le=8.0)
    dct_margin: float = Field(default=2.0, ge=1.0)
    fast_dct: bool = False
    fast_upsample: bool = False
    # refuse (skip, unless --strict) images whose header declares more pixels: Pillow's default
    max_pixels: int = Field(default=89_478_485, ge=1)


class OutputSection(Section):
    """Layout, dtype and compression of the ``images`` dataset."""

    layout: Literal["CHW", "HWC"] = "CHW"
    dtype: Literal["float32", "float16", "uint8"] = "float32"
    compression: Literal["none", "gzip", "lzf"] = "none"
    compression_level: int = Field(default=4, ge=0, le=9)


class PreprocessRecipe(Recipe):
    """A ``mstool preprocess`` recipe.

    >>> r = PreprocessRecipe(ops=[{"op": "letterbox", "size": 416}])
    >>> r.ops[0].fill, r.output.dtype
    (114, 'float32')
    """

    recipe_name: ClassVar[str] = "preprocess"

    decode: DecodeSection = DecodeSection()
    ops: list[Op] = Field(min_length=1)
    output: OutputSection = OutputSection()

    @model_validator(mode="after")
    def _consistent(self) -> PreprocessRecipe:
        normalizes = [op for op in self.ops if isinstance(op, NormalizeOp)]
        if len(normalizes) > 1:
            raise ValueError("at most one normalize op")
        if normalizes and self.ops[-1] is not normalizes[0]:
            raise ValueError("normalize must be the last op")
        if normalizes and self.output.dtype == "uint8":
            raise ValueError("normalize needs a float output dtype, not uint8")
        return self
