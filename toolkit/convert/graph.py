"""Walk an ONNX graph in order: fold constants, call each node's converter, collect what failed.

The result holds the code lines, the weights per layer and a record per node;
:mod:`mstool.toolkit.convert.codegen` turns it into ``model.py``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mstool.toolkit.convert import ops
from mstool.toolkit.convert.builder import Builder, NodeRecord, Unsupported
from mstool.toolkit.convert.codegen import format_call, recursion_limit
from mstool.toolkit.convert.loader import LoadedModel
from mstool.toolkit.convert.narrow import (
    NARROW_INTS,
    carrier_dtype,
    check_producible,
    narrow_values,
    to_carrier,
)
from mstool.toolkit.convert.safe_code import UnsafeCode, sanitize, shorten, string_literal
from mstool.toolkit.errors import InputError

# Ops whose value must not be frozen at conversion time even when their inputs are constant.
NEVER_FOLD = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial",
              "Bernoulli"}
# Constants above this many elements are not produced by folding (they would bloat the weights).
FOLD_SIZE_LIMIT = 50_000_000


@dataclass
class Unconverted:
    name: str
    op_type: str
    reason: str


@dataclass
class ConvertedGraph:
    builder: Builder
    inputs: list[str]
    outputs: list[str]
    records: list[NodeRecord] = field(default_factory=list)
    unconverted: list[Unconverted] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.builder.lines


def _attribute_constant(node: Any) -> np.ndarray:
    from onnx import helper, numpy_helper

    attr = node.attribute[0]
    if attr.name == "value":
        return to_carrier(numpy_helper.to_array(attr.t))
    value = helper.get_attribute_value(attr)
    dtypes = {"value_float": np.float32, "value_floats": np.float32, "value_int": np.int64,
              "value_ints": np.int64}
    if attr.name in dtypes:
        return np.array(value, dtypes[attr.name])
    raise Unsupported(f"Constant attribute '{attr.name}' is not supported")


def fold_node(node: Any, values: list[np.ndarray | None], opset: int) -> list[np.ndarray]:
    """Evaluate one node on constant inputs with onnx's reference implementation.

    A Cast into a 4- or 2-bit integer follows onnxruntime instead (see ``narrow``).
    """
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    if node.op_type == "Cast" and ops.attr(node, "to", None) in NARROW_INTS:
        return [narrow_values(values[0], ops.attr(node, "to"))]

    names = [n for n in node.input]
    feeds = {n: v for n, v in zip(names, values, strict=True) if n}
    graph_inputs = [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
                    for n, v in feeds.items()]
    outputs = [helper.make_tensor_value_info(o, 0, None) for o in node.output if o]
    graph = helper.make_graph([node], "fold", graph_inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return [np.asarray(v) for v in ReferenceEvaluator(model).run(None, feeds)]


def onnx_element_types(graph: Any) -> dict[str, int]:
    """The ONNX element type of every tensor the graph declares (inputs, outputs, value_info, weights)."""
    types = {v.name: v.type.tensor_type.elem_type for v in (*graph.input, *graph.value_info, *graph.output)
             if v.type.tensor_type.elem_type}
    types.update({t.name: t.data_type for t in graph.initializer})
    return types


def live_nodes(graph: Any) -> set[int]:
    """Indices of nodes that contribute to a graph output."""
    producer = {out: i for i, node in enumerate(graph.node) for out in node.output}
    needed = [o.name for o in graph.output]
    live: set[int] = set()
    while needed:
        name = needed.pop()
        index = producer.get(name)
        if index is not None and index not in live:
            live.add(index)
            needed.extend(n for n in graph.node[index].input if n)
    return live


def _keras_label(lines: list[str]) -> str:
    # The node's own construct is its last statement (earlier ones are layout views or padding).
    found = re.findall(r"(keras\.(?:layers|ops)\.\w+|Constant)\(", lines[-1]) if lines else []
    return found[0] if found else "layout only (no code)"


def shared_scope(graph: Any) -> str:
    """The first ``/`` scope that at least half the node names share, sanitised (``"resnet50_1_"``)."""
    scopes = Counter(n.name.split("/")[0] for n in graph.node if "/" in n.name)
    if not scopes:
        return ""
    scope, count = scopes.most_common(1)[0]
    return sanitize(scope) + "_" if count * 2 >= len(graph.node) and sanitize(scope) else ""


def _declare_inputs(builder: Builder, loaded: LoadedModel) -> list[str]:
    variables = []
    for name, shape in loaded.input_shapes.items():
        var = builder.fresh_name(name)
        dtype = carrier_dtype(loaded.input_dtypes[name])
        builder.assign(var, format_call("keras.Input", {"batch_shape": tuple(shape), "dtype": dtype,
                                                        "name": var}))
        builder.alias(name, var)
        variables.append(var)
    builder.anchor = variables[0] if variables else None
    return variables


def _convert_node(builder: Builder, node: Any, opset: int) -> str:
    """Convert or fold one node; returns a short label of what it became."""
    inputs = [n for n in node.input if n]
    if node.op_type == "Constant":
        builder.constants[node.output[0]] = _attribute_constant(node)
        return "constant"
    if node.op_type not in NEVER_FOLD and all(builder.is_const(n) for n in inputs):
        values = [builder.constants[n] if n else None for n in node.input]
        folded = fold_node(node, values, opset)
        if sum(v.size for v in folded) <= FOLD_SIZE_LIMIT:
            for out, value in zip(node.output, folded, strict=False):
                builder.constants[out] = to_carrier(value)
            return "constant-folded"
    if node.op_type == "Shape" and node.input[0] in builder.tensors:
        full = np.array(builder.onnx_shape(node.input[0]), np.int64)
        start = ops.attr(node, "start", 0)
        end = ops.attr(node, "end", None)
        builder.constants[node.output[0]] = full[start:end]
        return "constant-folded (static shape)"
    if node.op_type == "Size" and node.input[0] in builder.tensors:
        size = int(np.prod(builder.onnx_shape(node.input[0])))
        builder.constants[node.output[0]] = np.array(size, np.int64)
        return "constant-folded (static shape)"
    converter = ops.find_converter(node.op_type, opset, node.domain if node.domain != "ai.onnx" else "")
    if converter is None:
        raise Unsupported(f"no converter for {node.op_type} at opset {opset}")
    converter(node, builder)
    missing = [o for o in node.output if o and o not in builder.tensors and o not in builder.constants]
    if missing and missing[0] == node.output[0]:
        raise Unsupported("converter produced no output")
    return _keras_label(builder.current.lines if builder.current else [])


def convert_graph(loaded: LoadedModel, keep_layout: bool = False) -> ConvertedGraph:
    """Convert every live node of ``loaded`` into Keras code executed on symbolic tensors."""
    from onnx import numpy_helper

    graph = loaded.model.graph
    builder = Builder(loaded.opset, keep_layout)
    builder.strip_prefix = shared_scope(graph)
    for init in graph.initializer:
        try:
            builder.constants[init.name] = to_carrier(numpy_helper.to_array(init))
        except (ValueError, TypeError, KeyError) as err:  # e.g. data short of its dims, an unknown type
            raise InputError(f"initializer {shorten(init.name)!r} cannot be read: {shorten(err, 120)}",
                             where=loaded.source) from None
    builder.onnx_dtypes = onnx_element_types(graph)
    result = ConvertedGraph(builder, _declare_inputs(builder, loaded), [])
    live = live_nodes(graph)
    failed: set[str] = set()
    for index, node in enumerate(graph.node):
        if index not in live:
            continue
        record = NodeRecord(node.name or node.output[0], node.op_type)
        builder.current = record
        blocked = [n for n in node.input if n in failed]
        try:
            if blocked:
                raise Unsupported(f"depends on unconverted tensor '{blocked[0]}'")
            record.keras = _convert_node(builder, node, loaded.opset)
        except UnsafeCode as err:
            raise UnsafeCode(f"node {shorten(record.name)!r} ({shorten(node.op_type)}): {err.message}",
                             where=loaded.source) from None
        except Unsupported as err:
            result.unconverted.append(Unconverted(record.name, node.op_type, str(err)))
            failed.update(o for o in node.output if o)
            record.keras = "UNCONVERTED"
        except Exception as err:  # noqa: BLE001 - a converter bug must still end up in the report
            reason = f"{type(err).__name__}: {' '.join(str(err).split())[:300]}"
            result.unconverted.append(Unconverted(record.name, node.op_type, reason))
            failed.update(o for o in node.output if o)
            record.keras = "UNCONVERTED"
        result.records.append(record)
    builder.current = None
    if not result.unconverted:
        result.outputs = _declare_outputs(builder, graph)
    return result


def _declare_outputs(builder: Builder, graph: Any) -> list[str]:
    from onnx import helper

    variables = []
    for out in graph.output:
        if out.name in builder.constants:
            # A graph output that folded to a constant still has to be a Keras tensor.
            value = builder.constants[out.name]
            var = builder.fresh_name(out.name)
            dtype_text = string_literal(str(value.dtype))
            builder.assign(var, format_call("Constant", {"name": var}, builder.anchor, indent=len(var) + 7,
                                            args=[repr(tuple(value.shape)), dtype_text]))
            builder.set_layer_weights(var, [value])
            variables.append(var)
            continue
        var = builder.view(out.name, None)
        want = out.type.tensor_type.elem_type
        if want:
            check_producible(helper.tensor_dtype_to_np_dtype(want), f"model output '{out.name}' of type")
            dtype = carrier_dtype(helper.tensor_dtype_to_np_dtype(want))
            if builder.dtype(out.name) != dtype or var in variables:
                target = builder.fresh_name(f"{out.name}_out")
                builder.assign(target, f"keras.ops.cast({var}, {string_literal(dtype)})")
                var = target
        variables.append(var)
    return variables


def _keras_model(self: ConvertedGraph) -> Any:
    """The Keras model built from the executed code (weights already set)."""
    keras, ns = self.builder.keras, self.builder.namespace
    ins = [ns[v] for v in self.inputs]
    outs = [ns[v] for v in self.outputs]
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, recursion_limit(len(self.lines)) or 0))
    try:
        return keras.Model(inputs=ins[0] if len(ins) == 1 else ins,
                           outputs=outs[0] if len(outs) == 1 else outs)
    finally:
        sys.setrecursionlimit(previous)


ConvertedGraph.keras_model = _keras_model
