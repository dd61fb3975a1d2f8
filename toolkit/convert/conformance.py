"""Run the converter over ONNX's own backend node tests (shipped inside the ``onnx`` package).

Each case is a model plus inputs and stored outputs (computed by ``onnx.reference``). A case is
judged against onnxruntime's outputs where onnxruntime runs it (mstool follows onnxruntime, e.g.
in casts to 4-bit integers), against the stored outputs otherwise; it passes when the converted
Keras model reproduces every reference output within the case's ``rtol`` and ``max(atol, 1e-6)``.
Both figures are kept: ``passed_stored`` and ``passed_onnxruntime`` (None where it does not run).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

ATOL_FLOOR = 1e-6


# ONNX element types with no Keras/TensorFlow dtype (float8, 4/2-bit ints, float4, strings, complex).
NO_KERAS_DTYPE = {8, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28}


@dataclass
class CaseResult:
    name: str
    op_type: str
    supported: bool
    passed: bool
    reason: str = ""
    keras_dtypes: bool = True
    passed_stored: bool = False
    passed_onnxruntime: bool | None = None  # None: onnxruntime does not run the case
    reference: str = "stored"


def uses_only_keras_dtypes(model: Any) -> bool:
    """False when an input, output or initializer has an element type Keras cannot hold."""
    graph = model.graph
    types = [v.type.tensor_type.elem_type for v in list(graph.input) + list(graph.output)]
    types += [t.data_type for t in graph.initializer]
    for node in graph.node:
        for a in node.attribute:
            if a.name in ("to", "dtype") and a.type == 2:
                types.append(a.i)
            if a.name == "value" and a.type == 4:
                types.append(a.t.data_type)
    return not NO_KERAS_DTYPE & set(types)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z])(?=[a-z])", r"_\1\2", name).lower()


def primary_op(case_name: str, op_names: dict[str, str]) -> str:
    """The op a case tests, from its name: ``test_conv_with_strides`` -> ``Conv``.

    >>> primary_op("test_reduce_mean_keepdims", {"reduce_mean": "ReduceMean", "reduce": "X"})
    'ReduceMean'
    """
    stem = case_name.removeprefix("test_")
    best = ""
    for snake in op_names:
        if (stem == snake or stem.startswith(snake + "_")) and len(snake) > len(best):
            best = snake
    return op_names.get(best, stem.split("_")[0])


def load_cases() -> list[Any]:
    from onnx.backend.test.loader import load_model_tests

    return [c for c in load_model_tests(kind="node") if c.model is not None]


def _op_names() -> dict[str, str]:
    import onnx

    schemas = onnx.defs.get_all_schemas_with_history()
    return {_snake(s.name): s.name for s in schemas if s.domain in ("", "ai.onnx")}


def _array(value: Any) -> np.ndarray:
    from onnx import TensorProto, numpy_helper

    from mstool.toolkit.convert.narrow import to_carrier

    # Narrow integers (int4, uint2, ...) are compared and fed as the same values in int8/uint8.
    return to_carrier(numpy_helper.to_array(value) if isinstance(value, TensorProto) else np.asarray(value))


def freeze_inputs(model: Any, values: dict[str, np.ndarray]) -> Any:
    """A copy of ``model`` where the named graph inputs are initializers holding ``values``."""
    import onnx
    from onnx import numpy_helper

    frozen = onnx.ModelProto()
    frozen.CopyFrom(model)
    kept = [i for i in frozen.graph.input if i.name not in values]
    frozen.graph.ClearField("input")
    frozen.graph.input.extend(kept)
    frozen.graph.initializer.extend(numpy_helper.from_array(v, n) for n, v in values.items())
    return frozen


def _convert_case(case: Any, inputs: list[np.ndarray]) -> tuple[Any, list[np.ndarray]]:
    """Convert with every input live; when a converter needs constants, retry with all but the
    first input frozen to the case's values (how weights and shape arguments appear in real models)."""
    from mstool.toolkit.convert import onnx_to_keras_model
    from mstool.toolkit.errors import InputError

    names = [i.name for i in case.model.graph.input
             if i.name not in {t.name for t in case.model.graph.initializer}]
    named = dict(zip(names, inputs, strict=False))

    def shapes(items: dict[str, np.ndarray]) -> list[str]:
        return [f"{n}={','.join(str(d) for d in v.shape)}" for n, v in items.items() if v.ndim > 0]

    try:
        return onnx_to_keras_model(case.model, input_shapes=shapes(named)), list(named.values())
    except InputError as err:
        if "must be constant" not in str(err):
            raise
    if len(named) < 2 or all(v.ndim <= 1 and v.size <= 8 for v in named.values()):
        # Every input is a shape or a bound (ConstantOfShape's shape, Range's start/limit/delta):
        # frozen as the constants they are in real models; the graph then has no inputs.
        return onnx_to_keras_model(freeze_inputs(case.model, named)), []
    first = names[0]
    frozen = freeze_inputs(case.model, {n: v for n, v in named.items() if n != first})
    return onnx_to_keras_model(frozen, input_shapes=shapes({first: named[first]})), [named[first]]


