"""ONNX -> Keras conversion: a readable ``model.py``, Keras weights, and a verification report.

>>> from mstool.toolkit.convert import registered_op_types
>>> "Conv" in registered_op_types()
True
"""

from __future__ import annotations

import os
from typing import Any

from mstool.toolkit.convert.artifact import is_converted_folder, load_converted, original_onnx
from mstool.toolkit.convert.ops import registered_op_types
from mstool.toolkit.errors import InputError

__all__ = ["convert_onnx", "is_converted_folder", "load_converted", "onnx_to_keras_model", "original_onnx",
           "registered_op_types"]


def onnx_to_keras_model(model: str | os.PathLike | Any, keep_layout: bool = False,
                        input_shapes: list[str] | None = None) -> Any:
    """An in-memory ``keras.Model`` equivalent to the ONNX ``model`` (path or ``onnx.ModelProto``).

    By default the Keras model takes and returns tensors in the ONNX layout; inside, spatial
    layers run channels-last unless ``keep_layout``. Raises :class:`InputError` naming every
    op that cannot be converted.
    """
    from mstool.toolkit.convert.graph import convert_graph
    from mstool.toolkit.convert.loader import load_onnx

    loaded = load_onnx(model, input_shapes)
    graph = convert_graph(loaded, keep_layout)
    if graph.unconverted:
        listed = "; ".join(f"{u.name} ({u.op_type}): {u.reason}" for u in graph.unconverted[:5])
        more = f" and {len(graph.unconverted) - 5} more" if len(graph.unconverted) > 5 else ""
        raise InputError(f"cannot convert {len(graph.unconverted)} node(s): {listed}{more}",
                         where=loaded.source)
    return graph.keras_model()


def convert_onnx(*args: Any, **kwargs: Any) -> Any:
    """Convert an ONNX file into a folder; see :func:`mstool.toolkit.convert.pipeline.convert_onnx`."""
    from mstool.toolkit.convert.pipeline import convert_onnx as run

    return run(*args, **kwargs)
