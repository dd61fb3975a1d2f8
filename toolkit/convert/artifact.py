"""Read back what ``mstool convert`` wrote: one loader for an output folder or a ``.keras`` file.

Every command that takes a converted model (audit, train, ``convert OUT/ --to onnx``) goes
through :func:`load_converted`, so a missing or mismatched weights file gives the same
one-line error everywhere.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

from mstool.toolkit.errors import InputError

MODEL_PY = "model.py"
WEIGHTS = "model.weights.h5"
KERAS_FILE = "model.keras"


def is_converted_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder written by ``mstool convert`` (it has model.py or model.keras).

    >>> is_converted_folder("/nonexistent")
    False
    """
    path = Path(path)
    return path.is_dir() and ((path / MODEL_PY).is_file() or (path / KERAS_FILE).is_file())


def load_generated_model(folder: str | Path) -> Any:
    """Import ``folder/model.py`` as a fresh module, build the model and load its weights.

    ``model.py`` is checked first with the same grammar it was written under (a docstring,
    ``import keras`` and ``build_model()`` made of Keras calls): an edited file that does
    anything else is refused (exit 2) before it runs.
    """
    from mstool.toolkit.convert.safe_code import UnsafeCode, check_model_source

    folder = Path(folder)
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise InputError(f"{WEIGHTS} is missing next to {MODEL_PY}", where=str(folder))
    try:
        check_model_source((folder / MODEL_PY).read_text(), "")
    except UnsafeCode as err:
        raise InputError(f"{MODEL_PY} is not plain converted code ({err.message})",
                         where=str(folder / MODEL_PY)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read {MODEL_PY}: {err}", where=str(folder / MODEL_PY)) from None
    name = f"mstool_generated_{abs(hash(str(folder.resolve())))}_{time.monotonic_ns()}"
    spec = importlib.util.spec_from_file_location(name, folder / MODEL_PY)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        model = module.build_model()
    except Exception as err:  # noqa: BLE001 - a hand-edited model.py can fail in any way
        raise InputError(f"{MODEL_PY} does not build a model ({type(err).__name__}: "
                         f"{' '.join(str(err).split())[:200]})", where=str(folder / MODEL_PY)) from None
    finally:
        sys.modules.pop(name, None)
    try:
        model.load_weights(str(weights))
    except Exception as err:  # noqa: BLE001 - h5py and Keras raise many types for a bad file
        raise InputError(f"weights do not match {MODEL_PY} ({type(err).__name__}: "
                         f"{' '.join(str(err).split())[:200]})", where=str(weights)) from None
    return model


def load_keras_file(path: str | Path) -> Any:
    """A ``.keras`` file (plain Keras, safe mode: no code runs) as a ``keras.Model``."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", where=str(path))
    try:
        return keras.saving.load_model(str(path), compile=False)
    except Exception as err:  # noqa: BLE001 - Keras raises many types for a bad file
        raise InputError(f"not a loadable .keras model ({type(err).__name__}: "
                         f"{' '.join(str(err).split())[:200]})", where=str(path)) from None


def load_converted(path: str | Path) -> Any:
    """The ``keras.Model`` in a convert output folder (its model.keras when written, else model.py
    plus model.weights.h5) or in a ``.keras`` file saved from one.

    >>> load_converted("/nonexistent-folder")
    Traceback (most recent call last):
    ...
    mstool.toolkit.errors.InputError: /nonexistent-folder: not found
    """
    path = Path(path)
    if not path.exists():
        raise InputError("not found", where=str(path))
    if path.is_dir():
        if (path / KERAS_FILE).is_file():
            return load_keras_file(path / KERAS_FILE)
        if not (path / MODEL_PY).is_file():
            raise InputError(f"not a convert output folder (no {MODEL_PY} or {KERAS_FILE})", where=str(path))
        return load_generated_model(path)
    if path.suffix.lower() == ".keras":
        return load_keras_file(path)
    raise InputError("expected a convert output folder or a .keras file", where=str(path))


def original_onnx(path: str | Path) -> Path | None:
    """The ONNX model a convert output folder came from, when it is still there."""
    path = Path(path)
    if (path / "source.onnx").is_file():
        return path / "source.onnx"
    report = path / "report.json"
    if report.is_file():
        try:
            source = Path(json.loads(report.read_text()).get("source", ""))
        except (ValueError, AttributeError):
            return None
        if source.suffix == ".onnx" and source.is_file():
            return source
    return None
