"""A user's own Keras model (a ``.keras`` file, an ``mstool convert`` output folder, or a
function in the user's own Python file), and fine-tuning: weights from ``.weights.h5``/``.keras``,
layers frozen by name prefix.

Models load with Keras's ``safe_mode``: Lambda layers (Python code in the file) are refused;
a converted folder's ``model.py`` is grammar-checked by convert before it is imported. A
``model.source`` file is the user's own program, named by them: it runs as ``python FILE`` would.
"""

from __future__ import annotations

from pathlib import Path

from mstool.toolkit.errors import InputError


def find_model_file(path: Path) -> Path:
    """``path`` itself when it is a ``.keras`` file; the one ``*.keras`` inside it when it is a
    folder; the folder itself when it is an ``mstool convert`` output without a ``.keras``
    file (``model.py`` plus weights, loaded by :func:`load_user_model`).

    >>> import tempfile; folder = Path(tempfile.mkdtemp()); _ = (folder / "net.keras").write_bytes(b"")
    >>> find_model_file(folder).name
    'net.keras'
    >>> converted = Path(tempfile.mkdtemp()); _ = (converted / "model.py").write_text("")
    >>> find_model_file(converted) == converted
    True
    """
    from mstool.toolkit.convert import is_converted_folder

    parts = source_parts(path)
    if parts is not None:
        if not parts[0].is_file():
            raise InputError("model source file not found", where=str(parts[0]))
        return path
    if path.is_dir():
        found = sorted(path.glob("*.keras"))
        if not found and is_converted_folder(path):
            return path
        if len(found) != 1:
            names = ", ".join(p.name for p in found)
            what = f"{len(found)} *.keras files ({names})" if found else "no *.keras file (nor a model.py)"
            raise InputError(f"model folder holds {what}; give a .keras file or an mstool convert "
                             "output folder", where=str(path))
        return found[0]
    if not path.exists():
        raise InputError("model file not found", where=str(path))
    if path.suffix != ".keras":
        raise InputError(f"model file must be a Keras .keras file, not '{path.suffix or path.name}'",
                         where=str(path))
    return path


def source_parts(path: Path) -> tuple[Path, str] | None:
    """``(file, function)`` when ``path`` names a function in a Python file (``model.py:build``).

    >>> source_parts(Path("nets/model.py:build_model"))
    (PosixPath('nets/model.py'), 'build_model')
    >>> source_parts(Path("net.keras")) is None
    True
    """
    file_name, _, function = path.name.partition(":")
    if not function or not file_name.endswith(".py"):
        return None
    return path.with_name(file_name), function


def build_from_source(path: Path, input_shape: tuple | None, classes: int | None):
    """Call the user's ``build_model``-style function; it gets ``input_shape`` (H, W, C) and
    ``classes`` as keyword arguments when it accepts them, and must return a ``keras.Model``."""
    import importlib.util
    import inspect

    import keras

    file, function = source_parts(path)
    if not function.isidentifier():
        raise InputError(f"'{function}' is not a Python function name", where="model.source")
    if not file.is_file():
        raise InputError("model source file not found", where=str(file))
    spec = importlib.util.spec_from_file_location(f"mstool_user_model_{file.stem}", file)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise InputError(f"importing it failed: {type(err).__name__}: {err}", where=str(file)) from err
    build = getattr(module, function, None)
    if not callable(build):
        raise InputError(f"has no function '{function}'", where=str(file))
    params = inspect.signature(build).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    offered = {"input_shape": tuple(input_shape) if input_shape else None, "classes": classes}
    kwargs = {k: v for k, v in offered.items() if v is not None and (takes_any or k in params)}
    try:
        model = build(**kwargs)
    except Exception as err:
        raise InputError(f"{function}() failed: {type(err).__name__}: {err}", where=str(file)) from err
    if not isinstance(model, keras.Model):
        raise InputError(f"{function}() returned {type(model).__name__}, not a keras.Model", where=str(file))
    return model


