"""Run the converter over ONNX's own backend node tests (shipped inside the ``onnx`` package).

Each case is a model plus reference inputs and outputs; a case passes when the converted Keras
model reproduces every output within the case's ``rtol`` and ``max(atol, 1e-6)``.
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
        if "must be constant" not in str(err) or len(named) < 2:
            raise
    first = names[0]
    frozen = freeze_inputs(case.model, {n: v for n, v in named.items() if n != first})
    return onnx_to_keras_model(frozen, input_shapes=shapes({first: named[first]})), [named[first]]


def run_case(case: Any, op_type: str, registered: set[str]) -> CaseResult:
    """Convert one case's model and compare with its stored outputs."""
    ops = {n.op_type for n in case.model.graph.node}
    supported = ops <= registered | {"Constant"}
    result = CaseResult(case.name, op_type, supported, False, keras_dtypes=uses_only_keras_dtypes(case.model))
    try:
        inputs, expected = case.data_sets[0]
        model, args = _convert_case(case, [_array(v) for v in inputs])
        got = model(args[0] if len(args) == 1 else args)
        got = got if isinstance(got, list | tuple) else [got]
        for g, e in zip(got, expected, strict=True):
            g, e = np.asarray(g), _array(e)
            if e.dtype.kind == "V" or g.dtype.kind == "V":  # bfloat16 and friends from ml_dtypes
                g, e = g.astype(np.float32), e.astype(np.float32)
            if e.dtype.kind in "fc":
                np.testing.assert_allclose(g, e, rtol=case.rtol, atol=max(case.atol, ATOL_FLOOR))
            else:
                np.testing.assert_array_equal(g, e)
        result.passed = True
    except Exception as err:  # noqa: BLE001 - any failure is a failed case with its reason
        result.reason = f"{type(err).__name__}: {' '.join(str(err).split())[:200]}"
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
    return {"cases": len(results), "supported_cases": len(supported), "passed": passed,
            "pass_rate": passed / len(supported) if supported else 0.0,
            "keras_dtype_cases": len(typed), "keras_dtype_passed": typed_passed,
            "keras_dtype_pass_rate": typed_passed / len(typed) if typed else 0.0,
            "per_op": {op: {"passed": p, "total": t} for op, (p, t) in sorted(per_op.items())},
            "missing_ops": missing}
