"""Converters from ONNX ops to Keras code, one module per op family, found through the registry."""

from mstool.toolkit.convert.ops import (  # noqa: F401 - importing registers the converters
    activations,
    conv,
    elementwise,
    indexing,
    linear,
    misc,
    normalization,
    pooling,
    reduce,
    resize,
    shape_ops,
)
from mstool.toolkit.convert.ops.common import attr
from mstool.toolkit.convert.ops.registry import add_converter, find_converter, registered_op_types

__all__ = ["add_converter", "attr", "find_converter", "registered_op_types"]
