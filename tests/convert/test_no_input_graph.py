"""A graph with no inputs (every output constant) converts to a model with one placeholder input."""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from mstool.toolkit.convert import onnx_to_keras_model


def _constant_graph() -> object:
    shape = numpy_helper.from_array(np.array([2, 3], np.int64), "shape")
    start, limit, delta = (numpy_helper.from_array(np.array(v, np.float32), n)
                           for n, v in (("start", 1.0), ("limit", 2.0), ("delta", 0.25)))
    nodes = [
        helper.make_node("ConstantOfShape", ["shape"], ["filled"],
                         value=numpy_helper.from_array(np.array([7], np.int32))),
        helper.make_node("Range", ["start", "limit", "delta"], ["steps"]),
    ]
    graph = helper.make_graph(nodes, "constants", [], [
        helper.make_tensor_value_info("filled", TensorProto.INT32, [2, 3]),
        helper.make_tensor_value_info("steps", TensorProto.FLOAT, [4])],
        initializer=[shape, start, limit, delta])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_graph_without_inputs_gives_its_constants_through_a_placeholder_input():
    model = onnx_to_keras_model(_constant_graph())
    assert [i.name for i in model.inputs] == ["no_input"]
    filled, steps = model(np.zeros((1,), np.float32))
    np.testing.assert_array_equal(np.asarray(filled), np.full((2, 3), 7, np.int32))
    np.testing.assert_allclose(np.asarray(steps), [1.0, 1.25, 1.5, 1.75])
