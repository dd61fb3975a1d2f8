"""HDF5 artifact containers: ``mstool_kind``, ``mstool_version`` and ``mstool_meta``.

Writes are atomic; reads check the kind, the schema version and the metadata.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
from pydantic import ValidationError

from mstool.schemas.base import ArtifactMeta
from mstool.schemas.kinds import meta_model_for
from mstool.toolkit.errors import InputError
from mstool.toolkit.io.atomic import atomic_write_path
from mstool.toolkit.io.h5checks import check_images_datasets, check_links
from mstool.toolkit.version import __version__

KIND_ATTR = "mstool_kind"
VERSION_ATTR = "mstool_version"
SCHEMA_ATTR = "mstool_schema_version"
META_ATTR = "mstool_meta"


class ArtifactWriter:
    """An open artifact being written: datasets go to ``h5``, metadata to ``meta``.

    ``meta`` may be set at any time before the ``with`` block ends (streaming
    writers learn counts at the end); it is validated on close.
    """

    def __init__(self, h5: h5py.File, meta: ArtifactMeta | None) -> None:
        self.h5 = h5
        self.meta = meta

    def finish(self) -> None:
        if self.meta is None:
            raise ValueError("artifact metadata was never set")
        model = type(self.meta)
        if not model.kind:
            raise ValueError(f"{model.__name__} declares no artifact kind")
        self.h5.attrs[KIND_ATTR] = model.kind
        self.h5.attrs[VERSION_ATTR] = __version__
        self.h5.attrs[SCHEMA_ATTR] = model.schema_version
        self.h5.attrs[META_ATTR] = self.meta.model_dump_json()


@contextlib.contextmanager
def write_artifact(
    path: str | os.PathLike, meta: ArtifactMeta | None = None, *, overwrite: bool = True
) -> Iterator[ArtifactWriter]:
    """Write an HDF5 artifact atomically; yields an :class:`ArtifactWriter`.

    >>> import tempfile, pathlib, numpy as np
    >>> from mstool.schemas.sample import SampleMeta
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "s.h5"
    >>> with write_artifact(out, SampleMeta(datasets=["x"])) as art:
    ...     _ = art.h5.create_dataset("x", data=np.arange(3))
    >>> read_artifact(out).kind
    'sample'
    """
    with atomic_write_path(path, overwrite=overwrite) as tmp:
        with h5py.File(tmp, "w") as h5:
            writer = ArtifactWriter(h5, meta)
            yield writer
            writer.finish()
            h5.flush()


@dataclass
class ArtifactInfo:
    """What an artifact's root attributes say: kind, versions and validated metadata."""

    path: Path
    kind: str
    schema_version: int
    mstool_version: str
    meta: ArtifactMeta | dict[str, Any]


def _open_h5(path: Path) -> h5py.File:
    if not path.exists():
        raise InputError("no such file", where=str(path))
    if path.is_dir():
        raise InputError("is a directory, expected an HDF5 file", where=str(path))
    try:
        return h5py.File(path, "r")
    except OSError as err:
        reason = "truncated or corrupt" if h5py.is_hdf5(path) else "not an HDF5 file"
        raise InputError(f"cannot open as HDF5 ({reason})", where=str(path)) from err