# Float types onnxruntime's Python API hands back as raw bits: float8 (all four), float4, E8M0.
RAW_BIT_FLOATS = {17, 18, 19, 20, 23, 24}


def _readable_by_numpy(model: Any) -> Any:
    """A copy of ``model`` whose float8/float4 outputs are cast (exactly) to float32 and whose
    narrow-integer outputs go to int8/uint8, so onnxruntime returns their values, not raw bits."""
    import onnx
    from onnx import TensorProto, helper

    from mstool.toolkit.convert.narrow import widen_narrow_outputs

    widened = widen_narrow_outputs(model)
    readable = onnx.ModelProto()
    readable.CopyFrom(widened[0] if widened is not None else model)
    for out in readable.graph.output:
        if out.type.tensor_type.elem_type in RAW_BIT_FLOATS:
            new_name = f"{out.name}__float32"
            readable.graph.node.append(helper.make_node("Cast", [out.name], [new_name], to=TensorProto.FLOAT))
            out.name, out.type.tensor_type.elem_type = new_name, TensorProto.FLOAT
    return readable


def onnxruntime_reference(case: Any) -> list[np.ndarray] | None:
    """onnxruntime's outputs for a case's first data set (narrow ints as int8/uint8, float8 as
    float32), or None when onnxruntime cannot load or run it (unsupported op or type,
    optional/sequence values). Inputs of types numpy cannot feed it (int4, float8, ...) are
    given to it as initializers holding the same values."""
    import onnxruntime as ort
    from onnx import TensorProto, numpy_helper

    model = case.model
    initializers = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in initializers]
    inputs, _ = case.data_sets[0]
    options = ort.SessionOptions()
    options.log_severity_level = 4
    try:
        values = {n: numpy_helper.to_array(v) if isinstance(v, TensorProto) else v
                  for n, v in zip(names, inputs, strict=True)}
        exotic = {n: v for n, v in values.items() if isinstance(v, np.ndarray) and v.dtype.kind == "V"}
        model = _readable_by_numpy(freeze_inputs(model, exotic) if exotic else model)
        feeds = {n: v for n, v in values.items() if n not in exotic}
        session = ort.InferenceSession(model.SerializeToString(), options,
                                       providers=["CPUExecutionProvider"])
        return [_array(v) for v in session.run(None, feeds)]
    except Exception:  # noqa: BLE001 - any onnxruntime refusal means "no onnxruntime reference"
        return None


def _matches(got: list[Any], expected: list[Any], case: Any) -> None:
    """Raise AssertionError unless every output matches within the case's tolerances."""
    if len(got) != len(expected):
        raise AssertionError(f"{len(got)} outputs, reference has {len(expected)}")
    for g, e in zip(got, expected, strict=True):
        g, e = np.asarray(g), _array(e)
        if e.dtype.kind == "V" or g.dtype.kind == "V":  # bfloat16 and friends from ml_dtypes
            g, e = g.astype(np.float32), e.astype(np.float32)
        if e.dtype.kind in "fc":
            np.testing.assert_allclose(g, e, rtol=case.rtol, atol=max(case.atol, ATOL_FLOOR))
        else:
            np.testing.assert_array_equal(g, e)


def _reason(err: Exception) -> str:
    return f"{type(err).__name__}: {' '.join(str(err).split())[:200]}"


