"""Image preprocessing: decode, fused resize/crop/pad/flip/normalize kernels, HDF5 pipeline.

>>> from mstool.toolkit.preprocess import plan_image, transform
>>> from mstool.schemas.preprocess import LetterboxOp
>>> import numpy as np
>>> transform(np.zeros((30, 40, 3), np.uint8), plan_image([LetterboxOp(size=16)], (30, 40))).shape
(3, 16, 16)
"""

from mstool.toolkit.preprocess.decode import DecodeError, decode_image
from mstool.toolkit.preprocess.geometry import plan_image
from mstool.toolkit.preprocess.merge import merge_shards
from mstool.toolkit.preprocess.pipeline import PreprocessOptions, PreprocessReport, preprocess_images
from mstool.toolkit.preprocess.transform import transform

__all__ = [
    "DecodeError",
    "PreprocessOptions",
    "PreprocessReport",
    "decode_image",
    "merge_shards",
    "plan_image",
    "preprocess_images",
    "transform",
]