def load_user_model(path: Path, input_shape: tuple | None = None, classes: int | None = None):
    """The model at ``path`` from :func:`find_model_file`: a ``.keras`` file (safe mode), a
    convert output folder through convert's loader, which checks the generated ``model.py``
    against the grammar it was written under before importing it (an edited file is refused),
    or ``FILE.py:function`` (the user's own code, see :func:`build_from_source`)."""
    if source_parts(path) is not None:
        return build_from_source(path, input_shape, classes)
    if path.is_dir():
        from mstool.toolkit.convert import load_converted

        return load_converted(path)
    return load_keras_file(path)


def load_keras_file(path: Path):
    """Load a ``.keras`` model without compiling it, refusing Lambda layers (safe_mode)."""
    import keras

    try:
        return keras.models.load_model(str(path), compile=False, safe_mode=True)
    except Exception as err:  # Keras raises ValueError, TypeError, OSError... for a bad file
        reason = " ".join(str(err).split())
        if "safe_mode" in reason or "Lambda" in reason:
            reason = "it holds a Lambda layer (Python code), which is refused (Keras safe_mode)"
        raise InputError(f"cannot load the Keras model: {reason[:300]}", where=str(path)) from err


def check_model_fits(model, input_shape: tuple[int, int, int], classes: int, where: str) -> None:
    """The model must take (H, W, C) images of the data's size and return one value per class."""
    inputs = model.inputs if hasattr(model, "inputs") and model.inputs else None
    if inputs is None or len(inputs) != 1:
        raise InputError("the model must have exactly one input (images, N x H x W x C)", where=where)
    expected = tuple(inputs[0].shape[1:])
    if len(expected) != 3 or any(e not in (None, d) for e, d in zip(expected, input_shape, strict=True)):
        raise InputError(f"the model takes inputs of shape {expected}, the data's images are {input_shape}",
                         where=where)
    out = tuple(model.outputs[0].shape[1:]) if len(model.outputs) == 1 else None
    if out != (classes,):
        raise InputError(f"the model's output shape is {out}, the data has {classes} classes "
                         f"(the last layer must have {classes} units)", where=where)


def ends_in_softmax(model) -> bool:
    """True when the model outputs probabilities (a final softmax) rather than logits."""
    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    name = getattr(activation, "__name__", "")
    return type(last).__name__ == "Softmax" or name == "softmax"


def load_initial_weights(model, path: Path) -> None:
    """Copy weights from a ``.weights.h5`` (Keras's layout) or a ``.keras`` model of the same architecture."""
    if not path.exists():
        raise InputError("init_weights file not found", where=str(path))
    if path.name.endswith(".weights.h5"):
        try:
            model.load_weights(str(path))
        except Exception as err:
            reason = " ".join(str(err).split())
            raise InputError(f"weights do not fit the model: {reason[:300]}", where=str(path)) from err
        return
    if path.suffix != ".keras":
        raise InputError("init_weights must be a .weights.h5 or a .keras file", where=str(path))
    source = load_keras_file(path)
    if len(source.weights) != len(model.weights):
        raise InputError(f"the file holds {len(source.weights)} weight arrays, the model has "
                         f"{len(model.weights)}", where=str(path))
    for target, value in zip(model.weights, source.weights, strict=True):
        if tuple(target.shape) != tuple(value.shape):
            raise InputError(f"weights do not fit the model: layer variable {target.path} has shape "
                             f"{tuple(target.shape)}, the file's {value.path} {tuple(value.shape)}",
                             where=str(path))
        target.assign(value.numpy())


def freeze_layers(model, prefixes: list[str]) -> list[str]:
    """Make the layers whose name starts with one of ``prefixes`` untrainable; their names.

    >>> import keras
    >>> net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, name="body_1"),
    ...                         keras.layers.Dense(2, name="head")])
    >>> freeze_layers(net, ["body"]), len(net.trainable_weights)
    (['body_1'], 2)
    """
    frozen = []
    for prefix in prefixes:
        matched = [layer for layer in model.layers if layer.name.startswith(prefix)]
        if not matched:
            names = ", ".join(layer.name for layer in model.layers[:12])
            raise InputError(f"frozen-layer prefix '{prefix}' matches no layer (layers: {names})",
                             where="model.freeze")
        for layer in matched:
            layer.trainable = False
            frozen.append(layer.name)
    return frozen