def run_case(case: Any, op_type: str, registered: set[str]) -> CaseResult:
    """Convert one case's model and compare with onnxruntime's outputs (where it runs the case)
    and with the stored outputs; ``passed`` follows onnxruntime where it runs, stored otherwise."""
    ops = {n.op_type for n in case.model.graph.node}
    supported = ops <= registered | {"Constant"}
    result = CaseResult(case.name, op_type, supported, False, keras_dtypes=uses_only_keras_dtypes(case.model))
    reference = onnxruntime_reference(case)
    if reference is not None:
        result.reference, result.passed_onnxruntime = "onnxruntime", False
    try:
        inputs, expected = case.data_sets[0]
        model, args = _convert_case(case, [_array(v) for v in inputs])
        if not args:  # a graph with no inputs: the model's placeholder input (graph.NO_INPUT_NAME)
            args = [np.zeros((1,), np.float32)]
        got = model(args[0] if len(args) == 1 else args)
        got = list(got) if isinstance(got, list | tuple) else [got]
    except Exception as err:  # noqa: BLE001 - any failure is a failed case with its reason
        result.reason = _reason(err)
        return result
    stored_error = ort_error = ""
    try:
        _matches(got, expected, case)
        result.passed_stored = True
    except Exception as err:  # noqa: BLE001
        stored_error = "vs stored: " + _reason(err)
    if reference is not None:
        try:
            _matches(got, reference, case)
            result.passed_onnxruntime = True
        except Exception as err:  # noqa: BLE001
            ort_error = "vs onnxruntime: " + _reason(err)
    result.passed = result.passed_onnxruntime if reference is not None else result.passed_stored
    result.reason = "; ".join(e for e in (ort_error, stored_error) if e)
    return result


def run_conformance(cases: list[Any] | None = None, only_supported: bool = True,
                    progress: Any = None) -> list[CaseResult]:
    """Run the node cases (all, or those whose ops are all in the registry)."""
    import keras

    from mstool.toolkit.convert import registered_op_types

    registered = set(registered_op_types())
    names = _op_names()
    cases = load_cases() if cases is None else cases
    results = []
    for index, case in enumerate(cases):
        op_type = primary_op(case.name, names)
        ops = {n.op_type for n in case.model.graph.node}
        if only_supported and not ops <= registered | {"Constant"}:
            results.append(CaseResult(case.name, op_type, False, False, "op not in registry"))
            continue
        results.append(run_case(case, op_type, registered))
        if index % 50 == 49:
            keras.backend.clear_session()
        if progress is not None:
            progress(index + 1, len(cases))
    return results


def missing_op_types() -> tuple[str, int, list[str]]:
    """``(onnx version, latest opset, op types of the default domain with no converter)``.

    >>> version, opset, missing = missing_op_types()
    >>> opset >= 21 and "Loop" in missing and "Conv" not in missing
    True
    """
    import onnx

    from mstool.toolkit.convert import registered_op_types

    registered = set(registered_op_types()) | {"Constant"}
    ops = {s.name for s in onnx.defs.get_all_schemas() if s.domain in ("", "ai.onnx") and not s.deprecated}
    return onnx.__version__, onnx.defs.onnx_opset_version(), sorted(ops - registered)


def summarise(results: list[CaseResult]) -> dict[str, Any]:
    """Pass rate over supported cases, per op, and the op types with no converter."""
    per_op: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        if r.supported:
            per_op[r.op_type][1] += 1
            per_op[r.op_type][0] += int(r.passed)
    supported = [r for r in results if r.supported]
    passed = sum(r.passed for r in supported)
    missing = sorted({r.op_type for r in results if not r.supported})
    typed = [r for r in supported if r.keras_dtypes]
    typed_passed = sum(r.passed for r in typed)
    stored_passed = sum(r.passed_stored for r in supported)
    ort_run = [r for r in supported if r.passed_onnxruntime is not None]
    ort_passed = sum(bool(r.passed_onnxruntime) for r in ort_run)
    disagree = sorted(r.name for r in ort_run if r.passed_onnxruntime != r.passed_stored)
    return {"cases": len(results), "supported_cases": len(supported), "passed": passed,
            "pass_rate": passed / len(supported) if supported else 0.0,
            "stored_passed": stored_passed,
            "stored_pass_rate": stored_passed / len(supported) if supported else 0.0,
            "onnxruntime_cases": len(ort_run), "onnxruntime_passed": ort_passed,
            "onnxruntime_pass_rate": ort_passed / len(ort_run) if ort_run else 0.0,
            "references_disagree": disagree,
            "keras_dtype_cases": len(typed), "keras_dtype_passed": typed_passed,
            "keras_dtype_pass_rate": typed_passed / len(typed) if typed else 0.0,
            "per_op": {op: {"passed": p, "total": t} for op, (p, t) in sorted(per_op.items())},
            "missing_ops": missing}
