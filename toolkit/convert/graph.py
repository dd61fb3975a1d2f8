"""Walk an ONNX graph in order: fold constants, call each node's converter, collect what failed.

The result holds the code lines, the weights per layer and a record per node;
:mod:`mstool.toolkit.convert.codegen` turns it into ``model.py``.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mstool.toolkit.convert import layout, ops
from mstool.toolkit.convert.builder import Builder, NodeRecord, Unsupported
from mstool.toolkit.convert.codegen import format_call, recursion_limit
from mstool.toolkit.convert.dims import Dim, Undecidable, all_ints
from mstool.toolkit.convert.loader import LoadedModel
from mstool.toolkit.convert.narrow import (
    NARROW_INTS,
    carrier_dtype,
    narrow_values,
    to_carrier,
)
from mstool.toolkit.convert.ops.common import attr_choice
from mstool.toolkit.convert.safe_code import RESERVED, UnsafeCode, sanitize, shorten, string_literal
from mstool.toolkit.convert.shape_values import fold_symbolic
from mstool.toolkit.convert.small_floats import ROUND_MODES, is_small_float, small_float_values
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


def _carried_cast_like(node: Any, like: int | None) -> Any:
    """A CastLike whose target type is carried in another dtype (int4 in int8, float8 FNUZ in
    float32) as the equivalent Cast, so folding applies that type's rule, not the carrier's."""
    from onnx import helper

    if node.op_type != "CastLike" or not (like in NARROW_INTS or is_small_float(like)):
        return node
    cast = helper.make_node("Cast", [node.input[0]], list(node.output), name=node.name, to=like)
    cast.attribute.extend(a for a in node.attribute if a.name in ("saturate", "round_mode"))
    return cast


def fold_node(node: Any, values: list[np.ndarray | None], opset: int) -> list[np.ndarray]:
    """Evaluate one node on constant inputs with onnx's reference implementation.

    A Cast into a 4- or 2-bit integer or a small float Keras lacks follows onnxruntime instead
    (see ``narrow`` and ``small_floats``).
    """
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    if node.op_type == "Cast" and ops.attr(node, "to", None) in NARROW_INTS:
        return [narrow_values(values[0], ops.attr(node, "to"))]
    if node.op_type == "Cast" and is_small_float(ops.attr(node, "to", None)):
        return [small_float_values(values[0], ops.attr(node, "to"), bool(ops.attr(node, "saturate", 1)),
                                   attr_choice(node, "round_mode", "up", ROUND_MODES))]

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


# The one input of the Keras model converted from an ONNX graph that has none (feed it ``[0.0]``).
NO_INPUT_NAME = "no_input"


def _declare_inputs(builder: Builder, loaded: LoadedModel) -> list[str]:
    """One ``keras.Input`` per graph input, named after it; dynamic dims stay ``None``."""
    variables = []
    for name, shape in loaded.input_shapes.items():
        var = builder.fresh_name(name, strip=False)
        dtype = carrier_dtype(loaded.input_dtypes[name])
        batch_shape = tuple(None if d is None else int(d) for d in shape)
        keras_name = output_name(name)  # the variable may differ ("input_"); the Keras name need not
        builder.used_names.add(keras_name)
        builder.assign(var, format_call("keras.Input", {"batch_shape": batch_shape, "dtype": dtype,
                                                        "name": keras_name}))
        builder.alias(name, var)
        labels = loaded.dim_labels.get(name, [])
        for axis, label in enumerate(labels):
            if shape[axis] is None:
                builder.symbol_origin.setdefault(label, (var, axis))
        builder.var_dims[var] = tuple(Dim.symbol(labels[a]) if d is None else d for a, d in enumerate(shape))
        variables.append(var)
    if not variables:
        # A Keras model needs an input, and constants are read through one: a graph with no
        # inputs (all outputs constant) takes one placeholder, whose value is never used.
        var = builder.fresh_name(NO_INPUT_NAME, strip=False)
        builder.used_names.add(NO_INPUT_NAME)
        builder.assign(var, format_call("keras.Input", {"batch_shape": (1,), "dtype": "float32",
                                                        "name": NO_INPUT_NAME}))
        builder.var_dims[var] = (1,)
        variables.append(var)
    builder.anchor = variables[0]
    return variables


def _declared_dims(graph: Any) -> dict[str, list[Any]]:
    """Per tensor, what shape inference knows of each dim: an int, a dim_param name or None."""
    found = {}
    for info in (*graph.input, *graph.value_info, *graph.output):
        if info.type.tensor_type.HasField("shape"):
            found[info.name] = [d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
                                for d in info.type.tensor_type.shape.dim]
    return found


def propagate_dims(builder: Builder, node: Any, input_labels: set[str]) -> None:
    """Give each new output's dynamic (None) dims a symbol: the input dim it comes from.

    In order: a dim shape inference names after a model input's dim (``batch``), Gather's and
    MatMul's own rules, Concat's sum, then the operands aligned from the right as broadcasting
    does (then from the left); a dim nothing explains gets a symbol of its own.
    """
    names = [n for n in node.input if n and (n in builder.tensors or n in builder.constants)]
    shapes = {n: builder.onnx_shape(n) for n in names}
    for out in node.output:
        if out not in builder.tensors or out in names:
            continue
        var = builder.tensors[out].var
        keras_shape = tuple(builder.namespace[var].shape)
        if var in builder.var_dims or None not in keras_shape:
            continue
        shape = layout.to_onnx_shape(keras_shape, builder.tensors[out].perm)
        declared = builder.declared_dims.get(out) or []
        dims = [d if d is not None else _matching_dim(node, builder, shapes, axis, len(shape))
                for axis, d in enumerate(shape)]
        for axis, label in enumerate(declared if len(declared) == len(shape) else []):
            if shape[axis] is None and label in input_labels:
                dims[axis] = Dim.symbol(label)
        builder.set_dims(out, dims)


def _matching_dim(node: Any, builder: Builder, shapes: dict[str, tuple[Any, ...]], axis: int,
                  rank: int) -> Any:
    ins = [shapes.get(n) for n in node.input]
    if node.op_type == "Gather" and len(ins) > 1 and ins[0] is not None and ins[1] is not None:
        data, index = ins[0], ins[1]
        gather_axis = int(ops.attr(node, "axis", 0)) % max(len(data), 1)
        full = list(data[:gather_axis]) + list(index) + list(data[gather_axis + 1:])
        return full[axis] if len(full) == rank else None
    if node.op_type == "MatMul" and all(i is not None and len(i) >= 2 for i in ins[:2]):
        if axis == rank - 1:
            return ins[1][-1]
        if axis == rank - 2:
            return ins[0][-2]
    if node.op_type == "Concat" and all(i is not None and len(i) == rank for i in ins if i is not None):
        concat_axis = int(ops.attr(node, "axis", 1)) % rank
        if concat_axis == axis:
            return sum((i[axis] for i in ins if i is not None), start=0)
    from_right = rank - axis
    for dims in ins:
        if dims is not None and len(dims) >= from_right and isinstance(dims[len(dims) - from_right], Dim):
            return dims[len(dims) - from_right]
    for dims in ins:
        if dims is not None and len(dims) > axis and isinstance(dims[axis], Dim):
            return dims[axis]
    return None


def _convert_node(builder: Builder, node: Any, opset: int) -> str:
    """Convert or fold one node; returns a short label of what it became."""
    inputs = [n for n in node.input if n]
    if node.op_type == "Constant":
        builder.constants[node.output[0]] = _attribute_constant(node)
        return "constant"
    if node.op_type not in NEVER_FOLD and all(builder.is_const(n) for n in inputs):
        values = [builder.constants[n] if n else None for n in node.input]
        folded = fold_node(_carried_cast_like(node, builder.onnx_dtypes.get(node.input[-1])), values, opset)
        if sum(v.size for v in folded) <= FOLD_SIZE_LIMIT:
            for out, value in zip(node.output, folded, strict=False):
                builder.constants[out] = to_carrier(value)
            return "constant-folded"
    if any(builder.is_shape_value(n) for n in inputs) and \
            all(builder.is_const(n) or builder.is_shape_value(n) for n in inputs):
        label = _fold_symbolic(builder, node)
        if label:
            return label
    if node.op_type in ("Shape", "Size") and node.input[0] in builder.tensors:
        ops.find_converter(node.op_type, opset)(node, builder)
        kind = "static" if node.output[0] in builder.constants else "dynamic"
        return f"folded ({kind} shape)"
    converter = ops.find_converter(node.op_type, opset, node.domain if node.domain != "ai.onnx" else "")
    if converter is None:
        raise Unsupported(f"no converter for {node.op_type} at opset {opset}")
    converter(node, builder)
    missing = [o for o in node.output if o and o not in builder.tensors and o not in builder.constants]
    if missing and missing[0] == node.output[0]:
        raise Unsupported("converter produced no output")
    return _keras_label(builder.current.lines if builder.current else [])


def _fold_symbolic(builder: Builder, node: Any) -> str | None:
    """Evaluate a shape-subgraph node on symbolic sizes; None when it must run as code."""
    values = [None if not n else builder.shape_value(n) for n in node.input]
    try:
        results = fold_symbolic(node, values)
    except Undecidable:
        return None
    for out, value in zip(node.output, results, strict=False):
        if all_ints(value):
            dtype = builder.onnx_dtypes.get(out)
            builder.constants[out] = np.asarray(value.tolist(), dtype=_numpy_dtype(dtype, value))
        else:
            builder.shape_values[out] = value
    return "folded (dynamic shape)"


def _numpy_dtype(onnx_type: int | None, value: np.ndarray) -> Any:
    from onnx import helper

    if onnx_type:
        return helper.tensor_dtype_to_np_dtype(onnx_type)
    return np.bool_ if value.size and isinstance(value.reshape(-1)[0], bool) else np.int64


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
    for out in graph.output:  # outputs keep their ONNX names: no node may take them first
        builder.used_names.add(output_name(out.name))
    builder.declared_dims = _declared_dims(graph)
    input_labels = {label for labels in loaded.dim_labels.values() for label in labels}
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
            propagate_dims(builder, node, input_labels)
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


def output_name(name: str) -> str:
    """A graph output's Keras name: the ONNX name, characters Keras (or Python) refuses replaced.

    >>> output_name("last_hidden_state"), output_name("logits:0"), output_name("0"), output_name("add_2")
    ('last_hidden_state', 'logits_0', 'output_0', 'add_2_output')
    """
    cleaned = sanitize(name) or "output"
    cleaned = cleaned if not cleaned[0].isdigit() else f"output_{cleaned}"
    # Keras names unnamed operations after their function (add, reshape_3, bitwise_not): an output
    # with such a name would clash with one of them, so it gets a suffix.
    import keras

    base = re.sub(r"_\d+$", "", cleaned)
    return f"{cleaned}_output" if base in dir(keras.ops) or base == "get_item" else cleaned


def _declare_outputs(builder: Builder, graph: Any) -> list[str]:
    """Each graph output through a ``keras.layers.Identity`` named after it (names survive saving)."""
    from onnx import helper

    variables = []
    for out in graph.output:
        if out.name in builder.constants:
            # A graph output that folded to a constant still has to be a Keras tensor.
            var = builder.constant_var(builder.constants[out.name], f"{out.name}_constant", tensor=True)
        else:
            var = builder.view(out.name, None)
        want = out.type.tensor_type.elem_type
        if want:
            dtype = carrier_dtype(helper.tensor_dtype_to_np_dtype(want))
            if out.name not in builder.constants and builder.dtype(out.name) != dtype:
                var = f"keras.ops.cast({var}, {string_literal(dtype)})"
        name = output_name(out.name)
        target = name if not keyword.iskeyword(name) and name not in RESERVED \
            else builder.fresh_name(f"{name}_output")
        call = format_call("keras.layers.Identity", {"name": name}, var, indent=len(target) + 7)
        builder.assign(target, call)
        variables.append(target)
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
