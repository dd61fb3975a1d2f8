"""Numerical check: onnxruntime on the ONNX model vs the generated Keras model, on the same inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from mstool.toolkit.convert.loader import LoadedModel
from mstool.toolkit.convert.narrow import to_carrier, widen_narrow_outputs
from mstool.toolkit.errors import InputError


def make_inputs(loaded: LoadedModel, seed: int = 0, npz: str | Path | None = None) -> dict[str, np.ndarray]:
    """Inputs from a user ``.npz`` (keys ``NAME`` or ``in_NAME``) or seeded random ones.

    Random floats are standard normal; integers are drawn from {0, 1} so that index-like
    inputs (token ids, masks) stay in range.
    """
    if npz is not None:
        return _inputs_from_npz(loaded, Path(npz))
    rng = np.random.default_rng(seed)
    feeds = {}
    for name, shape in loaded.input_shapes.items():
        dtype = loaded.input_dtypes[name]
        if np.issubdtype(dtype, np.floating):
            feeds[name] = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[name] = rng.integers(0, 2, shape).astype(dtype)
    return feeds


def _inputs_from_npz(loaded: LoadedModel, path: Path) -> dict[str, np.ndarray]:
    try:
        data = np.load(path, allow_pickle=False)  # arrays only: a pickle in an .npz is code
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise InputError(f"cannot read inputs: {err}", where=str(path)) from None
    if not hasattr(data, "files"):
        raise InputError("expected an .npz of named arrays (np.savez), not a single array", where=str(path))
    feeds = {}
    for name, shape in loaded.input_shapes.items():
        key = name if name in data.files else f"in_{name}"
        if key not in data.files:
            raise InputError(f"no array '{name}' (or 'in_{name}') for model input '{name}'", where=str(path))
        try:
            value = np.asarray(data[key]).astype(loaded.input_dtypes[name])
        except (OSError, ValueError, TypeError, EOFError, zipfile.BadZipFile) as err:
            raise InputError(f"array '{key}' cannot be read as {loaded.input_dtypes[name]}: "
                             f"{' '.join(str(err).split())[:200]}", where=str(path)) from None
        if tuple(value.shape) != tuple(shape):
            raise InputError(f"array '{key}' has shape {value.shape}, the conversion used {shape}; "
                             f"pass --input-shape {name}={','.join(map(str, value.shape))}", where=str(path))
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
    args = [to_carrier(feeds[n]) for n in loaded.input_shapes]
    result = model(args[0] if len(args) == 1 else args, training=False)
    result = result if isinstance(result, list | tuple) else [result]
    return {n: np.asarray(r) for n, r in zip(names, result, strict=True)}


def compare(reference: dict[str, np.ndarray], converted: dict[str, np.ndarray], atol: float,
            rtol: float) -> list[dict[str, Any]]:
    """Per output: max absolute and relative error and whether ``|a - b| <= atol + rtol * |b|`` holds.

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
            ok = diff <= atol + rtol * np.where(np.isinf(ref64), 0, np.abs(ref64))
            row.update(max_abs_error=float(diff.max()) if diff.size else 0.0,
                       max_rel_error=float(rel.max()) if rel.size else 0.0, passed=bool(ok.all()))
        rows.append(row)
    return rows