def _decode(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


def _schema_version(attrs: h5py.AttributeManager, path: Path) -> int:
    raw = _decode(attrs.get(SCHEMA_ATTR, 1))
    try:
        version = int(raw)
        if version != raw and str(version) != str(raw).strip():
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{SCHEMA_ATTR} is {raw!r}, expected an integer", where=str(path)) from None
    return version


def _meta_json(attrs: h5py.AttributeManager, path: Path) -> Any:
    raw = _decode(attrs.get(META_ATTR, "{}"))
    if not isinstance(raw, str):
        raise InputError(f"{META_ATTR} must be a JSON string, got {type(raw).__name__}", where=str(path))
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise InputError(f"mstool_meta is not valid JSON ({err.msg})", where=str(path)) from err
    except RecursionError:
        raise InputError("mstool_meta is nested too deeply", where=str(path)) from None


def _info_from_attrs(path: Path, h5: h5py.File, expected_kind: str | None) -> ArtifactInfo:
    attrs = h5.attrs
    if KIND_ATTR not in attrs:
        raise InputError("not an mstool artifact (no mstool_kind attribute)", where=str(path))
    kind = _decode(attrs[KIND_ATTR])
    if not isinstance(kind, str):
        raise InputError(f"{KIND_ATTR} must be a string, got {type(kind).__name__}", where=str(path))
    if expected_kind is not None and kind != expected_kind:
        raise InputError(f"is a '{kind}' artifact, expected '{expected_kind}'", where=str(path))
    schema_version = _schema_version(attrs, path)
    meta_dict = _meta_json(attrs, path)
    model = meta_model_for(kind)
    meta: ArtifactMeta | dict[str, Any] = meta_dict
    if model is not None:
        if schema_version > model.schema_version:
            raise InputError(
                f"'{kind}' schema version {schema_version} is newer than this mstool "
                f"supports ({model.schema_version}); upgrade mstool",
                where=str(path),
            )
        try:
            meta = model.model_validate(meta_dict)
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise InputError(
                f"'{kind}' metadata invalid: field {field}: {first['msg']}", where=str(path)
            ) from err
    elif expected_kind is not None:
        raise InputError(f"unknown artifact kind '{kind}'", where=str(path))
    return ArtifactInfo(path, kind, schema_version, str(_decode(attrs.get(VERSION_ATTR, "?"))), meta)


def _checked_info(path: Path, h5: h5py.File, expected_kind: str | None) -> ArtifactInfo:
    """Attributes, links and (for a requested ``images`` kind) dataset shapes, or InputError."""
    try:
        info = _info_from_attrs(path, h5, expected_kind)
        check_links(h5, path)
        if expected_kind == "images":
            check_images_datasets(h5, info.meta, path)
    except (OSError, KeyError, RuntimeError) as err:  # HDF5 errors reading a damaged file
        raise InputError(f"cannot read HDF5 contents ({err})", where=str(path)) from err
    return info


@contextlib.contextmanager
def open_artifact(
    path: str | os.PathLike, kind: str | None = None
) -> Iterator[tuple[h5py.File, ArtifactInfo]]:
    """Open an artifact read-only after checking its kind, schema version, metadata and links.

    External links, dangling links and virtual datasets that map absolute or missing
    files are refused; an ``images`` artifact opened with ``kind="images"`` must hold
    datasets of the shapes its metadata declares.

    >>> import tempfile, pathlib, numpy as np
    >>> from mstool.schemas.sample import SampleMeta
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "s.h5"
    >>> with write_artifact(out, SampleMeta(datasets=["x"])) as art:
    ...     _ = art.h5.create_dataset("x", data=np.arange(3))
    >>> with open_artifact(out, kind="sample") as (h5, info):
    ...     int(h5["x"][-1])
    2
    """
    path = Path(path)
    h5 = _open_h5(path)
    try:
        info = _checked_info(path, h5, kind)
        yield h5, info
    finally:
        h5.close()


def read_artifact(path: str | os.PathLike, kind: str | None = None) -> ArtifactInfo:
    """Read and validate an artifact's root attributes (datasets stay on disk)."""
    with open_artifact(path, kind) as (_, info):
        return info


def describe_datasets(h5: h5py.File) -> list[dict[str, Any]]:
    """Every dataset's path, shape, dtype and chunking, for ``mstool inspect``."""
    found: list[dict[str, Any]] = []

    def visit(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            found.append(
                {
                    "name": name,
                    "shape": list(obj.shape),
                    "dtype": str(obj.dtype),
                    "chunks": list(obj.chunks) if obj.chunks else None,
                }
            )

    h5.visititems(visit)
    return found
