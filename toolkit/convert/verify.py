"""Numerical check: onnxruntime on the ONNX model vs the generated Keras model, on the same inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from mstool.toolkit.convert.loader import LoadedModel
from mstool.toolkit.convert.narrow import to_carrier, widen_narrow_outputs
from mstool.toolkit.errors import InputError

# Sizes a dynamic dim takes in the two verification cases: the leading (batch) dim, then any other.
CASES = {"exported": (1, 16), "second": (3, 11)}
CASE_PREFIX = {"exported": "", "second": "b3_"}


def case_shapes(loaded: LoadedModel, case: str = "exported") -> dict[str, tuple[int, ...]]:
    """Concrete input shapes of one verification case; dims sharing a name share a value.

    The exported case uses batch 1 and 16 for any other dynamic dim, the second batch 3 and 11.
    """
    leading, other = CASES[case]
    chosen: dict[str, int] = {}
    shapes = {}
    for name, shape in loaded.input_shapes.items():
        labels = loaded.dim_labels.get(name) or [f"{name}_dim{a}" for a in range(len(shape))]
        dims = []
        for axis, dim in enumerate(shape):
            if dim is None:
                dim = chosen.setdefault(labels[axis], leading if axis == 0 else other)
            dims.append(int(dim))
        shapes[name] = tuple(dims)
    return shapes


def has_dynamic_dims(loaded: LoadedModel) -> bool:
    return any(d is None for shape in loaded.input_shapes.values() for d in shape)


def make_inputs(loaded: LoadedModel, seed: int = 0, npz: str | Path | None = None,
                case: str = "exported") -> dict[str, np.ndarray]:
    """Inputs from a user ``.npz`` (keys ``NAME``/``in_NAME``, ``b3_in_NAME`` for the second case)
    or seeded random ones in the range the model expects (see :func:`input_ranges`)."""
    if npz is not None:
        found = _inputs_from_npz(loaded, Path(npz), case)
        if found is not None:
            return found
    rng = np.random.default_rng(seed + (0 if case == "exported" else 1))
    ranges = input_ranges(loaded)
    feeds = {}
    for name, shape in case_shapes(loaded, case).items():
        dtype = loaded.input_dtypes[name]
        kind, low, high = ranges[name]
        if kind == "ones":
            feeds[name] = np.ones(shape, dtype)
        elif kind == "uniform":
            feeds[name] = rng.uniform(low, high, shape).astype(dtype)
        elif kind == "integers":
            feeds[name] = rng.integers(low, high, shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[name] = rng.standard_normal(shape).astype(dtype)
    return feeds


def input_ranges(loaded: LoadedModel) -> dict[str, tuple[str, float, float]]:
    """What random data fits each input: ``(kind, low, high)`` read from the first layers.

    Token ids feeding an embedding table draw from its rows, masks are ones, images a model
    rescales itself (a first ``Mul`` by <= 1/64 or ``Div`` by >= 64) draw from [0, 255];
    other floats are N(0, 1) and other integers {0, 1}.
    """
    from onnx import numpy_helper

    graph = loaded.model.graph
    consts = {t.name: t for t in graph.initializer}
    consts.update({n.output[0]: n.attribute[0].t for n in graph.node
                   if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"})
    users: dict[str, list[Any]] = {}
    for node in graph.node:
        for i in node.input:
            users.setdefault(i, []).append(node)

    def reached(name: str, depth: int = 0) -> list[Any]:
        found = []
        for node in users.get(name, []):
            if node.op_type in ("Cast", "Transpose", "Identity", "Unsqueeze", "Reshape") and depth < 3:
                found += reached(node.output[0], depth + 1)
            else:
                found.append((node, name))
        return found

    def scalar(name: str) -> float | None:
        if name in consts:
            value = numpy_helper.to_array(consts[name])
            return float(value.reshape(-1)[0]) if value.size == 1 else None
        return None

    ranges = {}
    for name, dtype in loaded.input_dtypes.items():
        kind: tuple[str, float, float] = ("normal", 0.0, 1.0)
        for node, via in reached(name):
            if np.issubdtype(dtype, np.integer):
                if node.op_type == "Gather" and node.input[1] == via and node.input[0] in consts:
                    rows = list(consts[node.input[0]].dims)[0]
                    kind = ("integers", 0, int(rows))
                    break
                if "mask" in name.lower():
                    kind = ("ones", 1, 1)
            elif np.issubdtype(dtype, np.floating):
                other = [i for i in node.input if i != via]
                factor = scalar(other[0]) if len(other) == 1 else None
                if factor is not None and (node.op_type == "Mul" and 0 < abs(factor) <= 1 / 64
                                           or node.op_type == "Div" and abs(factor) >= 64):
                    kind = ("uniform", 0.0, 255.0)
                    break
        if kind[0] == "normal" and np.issubdtype(dtype, np.integer):
            kind = ("ones", 1, 1) if "mask" in name.lower() else ("integers", 0, 2)
        ranges[name] = kind
    return ranges


def _inputs_from_npz(loaded: LoadedModel, path: Path, case: str) -> dict[str, np.ndarray] | None:
    try:
        data = np.load(path, allow_pickle=False)  # arrays only: a pickle in an .npz is code
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise InputError(f"cannot read inputs: {err}", where=str(path)) from None
    if not hasattr(data, "files"):
        raise InputError("expected an .npz of named arrays (np.savez), not a single array", where=str(path))
    prefix = CASE_PREFIX[case]
    feeds = {}
    for name, shape in loaded.input_shapes.items():
        keys = [f"{prefix}in_{name}"] + ([name] if not prefix else [])
        key = next((k for k in keys if k in data.files), None)
        if key is None:
            if prefix:
                return None  # no second-case arrays: random ones of the second shape
            raise InputError(f"no array '{name}' (or 'in_{name}') for model input '{name}'", where=str(path))
        try:
            value = np.asarray(data[key]).astype(loaded.input_dtypes[name])
        except (OSError, ValueError, TypeError, EOFError, zipfile.BadZipFile) as err:
            raise InputError(f"array '{key}' cannot be read as {loaded.input_dtypes[name]}: "
                             f"{' '.join(str(err).split())[:200]}", where=str(path)) from None
        fits = len(value.shape) == len(shape) and all(
            d is None or d == v for d, v in zip(shape, value.shape, strict=True))
        if not fits:
            raise InputError(f"array '{key}' has shape {value.shape}, the model takes {shape}",
                             where=str(path))
        feeds[name] = value
    return feeds


def onnxruntime_outputs(loaded: LoadedModel, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Reference outputs by name from onnxruntime (CPU)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    source = loaded.original_bytes if loaded.original_bytes is not None else loaded.path
    renamed: dict[str, str] = {}
    widened = widen_narrow_outputs(loaded.model)
    if widened is not None:
        wide, renamed = widened
        source = wide.SerializeToString()
    session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return {renamed.get(n, n): v for n, v in zip(names, session.run(names, feeds), strict=True)}


def keras_outputs(model: Any, loaded: LoadedModel, feeds: dict[str, np.ndarray],
                  names: list[str]) -> dict[str, np.ndarray]:
    """Outputs of the Keras model, by ONNX output name."""
    # A graph with no inputs converts to a model with one placeholder input (graph.NO_INPUT_NAME).
    args = [to_carrier(feeds[n]) for n in loaded.input_shapes] or [np.zeros((1,), np.float32)]
    result = model(args[0] if len(args) == 1 else args, training=False)
    result = result if isinstance(result, list | tuple) else [result]
    return {n: np.asarray(r) for n, r in zip(names, result, strict=True)}


def compare(reference: dict[str, np.ndarray], converted: dict[str, np.ndarray], atol: float,
            rtol: float) -> list[dict[str, Any]]:
    """Per output: max absolute and relative error and whether ``|a - b| <= atol * scale + rtol * |b|``
    holds, ``scale`` being the output's largest magnitude (at least 1): an error of 1e-4 on outputs
    of size 1000 is float32 rounding, not a wrong conversion.

    >>> compare({"y": np.ones(3)}, {"y": np.ones(3) + 1e-6}, 1e-4, 1e-3)[0]["passed"]
    True
    """
    rows = []
    for name, ref in reference.items():
        got, ref = converted[name], to_carrier(ref)
        row: dict[str, Any] = {"name": name, "shape": list(ref.shape), "dtype": str(ref.dtype)}
        if got.shape != ref.shape:
            row.update(max_abs_error=None, max_rel_error=None, passed=False,
                       note=f"shape {list(got.shape)} != {list(ref.shape)}")
        elif ref.dtype == np.bool_ or not np.issubdtype(ref.dtype, np.number):
            mismatches = int(np.sum(got != ref))
            row.update(max_abs_error=float(mismatches > 0), max_rel_error=float(mismatches > 0),
                       passed=mismatches == 0)
        else:
            ref64, got64 = ref.astype(np.float64), got.astype(np.float64)
            diff = np.abs(got64 - ref64)
            both_nan = np.isnan(ref64) & np.isnan(got64)
            same_inf = np.isinf(ref64) & (ref64 == got64)
            diff = np.where(both_nan | same_inf, 0.0, diff)
            rel = diff / np.maximum(np.abs(ref64), np.finfo(np.float32).tiny)
            finite = np.abs(ref64[np.isfinite(ref64)])
            scale = max(1.0, float(finite.max())) if finite.size else 1.0
            ok = diff <= atol * scale + rtol * np.where(np.isinf(ref64), 0, np.abs(ref64))
            row["scale"] = scale
            row.update(max_abs_error=float(diff.max()) if diff.size else 0.0,
                       max_rel_error=float(rel.max()) if rel.size else 0.0, passed=bool(ok.all()))
        rows.append(row)
    return rows
