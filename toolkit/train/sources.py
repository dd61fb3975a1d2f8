"""Labelled image sources: an ``images`` artifact read lazily, an .npz (x, y) or MNIST IDX files.

Every source answers ``read(indices) -> (images NHWC float32, labels int64)`` so the
tf.data pipeline handles all of them the same way. An artifact's pixels are held in memory
(stored dtype) when they fit the budget (``data.memory_budget_mb``), else read in
contiguous blocks through a bounded cache.
"""

from __future__ import annotations

import gzip
import io
import math
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.io.files import read_regular_file
from mstool.toolkit.train.pixels import DEFAULT_BUDGET_BYTES, PixelReader

MAX_IDX_BYTES = 1 << 30
MAX_LABEL = 99_999


@dataclass
class Source:
    """Base: ``count`` examples of ``shape`` (H, W, C), labels, optional class names."""

    where: str
    count: int
    shape: tuple[int, int, int]
    labels: np.ndarray
    class_names: list[str] = field(default_factory=list)
    chunk_rows: int = 1  # rows per storage chunk of the file (1: no chunks)

    def read(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def file_rows(self) -> np.ndarray:
        """The row of the underlying file that holds each example."""
        return np.arange(self.count, dtype=np.int64)

    @property
    def file_count(self) -> int:
        """Rows in the underlying file."""
        return self.count

    def restricted(self, ranges: list[tuple[int, int]]) -> Source:
        """A copy that reads only these file row ranges (in-memory sources return themselves)."""
        return self

    @property
    def classes(self) -> int:
        return len(self.class_names) or int(self.labels.max()) + 1


@dataclass
class ArraySource(Source):
    """Images already in memory (npz, IDX): (N, H, W, C) float32."""

    images: np.ndarray | None = None

    def read(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.images[indices], self.labels[indices]


@dataclass
class ArtifactSource(Source):
    """An ``images`` HDF5 artifact; pixels are read on first use by a :class:`PixelReader`
    (whole in memory within ``budget_bytes``, else a bounded cache of contiguous blocks)."""

    path: Path | None = None
    layout: str = "HWC"
    scale: float = 1.0
    budget_bytes: int = DEFAULT_BUDGET_BYTES
    _reader: PixelReader | None = None
    _opening: threading.Lock = field(default_factory=threading.Lock)

    def read(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with self._opening:
            if self._reader is None:
                self._reader = PixelReader(self.path, self.budget_bytes)
        images = self._reader.rows(indices).astype(np.float32)
        if self.scale != 1.0:
            images *= np.float32(self.scale)
        if self.layout == "CHW":
            images = images.transpose(0, 2, 3, 1)
        return np.ascontiguousarray(images), self.labels[indices]

    def restricted(self, ranges: list[tuple[int, int]]) -> ArtifactSource:
        return ArtifactSource(self.where, self.count, self.shape, self.labels, self.class_names,
                              self.chunk_rows, path=self.path, layout=self.layout, scale=self.scale,
                              budget_bytes=self.budget_bytes,
                              _reader=PixelReader(self.path, self.budget_bytes, ranges=ranges))


@dataclass
class SubsetSource(Source):
    """A view of ``base`` restricted to ``index`` (used for a validation split)."""

    base: Source | None = None
    index: np.ndarray | None = None

    def read(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.base.read(self.index[indices])

    def file_rows(self) -> np.ndarray:
        return self.base.file_rows()[self.index]

    @property
    def file_count(self) -> int:
        return self.base.file_count

    def restricted(self, ranges: list[tuple[int, int]]) -> SubsetSource:
        return SubsetSource(self.where, self.count, self.shape, self.labels, self.class_names,
                            self.chunk_rows, base=self.base.restricted(ranges), index=self.index)


def _as_nhwc(x: np.ndarray, where: str) -> np.ndarray:
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise InputError(f"images must be (N, H, W[, C]), got shape {x.shape}", where=where)
    if x.shape[-1] not in (1, 3, 4) and x.shape[1] in (1, 3, 4):
        x = x.transpose(0, 2, 3, 1)
    scale = 1.0 / 255.0 if x.dtype == np.uint8 else 1.0
    return np.ascontiguousarray(x.astype(np.float32) * np.float32(scale))


def _check_labels(labels: np.ndarray, count: int, where: str) -> np.ndarray:
    labels = np.asarray(labels).reshape(-1)
    if labels.shape[0] != count:
        raise InputError(f"{labels.shape[0]} labels for {count} images", where=where)
    if labels.size == 0:
        raise InputError("no examples", where=where)
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.all(np.isfinite(labels)) or not np.all(np.equal(np.mod(labels, 1), 0)):
            raise InputError("labels must be integers", where=where)
    labels = labels.astype(np.int64)
    if labels.min() < 0:
        raise InputError(f"negative label {int(labels.min())}", where=where)
    if labels.max() > MAX_LABEL:  # labels number the classes: the model's last layer has max+1 units
        raise InputError(f"label {int(labels.max())} is larger than {MAX_LABEL}", where=where)
    return labels


def load_npz(path: Path) -> ArraySource:
    """An .npz with ``x`` (N, H, W[, C]) and ``y`` (N,) integer labels."""
    try:
        with np.load(path) as data:
            missing = [key for key in ("x", "y") if key not in data.files]
            if missing:
                raise InputError(f"npz lacks {', '.join(missing)} (has {', '.join(data.files)}); "
                                 "train needs x (images) and y (labels)", where=str(path))
            images = _as_nhwc(data["x"], str(path))
            labels = _check_labels(data["y"], len(images), str(path))
            names = [str(n) for n in data["class_names"]] if "class_names" in data.files else []
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise InputError(f"cannot read npz ({err})", where=str(path)) from err
    return ArraySource(str(path), len(images), images.shape[1:], labels, names, images=images)


def _idx_bytes(path: Path) -> bytes:
    try:
        raw = read_regular_file(path, max_bytes=MAX_IDX_BYTES)
        if path.suffix != ".gz":
            return raw
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            data = handle.read(MAX_IDX_BYTES + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(f"cannot read IDX file ({err})", where=str(path)) from err
    if len(data) > MAX_IDX_BYTES:
        raise InputError(f"IDX file unpacks to more than {MAX_IDX_BYTES} bytes", where=str(path))
    return data


def read_idx(path: Path, dims: int) -> np.ndarray:
    """An unsigned-byte IDX array with ``dims`` dimensions; header and size checked before use.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t-labels-idx1-ubyte"
    >>> _ = p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 4, 5, 6]))
    >>> read_idx(p, dims=1).tolist()
    [4, 5, 6]
    >>> try:
    ...     read_idx(p, dims=3)
    ... except InputError as err:
    ...     print(err.message)
    IDX header has 1 dimensions, expected 3
    """
    raw = _idx_bytes(path)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise InputError("not an IDX file (bad magic number)", where=str(path))
    if raw[2] != 0x08:
        raise InputError(f"IDX element type 0x{raw[2]:02x} is not unsigned bytes (0x08)", where=str(path))
    if raw[3] != dims:
        raise InputError(f"IDX header has {raw[3]} dimensions, expected {dims}", where=str(path))
    header = 4 + 4 * dims
    if len(raw) < header:
        raise InputError(f"IDX header truncated: {len(raw)} bytes, expected {header}", where=str(path))
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    if 0 in shape:
        raise InputError(f"IDX header declares an empty array {shape}", where=str(path))
    if len(raw) - header != math.prod(shape):
        raise InputError(f"IDX body has {len(raw) - header} bytes, header says {shape}", where=str(path))
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def load_idx(path: Path) -> ArraySource:
    """MNIST-style IDX: ``*-images-idx3-ubyte[.gz]`` with its ``*-labels-idx1-ubyte[.gz]`` beside it."""
    labels_path = path.with_name(path.name.replace("images-idx3", "labels-idx1"))
    if labels_path == path or not labels_path.exists():
        raise InputError(f"no labels file {labels_path.name} beside the images", where=str(path))
    images = _as_nhwc(read_idx(path, dims=3), str(path))
    labels = _check_labels(read_idx(labels_path, dims=1), len(images), str(labels_path))
    return ArraySource(str(path), len(images), images.shape[1:], labels, images=images)


def load_artifact(path: Path, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> ArtifactSource:
    """An ``images`` artifact; labels are required; pixels are read on first use, into
    memory when they fit ``budget_bytes`` (see :mod:`mstool.toolkit.train.pixels`)."""
    from mstool.toolkit.io import open_artifact

    with open_artifact(path, kind="images") as (h5, info):
        meta = info.meta
        if "labels" not in h5:
            raise InputError("images artifact has no 'labels' dataset; train needs labelled images",
                             where=str(path))
        if "images" not in h5:
            raise InputError("images artifact has no 'images' dataset", where=str(path))
        count = h5["images"].shape[0]
        labels = _check_labels(h5["labels"][...], count, f"{path}:labels")
        dataset_dtype = h5["images"].dtype
        chunk_rows = h5["images"].chunks[0] if h5["images"].chunks else 1
    shape = (meta.height, meta.width, meta.channels)
    names = list(meta.class_names)
    if names and labels.max() >= len(names):
        raise InputError(f"label {int(labels.max())} but only {len(names)} class_names", where=str(path))
    scale = 1.0 / 255.0 if dataset_dtype == np.uint8 and meta.value_range[1] <= 1.0 else 1.0
    return ArtifactSource(str(path), count, shape, labels, names, chunk_rows, path=path, layout=meta.layout,
                          scale=scale, budget_bytes=budget_bytes)


def open_source(path: str | Path, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> Source:
    """Pick the reader from the file name: .h5/.hdf5 artifact, .npz, or IDX images.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.npz"
    >>> np.savez(p, x=np.zeros((4, 8, 8), np.uint8), y=np.array([0, 1, 0, 1]))
    >>> src = open_source(p); (src.count, src.shape, src.classes)
    (4, (8, 8, 1), 2)
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", where=str(path))
    name = path.name.lower()
    if name.endswith(".npz"):
        return load_npz(path)
    if "idx3" in name:
        return load_idx(path)
    if name.endswith((".h5", ".hdf5")):
        return load_artifact(path, budget_bytes)
    raise InputError("unknown data format; expected an images artifact (.h5), .npz or IDX images",
                     where=str(path))


def split_source(source: Source, fraction: float, seed: int) -> tuple[Source, Source | None]:
    """Hold out ``fraction`` of the examples (fixed by ``seed``) for validation.

    >>> src = ArraySource("a", 10, (1, 1, 1), np.arange(10) % 2, images=np.zeros((10, 1, 1, 1), np.float32))
    >>> train, val = split_source(src, 0.2, seed=0); (train.count, val.count)
    (8, 2)
    """
    held = int(round(source.count * fraction))
    if held == 0:
        return source, None
    order = np.random.default_rng(seed).permutation(source.count)
    val_idx, train_idx = np.sort(order[:held]), np.sort(order[held:])

    def subset(index: np.ndarray, tag: str) -> SubsetSource:
        return SubsetSource(f"{source.where}[{tag}]", len(index), source.shape, source.labels[index],
                            source.class_names, source.chunk_rows, base=source, index=index)

    return subset(train_idx, "train"), subset(val_idx, "val")
