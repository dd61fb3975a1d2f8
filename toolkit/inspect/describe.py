"""Summaries of artifacts, ONNX models and recipes as plain dicts.

``describe_file`` picks the reader from the file's content, not only its name.
"""

from __future__ import annotations

import collections
import time
from pathlib import Path
from typing import Any

from mstool.schemas.kinds import recipe_models
from mstool.toolkit.errors import InputError
from mstool.toolkit.io.artifacts import describe_datasets, open_artifact
from mstool.toolkit.io.locks import lock_holder
from mstool.toolkit.io.recipes import load_recipe, read_yaml

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
READ_PATIENCE_S, READ_RETRY_S = 5.0, 0.01  # a file being written: find it between two flushes


def describe_artifact(path: Path) -> dict[str, Any]:
    """Kind, versions, metadata and dataset shapes of an mstool HDF5 artifact.

    A file a live mstool run is writing (a trajectory, appended between flushes) is read
    as it stands, with ``being_written_by`` naming that run's pid: a read is kept only when
    the file did not change while it ran, else it is tried again.
    """
    writer = lock_holder(path)
    if writer is None:
        return _describe_artifact_once(path)
    deadline = time.monotonic() + READ_PATIENCE_S
    while True:
        before = _version(path)
        try:
            found = _describe_artifact_once(path)
            if _version(path) == before:
                found["being_written_by"] = writer
                return found
        except Exception:  # noqa: BLE001 - a read that overlapped a flush; the next one will not
            pass
        if time.monotonic() > deadline:
            raise InputError(f"changed during every read for {READ_PATIENCE_S:g} s while mstool "
                             f"(pid {writer}) writes it; try again", where=str(path))
        time.sleep(READ_RETRY_S)


def _version(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def _describe_artifact_once(path: Path) -> dict[str, Any]:
    with open_artifact(path) as (h5, info):
        meta = info.meta if isinstance(info.meta, dict) else info.meta.model_dump(mode="json")
        return {
            "type": "artifact",
            "path": str(path),
            "kind": info.kind,
            "schema_version": info.schema_version,
            "mstool_version": info.mstool_version,
            "meta": meta,
            "datasets": describe_datasets(h5),
        }


def _value_info_summary(value_info: Any) -> dict[str, Any]:
    import onnx

    tensor_type = value_info.type.tensor_type
    dims = []
    for dim in tensor_type.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(dim.dim_value)
        else:
            dims.append(dim.dim_param or "?")
    dtype = onnx.helper.tensor_dtype_to_np_dtype(tensor_type.elem_type).name if tensor_type.elem_type else "?"
    return {"name": value_info.name, "shape": dims, "dtype": dtype}


def describe_onnx(path: Path) -> dict[str, Any]:
    """Opset, inputs, outputs and op histogram of an ONNX model."""
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load(str(path), load_external_data=False)
    except (DecodeError, ValueError, RuntimeError) as err:
        raise InputError(f"not a valid ONNX model ({err})", where=str(path)) from err
    if not model.graph.node and not model.graph.output:
        raise InputError("not a valid ONNX model (empty graph)", where=str(path))
    initializers = {init.name for init in model.graph.initializer}
    ops = collections.Counter(
        (node.domain + "::" if node.domain else "") + node.op_type for node in model.graph.node
    )
    return {
        "type": "onnx",
        "path": str(path),
        "ir_version": model.ir_version,
        "opsets": {imp.domain or "ai.onnx": imp.version for imp in model.opset_import},
        "producer": f"{model.producer_name} {model.producer_version}".strip(),
        "inputs": [_value_info_summary(v) for v in model.graph.input if v.name not in initializers],
        "outputs": [_value_info_summary(v) for v in model.graph.output],
        "nodes": len(model.graph.node),
        "parameters": int(sum(_numel(init.dims) for init in model.graph.initializer)),
        "op_histogram": dict(ops.most_common()),
    }


def _numel(dims: Any) -> int:
    total = 1
    for dim in dims:
        total *= int(dim)
    return total


def _guess_recipe_name(path: Path, data: dict) -> str:
    models = recipe_models()
    if data.get("recipe"):
        name = str(data["recipe"])
        if name not in models:
            known = ", ".join(sorted(models)) or "none"
            raise InputError(f"unknown recipe '{name}'; known recipes: {known}", where=str(path))
        return name
    fitting = []
    for name, model in models.items():
        try:
            load_recipe(path, model)
        except InputError:
            continue
        fitting.append(name)
    if len(fitting) == 1:
        return fitting[0]
    known = ", ".join(sorted(models)) or "none"
    raise InputError(
        "cannot tell which command this recipe is for; add 'recipe: NAME' "
        f"(one of: {known})",
        where=str(path),
    )


def describe_recipe(path: Path) -> dict[str, Any]:
    """A recipe validated against its model, with every default filled in."""
    data, _ = read_yaml(path)
    name = _guess_recipe_name(path, data)
    recipe = load_recipe(path, recipe_models()[name])
    return {"type": "recipe", "path": str(path), "recipe": name, "values": recipe.model_dump(mode="json")}


def describe_file(path: str | Path) -> dict[str, Any]:
    """Describe an mstool artifact, an ONNX model or a recipe, chosen by content.

    >>> import tempfile, pathlib, numpy as np
    >>> from mstool.schemas.sample import SampleMeta
    >>> from mstool.toolkit.io import write_artifact
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "s.h5"
    >>> with write_artifact(out, SampleMeta(datasets=["x"])) as art:
    ...     _ = art.h5.create_dataset("x", data=np.zeros((2, 3)))
    >>> describe_file(out)["datasets"][0]["shape"]
    [2, 3]
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", where=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected a file", where=str(path))
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if head == HDF5_SIGNATURE or suffix in (".h5", ".hdf5", ".h5md"):
        return describe_artifact(path)
    if suffix == ".onnx":
        return describe_onnx(path)
    if suffix in (".yaml", ".yml"):
        return describe_recipe(path)
    raise InputError(
        "unknown file type; expected an mstool HDF5 artifact, an .onnx model or a .yaml recipe",
        where=str(path),
    )
