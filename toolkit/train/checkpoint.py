"""Atomic training checkpoints in one HDF5 file: model, optimizer, step, data position, seed.

The file is written to a temporary name and renamed, so a killed run leaves the
previous checkpoint or a complete new one. Randomness in the loop is stateless
(keyed by seed, epoch and example), so the seed and the position restore it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.io import atomic_write_path


@dataclass
class Position:
    """Where the loop stands: steps done, the epoch and the batch inside it, and the seed."""

    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    seed: int = 0
    global_batch: int = 0


def _model_arrays(model) -> list[np.ndarray]:
    return [np.asarray(v.numpy()) for v in model.weights]


def save_checkpoint(path: Path, model, optimizer, position: Position, history=None) -> None:
    """Write model weights (trainable and not), optimizer state, position and history atomically."""
    import h5py

    with atomic_write_path(path) as tmp, h5py.File(tmp, "w") as h5:
        h5.attrs["position"] = json.dumps(asdict(position))
        h5.attrs["model"] = model.name
        group = h5.create_group("model")
        for index, (var, value) in enumerate(zip(model.weights, _model_arrays(model), strict=True)):
            group.create_dataset(str(index), data=value).attrs["name"] = var.path
        state = h5.create_group("optimizer")
        for index, var in enumerate(optimizer.state_variables()):
            state.create_dataset(str(index), data=np.asarray(var.numpy()))
        if history is not None:
            history.write(h5.create_group("history"))


def read_position(path: Path) -> Position:
    """The position stored in a checkpoint."""
    import h5py

    with h5py.File(path, "r") as h5:
        return Position(**json.loads(h5.attrs["position"]))


def restore_checkpoint(path: Path, model, optimizer, history=None) -> Position:
    """Load a checkpoint into a built model and optimizer (and ``history``); shapes must match."""
    import h5py

    try:
        h5 = h5py.File(path, "r")
    except OSError as err:
        raise InputError(f"cannot open checkpoint ({err})", where=str(path)) from err
    with h5:
        stored = h5["model"]
        if len(stored) != len(model.weights):
            raise InputError(f"checkpoint holds {len(stored)} model variables, the model has "
                             f"{len(model.weights)}; was it written for another model?", where=str(path))
        for index, var in enumerate(model.weights):
            value = stored[str(index)][...]
            if tuple(value.shape) != tuple(var.shape):
                raise InputError(f"checkpoint variable {var.path} has shape {value.shape}, the model "
                                 f"expects {tuple(var.shape)} (class count or input size changed?)",
                                 where=str(path))
            var.assign(value)
        state = h5["optimizer"]
        targets = optimizer.state_variables()
        if len(state) != len(targets):
            raise InputError("checkpoint optimizer state does not match the optimizer settings",
                             where=str(path))
        for index, var in enumerate(targets):
            var.assign(state[str(index)][...])
        if history is not None and "history" in h5:
            loaded = type(history).read(h5["history"])
            history.steps, history.epochs = loaded.steps, loaded.epochs
        return Position(**json.loads(h5.attrs["position"]))


def weights_are_finite(model) -> bool:
    """True when no model variable holds a NaN or an infinity."""
    return all(np.isfinite(value).all() for value in _model_arrays(model))
