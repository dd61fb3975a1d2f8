"""Load and check an ONNX model: parse, refuse custom domains, run the checker, fix input shapes.

Every failure is an :class:`InputError` naming the file or node, so the CLI prints one line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mstool.toolkit.errors import InputError

STANDARD_DOMAINS = ("", "ai.onnx")


@dataclass
class LoadedModel:
    """A checked ONNX model with every input shape fixed and shapes inferred."""

    model: Any
    source: str
    opset: int
    input_shapes: dict[str, tuple[int | None, ...]]
    input_dtypes: dict[str, np.dtype]
    dynamic_dims: list[dict[str, Any]] = field(default_factory=list)
    dim_labels: dict[str, list[str]] = field(default_factory=dict)
    original_bytes: bytes | None = None
    path: str | None = None


def parse_input_shape(text: str) -> tuple[str | None, tuple[int, ...]]:
    """``"name=1,3,224,224"`` or ``"1,3,224,224"`` -> (name or None, dims).

    >>> parse_input_shape("input_ids=1,16")
    ('input_ids', (1, 16))
    """
    name, _, dims = text.rpartition("=")
    try:
        shape = tuple(int(d) for d in dims.replace("x", ",").split(",") if d.strip())
    except ValueError:
        raise InputError(f"--input-shape '{text}': expected NAME=D1,D2,... with integer dims") from None
    if not shape or any(d < 0 for d in shape):
        raise InputError(f"--input-shape '{text}': dims must be non-negative integers")
    return (name or None), shape


def _parse(path: Path) -> Any:
    import onnx
    from google.protobuf.message import DecodeError

    data = path.read_bytes()
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except (DecodeError, RuntimeError, ValueError) as err:
        # An ONNX file starts with field 1 (ir_version, varint): then a parse error means truncation.
        if data[:1] == b"\x08":
            raise InputError(f"truncated or corrupt ONNX protobuf ({err})", where=str(path)) from None
        raise InputError("not an ONNX model (the file is not an ONNX protobuf)", where=str(path)) from None
    if not model.ir_version or not model.HasField("graph"):
        raise InputError("not an ONNX model (no ir_version or graph)", where=str(path))
    return model


def _load_external(model: Any, path: Path) -> None:
    from onnx.external_data_helper import load_external_data_for_model, uses_external_data

    if any(uses_external_data(t) for t in model.graph.initializer):
        try:
            load_external_data_for_model(model, str(path.parent))
        except Exception as err:  # noqa: BLE001 - onnx raises OSError or its own ValidationError
            first = " ".join(str(err).split())[:200]
            raise InputError(f"external data missing or unreadable: {first}", where=str(path)) from None


def check_domains(model: Any, source: str) -> None:
    """Refuse nodes from custom (non ai.onnx) domains, naming the first one."""
    for node in model.graph.node:
        if node.domain not in STANDARD_DOMAINS:
            raise InputError(
                f"node '{node.name or node.output[0]}' (op {node.op_type}) is in custom domain "
                f"'{node.domain}'; only the standard ai.onnx domain is supported", where=source)


def check_names_are_text(model: Any, source: str) -> None:
    """Refuse names that are not valid UTF-8 (protobuf then hands back bytes, not text)."""
    graph = model.graph
    names = [graph.name, *(v.name for v in (*graph.input, *graph.output, *graph.value_info)),
             *(t.name for t in graph.initializer)]
    for node in graph.node:
        names += [node.name, node.op_type, node.domain, *node.input, *node.output]
        names += [a.name for a in node.attribute]
    if not all(isinstance(name, str) for name in names):
        raise InputError("a graph, node, tensor or attribute name is not valid UTF-8", where=source)


def check_no_string_constants(model: Any, source: str) -> None:
    """Refuse string tensors among the weights and Constant nodes (Keras has no string ops)."""
    from onnx import TensorProto

    named = [(t.name, t.data_type) for t in model.graph.initializer]
    named += [(node.output[0] if node.output else node.name, a.t.data_type)
              for node in model.graph.node if node.op_type == "Constant"
              for a in node.attribute if a.name == "value"]
    named += [(node.output[0] if node.output else node.name, TensorProto.STRING)
              for node in model.graph.node if node.op_type == "Constant"
              for a in node.attribute if a.name in ("value_string", "value_strings")]
    for name, data_type in named:
        if data_type == TensorProto.STRING:
            raise InputError(f"constant {name[:60]!r} holds strings; mstool converts numeric tensors only",
                             where=source)


def model_opset(model: Any) -> int:
    for entry in model.opset_import:
        if entry.domain in STANDARD_DOMAINS:
            return int(entry.version)
    return 1


def _check(model: Any, source: str, path: Path | None) -> None:
    import onnx

    try:
        if path is not None:  # the checker reads the file itself: no copy of a large model in Python
            onnx.checker.check_model(str(path))
        else:
            onnx.checker.check_model(model)
    except UnicodeDecodeError:
        raise InputError("fails onnx.checker: a name or string field is not valid UTF-8",
                         where=source) from None
    except Exception as err:  # noqa: BLE001 - ValidationError, InferenceError and a few plain types
        first = str(err).strip().splitlines()[0][:300] if str(err).strip() else type(err).__name__
        raise InputError(f"fails onnx.checker: {first}", where=source) from None
    newest = onnx.defs.onnx_opset_version()
    if model_opset(model) > newest:
        raise InputError(f"opset {model_opset(model)} is newer than the installed onnx supports ({newest})",
                         where=source)


def _resolve_shapes(model: Any, source: str, overrides: dict[str | None, tuple[int, ...]]):
    """Per input: dims (None where dynamic, unless ``--input-shape`` pins them), dtype, the
    dim labels used for shape inference, and the report rows of the dynamic dims."""
    initializers = {t.name for t in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in initializers]
    known = {i.name for i in graph_inputs}
    for name in overrides:
        if name is not None and name not in known:
            raise InputError(f"--input-shape names '{name}', which is not a model input (inputs: "
                             f"{', '.join(sorted(known)) or 'none'})", where=source)
    shapes, dtypes, labels, dynamic = {}, {}, {}, []
    for position, inp in enumerate(graph_inputs):
        ttype = inp.type.tensor_type
        dtypes[inp.name] = numeric_dtype(inp, "input", source)
        given = overrides.get(inp.name, overrides.get(None) if position == 0 else None)
        if not ttype.HasField("shape") and given is None:
            raise InputError(f"input '{inp.name}' has no shape (not even its rank); pass --input-shape "
                             f"{inp.name}=D1,D2,...", where=source)
        dims = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None for d in ttype.shape.dim]
        names = [d.dim_param or f"{inp.name}_dim{axis}" for axis, d in enumerate(ttype.shape.dim)]
        if given is not None:
            if len(given) != len(dims) and ttype.HasField("shape"):
                raise InputError(f"--input-shape for '{inp.name}' has {len(given)} dims, the model's input "
                                 f"has {len(dims)}", where=source)
            for axis, (fixed, want) in enumerate(zip(dims, given, strict=False)):
                if fixed is not None and fixed != want:
                    raise InputError(f"--input-shape for '{inp.name}': dim {axis} is fixed to {fixed} in the "
                                     f"model, not {want}", where=source)
            names = names if len(names) == len(given) else [f"{inp.name}_dim{a}" for a in range(len(given))]
            for axis, (fixed, want) in enumerate(zip(dims or [None] * len(given), given, strict=True)):
                if fixed is None:
                    dynamic.append({"input": inp.name, "axis": axis, "name": names[axis], "kept": False,
                                    "value": int(want)})
            dims = list(given)
        else:
            for axis, dim in enumerate(dims):
                if dim is None:
                    dynamic.append({"input": inp.name, "axis": axis, "name": names[axis], "kept": True,
                                    "value": None})
        shapes[inp.name] = tuple(None if d is None else int(d) for d in dims)
        labels[inp.name] = names
    return shapes, dtypes, labels, dynamic


def numeric_dtype(value_info: Any, role: str, source: str) -> np.dtype:
    """The numpy dtype of a graph input/output; strings, sequences and maps are refused."""
    from onnx import TensorProto, helper

    name = repr(value_info.name[:60])
    if value_info.type.WhichOneof("value") != "tensor_type":
        kind = value_info.type.WhichOneof("value") or "no type"
        raise InputError(f"{role} {name} is {kind.replace('_type', '')}, not a tensor; only tensors "
                         "are supported", where=source)
    elem_type = value_info.type.tensor_type.elem_type
    if elem_type == TensorProto.STRING:
        raise InputError(f"{role} {name} holds strings; mstool converts numeric tensors only", where=source)
    try:
        return np.dtype(helper.tensor_dtype_to_np_dtype(elem_type))
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{role} {name} has unknown element type {elem_type}", where=source) from None


def _label_input_shapes(model: Any, shapes: dict[str, tuple[int | None, ...]],
                        labels: dict[str, list[str]]) -> None:
    """Pinned dims become values, dynamic ones named dim_params (so inference can follow them)."""
    for inp in model.graph.input:
        if inp.name in shapes:
            shape = inp.type.tensor_type.shape
            del shape.dim[:]
            for d, label in zip(shapes[inp.name], labels[inp.name], strict=True):
                if d is None:
                    shape.dim.add().dim_param = label
                else:
                    shape.dim.add().dim_value = d


# Initializers above this many elements are hidden from shape inference (as typed graph inputs):
# it copies the model twice through bytes, and only small constants (shapes, axes) feed its
# data propagation.
INFERENCE_WEIGHT_LIMIT = 4096


def infer_shapes_without_weights(model: Any) -> Any:
    """``model`` with the shapes ``onnx.shape_inference.infer_shapes(model, data_prop=True)`` gives
    (value_info, outputs, nodes' subgraphs), inferred on a copy whose large initializers are typed
    graph inputs instead: the weights (a ResNet-50's 100 MB) are not serialised through bytes and
    back. ``model`` itself is updated in place and returned.

    >>> from onnx import TensorProto, helper, numpy_helper
    >>> w = numpy_helper.from_array(np.ones((100, 100), np.float32), "w")
    >>> graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 100])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])
    >>> inferred = infer_shapes_without_weights(helper.make_model(graph))
    >>> dims = inferred.graph.output[0].type.tensor_type.shape.dim
    >>> [d.dim_value for d in dims], len(inferred.graph.initializer), len(inferred.graph.input)
    ([2, 100], 1, 1)
    """
    import onnx
    from onnx import helper

    graph = model.graph
    large = [t for t in graph.initializer if int(np.prod(t.dims)) > INFERENCE_WEIGHT_LIMIT]
    if not large:
        return onnx.shape_inference.infer_shapes(model, data_prop=True)
    light = onnx.ModelProto(ir_version=model.ir_version)
    light.opset_import.extend(model.opset_import)
    light.functions.extend(model.functions)
    declared = {i.name for i in graph.input}
    hidden = {t.name for t in large}
    light.graph.name = graph.name
    light.graph.node.extend(graph.node)
    light.graph.input.extend(graph.input)
    light.graph.input.extend(helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in large
                             if t.name not in declared)
    light.graph.output.extend(graph.output)
    light.graph.value_info.extend(graph.value_info)
    light.graph.initializer.extend(t for t in graph.initializer if t.name not in hidden)
    light.graph.sparse_initializer.extend(graph.sparse_initializer)
    inferred = onnx.shape_inference.infer_shapes(light, data_prop=True).graph
    for part in ("node", "output", "value_info"):
        del getattr(graph, part)[:]
        getattr(graph, part).extend(getattr(inferred, part))
    return model


def load_onnx(model: str | os.PathLike | Any, input_shapes: list[str] | None = None) -> LoadedModel:
    """Parse, check and shape-infer an ONNX model (a path or a ``ModelProto``).

    Dynamic dims stay dynamic (None in ``input_shapes``) unless ``input_shapes`` entries such
    as ``"input_ids=1,16"`` pin them.
    """
    import onnx

    path = None
    if isinstance(model, str | os.PathLike):
        path = Path(model)
        if path.is_dir():
            raise InputError("is a directory, not an ONNX file", where=str(path))
        if not path.exists():
            raise InputError("file not found", where=str(path))
        proto = _parse(path)
        _load_external(proto, path)
        source = str(path)
    elif isinstance(model, onnx.ModelProto):
        proto, source = model, "<in-memory model>"
    else:
        raise InputError(f"expected an ONNX path or onnx.ModelProto, got {type(model).__name__}")
    check_names_are_text(proto, source)
    check_domains(proto, source)
    check_no_string_constants(proto, source)
    _check(proto, source, path)
    for output in proto.graph.output:
        if output.type.WhichOneof("value") is not None:  # an untyped output is inferred later
            numeric_dtype(output, "output", source)
    overrides: dict[str | None, tuple[int, ...]] = dict(parse_input_shape(t) for t in input_shapes or [])
    shapes, dtypes, labels, dynamic = _resolve_shapes(proto, source, overrides)
    # A model read from a file is run from that file; an in-memory one is kept as bytes.
    original = proto.SerializeToString() if path is None and proto.ByteSize() < 2**31 - 1 else None
    fixed = onnx.ModelProto()
    fixed.CopyFrom(proto)
    _label_input_shapes(fixed, shapes, labels)
    try:
        infer_shapes_without_weights(fixed)
    except Exception as err:  # noqa: BLE001 - onnx raises several unrelated types here
        raise InputError(f"shape inference failed: {str(err).splitlines()[0]}", where=source) from None
    return LoadedModel(fixed, source, model_opset(proto), shapes, dtypes, dynamic, labels, original,
                       str(path) if path else None)
