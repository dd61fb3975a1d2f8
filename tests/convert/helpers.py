"""Tiny ONNX graphs for the convert tests and a check of a conversion against onnxruntime."""

from __future__ import annotations

import numpy as np

FLOAT = 1


def make_model(nodes, inputs, outputs, initializers=(), opset=17):
    """``inputs``/``outputs``: lists of (name, numpy dtype, shape)."""
    from onnx import helper

    def info(name, dtype, shape):
        if dtype is None:
            return helper.make_empty_tensor_value_info(name)
        return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(dtype)), shape)

    graph = helper.make_graph(nodes, "test", [info(*i) for i in inputs], [info(*o) for o in outputs],
                              list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8 if opset <= 18 else 10
    if any(o[1] is None for o in outputs):
        import onnx

        inferred = onnx.shape_inference.infer_shapes(model)
        model.graph.ClearField("output")
        model.graph.output.extend(inferred.graph.output)
    return model


def const(name, value):
    from onnx import numpy_helper

    return numpy_helper.from_array(np.asarray(value), name)


def random_feeds(model, seed=0):
    from onnx import helper

    rng = np.random.default_rng(seed)
    feeds = {}
    for inp in model.graph.input:
        shape = [d.dim_value or 1 for d in inp.type.tensor_type.shape.dim]
        dtype = helper.tensor_dtype_to_np_dtype(inp.type.tensor_type.elem_type)
        if np.issubdtype(dtype, np.floating):
            feeds[inp.name] = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[inp.name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[inp.name] = rng.integers(0, 3, shape).astype(dtype)
    return feeds


def check_against_onnxruntime(model, atol=1e-4, keep_layout=False, feeds=None):
    """Convert ``model``, run both on the same inputs, assert the outputs agree; returns the max error."""
    import onnxruntime as ort

    from mstool.toolkit.convert import onnx_to_keras_model

    feeds = feeds or random_feeds(model)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    expected = session.run(None, feeds)
    keras_model = onnx_to_keras_model(model, keep_layout=keep_layout)
    args = [feeds[i.name] for i in model.graph.input]
    got = keras_model(args[0] if len(args) == 1 else args)
    got = got if isinstance(got, list | tuple) else [got]
    worst = 0.0
    for e, g in zip(expected, got, strict=True):
        g = np.asarray(g)
        assert g.shape == e.shape, (g.shape, e.shape)
        if e.dtype == np.bool_ or np.issubdtype(e.dtype, np.integer):
            np.testing.assert_array_equal(g, e)
        else:
            np.testing.assert_allclose(g, e, atol=atol, rtol=1e-3)
            worst = max(worst, float(np.abs(g - e).max()))
    return worst
