"""Raw chunk writes: image tensors go straight from the kernel's buffers to their chunks.

An uncompressed ``images`` dataset is created with its chunks allocated up front
(``H5D_ALLOC_TIME_EARLY``, no fill values written) in a file whose large allocations are
aligned to 4 KiB. The chunk addresses are then known before any pixel exists, and each
image is written with one ``pwrite`` of the output buffer at its chunk's address: no
HDF5 type conversion, chunk cache or copy, and the GIL is released while it runs. When
the chunk size and the buffer allow it, the file is written with ``O_DIRECT``: the disk
reads the buffer itself, no copy lands in the page cache, and the final ``fsync`` has
(almost) nothing left to flush. Otherwise a plain ``pwrite`` goes through the page cache.
HDF5 keeps owning the file's structure; these writes only fill bytes it reserved.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

import h5py
import numpy as np

from mstool.toolkit.io.artifacts import ArtifactWriter
from mstool.toolkit.io.atomic import atomic_write_path

ALIGNMENT = 4096
ALIGN_THRESHOLD = ALIGNMENT  # allocations of a block or more start on a 4 KiB boundary


def aligned_empty(count: int, dtype: np.dtype | type, alignment: int = ALIGNMENT) -> np.ndarray:
    """An uninitialised 1-D array whose data starts on an ``alignment``-byte boundary.

    >>> a = aligned_empty(1000, np.float32)
    >>> a.shape, a.ctypes.data % 4096
    ((1000,), 0)
    """
    itemsize = np.dtype(dtype).itemsize
    raw = np.empty(count * itemsize + alignment, np.uint8)
    start = -raw.ctypes.data % alignment
    return raw[start : start + count * itemsize].view(dtype)


@contextlib.contextmanager
def aligned_artifact(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[ArtifactWriter]:
    """:func:`mstool.toolkit.io.write_artifact` (temp file, fsync, rename), with large
    allocations aligned to 4 KiB so raw chunks can be written with ``O_DIRECT``.

    >>> import tempfile, pathlib
    >>> from mstool.schemas.sample import SampleMeta
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.h5"
    >>> with aligned_artifact(out) as art:
    ...     art.meta = SampleMeta(datasets=[])
    >>> out.exists()
    True
    """
    with atomic_write_path(path, overwrite=overwrite) as tmp:
        with h5py.File(tmp, "w", alignment_threshold=ALIGN_THRESHOLD, alignment_interval=ALIGNMENT) as h5:
            writer = ArtifactWriter(h5, None)
            yield writer
            writer.finish()
            h5.flush()


def preallocated_chunks(h5: h5py.File, name: str, shape: tuple[int, ...], dtype: str) -> h5py.Dataset:
    """A dataset chunked one item per chunk, every chunk allocated now, no fill written."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    return h5.create_dataset(name, shape=shape, maxshape=(None, *shape[1:]), dtype=dtype,
                             chunks=(1, *shape[1:]), dcpl=dcpl, fill_time="never")


def chunk_offsets(dataset: h5py.Dataset) -> np.ndarray:
    """File offset of each allocated chunk, indexed by its first coordinate."""
    offsets = np.full(dataset.shape[0], -1, np.int64)

    def record(info) -> None:
        offsets[info.chunk_offset[0]] = info.byte_offset

    dataset.id.chunk_iter(record)
    if (offsets < 0).any():
        raise RuntimeError(f"{dataset.name}: not every chunk is allocated")
    return offsets


class RawChunkWriter:
    """Writes whole chunks of a preallocated, unfiltered dataset with ``pwrite``.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.h5"
    >>> with h5py.File(path, "w") as h5:
    ...     ds = preallocated_chunks(h5, "x", (2, 4, 4), "float32")
    ...     raw = RawChunkWriter(ds, path)
    ...     raw.write(1, np.ones((4, 4), np.float32)); raw.write(0, np.zeros((4, 4), np.float32))
    ...     raw.close()
    >>> with h5py.File(path) as h5:
    ...     h5["x"][:].sum()
    np.float32(16.0)
    """

    def __init__(self, dataset: h5py.Dataset, path: str | os.PathLike) -> None:
        self.offsets = chunk_offsets(dataset)
        self.chunk_bytes = int(np.prod(dataset.chunks)) * dataset.dtype.itemsize
        self.buffered: int | None = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
        self.direct = self._open_direct(Path(path))
        self.direct_writes = 0

    def _open_direct(self, path: Path) -> int | None:
        aligned = self.chunk_bytes % ALIGNMENT == 0 and not (self.offsets % ALIGNMENT).any()
        if not aligned or not hasattr(os, "O_DIRECT"):
            return None
        try:
            return os.open(path, os.O_WRONLY | os.O_DIRECT | os.O_NOFOLLOW)
        except OSError:  # a file system without direct I/O (tmpfs, some network mounts)
            return None

    def write(self, index: int, array: np.ndarray) -> None:
        """Store ``array`` (C-contiguous, exactly one chunk) as chunk ``index``."""
        if array.nbytes != self.chunk_bytes or not array.flags.c_contiguous:
            raise ValueError(f"chunk {index}: expected {self.chunk_bytes} contiguous bytes, "
                             f"got {array.nbytes}")
        offset = int(self.offsets[index])
        view = memoryview(array.reshape(-1).view(np.uint8))
        if self.direct is not None and array.ctypes.data % ALIGNMENT == 0:
            try:
                self._write_all(self.direct, view, offset)
                self.direct_writes += 1
                return
            except OSError as err:
                if err.errno != errno.EINVAL:
                    raise
                os.close(self.direct)  # the file system refused it after all: stay buffered
                self.direct = None
        self._write_all(self.buffered, view, offset)

    @staticmethod
    def _write_all(fd: int, view: memoryview, offset: int) -> None:
        while view:
            written = os.pwrite(fd, view, offset)
            view, offset = view[written:], offset + written

    def close(self) -> None:
        """Close the file handles (safe to call again)."""
        for fd in (self.direct, self.buffered):
            if fd is not None:
                os.close(fd)
        self.direct = self.buffered = None
