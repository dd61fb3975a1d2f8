"""Fast reads of an ``images`` artifact's pixels for training: contiguous slices, never per-image reads.

The whole ``images`` dataset is held in memory (in its stored dtype, uint8 stays uint8)
when it fits the memory budget; otherwise an LRU of contiguous, chunk-aligned row
blocks (about 128 KiB each) of at most the budget is kept, each block read with one HDF5 call. Streaming
reads each block about once per epoch when the shuffle window (``data.shuffle_buffer``
examples, where the shuffled indices of a batch come from) fits in the budget. Either way
``rows(indices)`` returns exactly the stored rows, so the training order and results
do not depend on the budget.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

DEFAULT_BUDGET_BYTES = 2 << 30
BLOCK_BYTES = 128 << 10  # streamed: small blocks, so a straggler index from the shuffle costs little
WHOLE_READ_BYTES = 4 << 20  # in memory: large contiguous slices


def rows_per_block(row_bytes: int, chunk_rows: int, block_bytes: int = BLOCK_BYTES) -> int:
    """Rows in one read block: a whole number of chunks, about ``block_bytes`` in all.

    >>> rows_per_block(row_bytes=3072, chunk_rows=1)  # 32x32x3 uint8, one image per chunk
    42
    >>> rows_per_block(row_bytes=10 << 20, chunk_rows=4)  # never less than one chunk
    4
    """
    chunks = max(1, block_bytes // max(1, row_bytes * chunk_rows))
    return chunks * chunk_rows


class PixelReader:
    """Rows of ``path``'s ``images`` dataset, from memory or from a bounded block cache.

    >>> import tempfile, h5py
    >>> path = Path(tempfile.mkdtemp()) / "p.h5"
    >>> with h5py.File(path, "w") as h5:
    ...     _ = h5.create_dataset("images", data=np.arange(40, dtype=np.uint8).reshape(10, 2, 2, 1),
    ...                           chunks=(1, 2, 2, 1))
    >>> whole = PixelReader(path, budget_bytes=1 << 20)
    >>> whole.rows(np.array([3, 0, 3]))[:, 0, 0, 0].tolist(), whole.in_memory
    ([12, 0, 12], True)
    >>> blocks = PixelReader(path, budget_bytes=8, block_bytes=8)
    >>> blocks.rows(np.array([9, 1, 4]))[:, 0, 0, 0].tolist(), blocks.in_memory
    ([36, 4, 16], False)
    >>> PixelReader(path, ranges=[(6, 10)]).rows(np.array([9, 6]))[:, 0, 0, 0].tolist()
    [36, 24]

    ``ranges`` (row ``(start, stop)`` pairs, chunk-aligned) limits what is ever read to those
    rows: a worker's own part of the file; asking for another row is an error.
    """

    def __init__(self, path: Path, budget_bytes: int = DEFAULT_BUDGET_BYTES,
                 block_bytes: int = BLOCK_BYTES, ranges: list[tuple[int, int]] | None = None) -> None:
        import h5py

        self._lock = threading.Lock()
        self._h5 = h5py.File(path, "r")
        self._images = self._h5["images"]
        shape, self.dtype = self._images.shape, self._images.dtype
        self.count, self.row_shape = shape[0], tuple(shape[1:])
        ranges = sorted(ranges) if ranges is not None else [(0, self.count)]
        self._starts = np.array([start for start, _ in ranges], np.int64)
        self._stops = np.array([stop for _, stop in ranges], np.int64)
        self._offsets = np.concatenate([[0], np.cumsum(self._stops - self._starts)])
        self.held_rows = int(self._offsets[-1])
        row_bytes = math.prod(self.row_shape) * self.dtype.itemsize
        chunk_rows = self._images.chunks[0] if self._images.chunks else 1
        # at least 64 blocks fit the budget: the shuffle window stays cached, and an index that
        # lingered in the shuffle buffer costs one small read (measured: 128 KiB blocks read
        # 28,000 img/s, 4 MiB blocks 6,000 img/s, benchmarks/train/hdf5_input.py data)
        self.block_rows = rows_per_block(row_bytes, chunk_rows, min(block_bytes, budget_bytes // 64))
        self._whole_rows = rows_per_block(row_bytes, chunk_rows, WHOLE_READ_BYTES)
        self.capacity = max(2, budget_bytes // max(1, self.block_rows * row_bytes))
        self._blocks: OrderedDict[int, np.ndarray] = OrderedDict()
        self._whole: np.ndarray | None = None
        self.in_memory = self.held_rows * row_bytes <= budget_bytes
        if self.in_memory:
            self._whole = self._read_all()
            self._h5.close()

    def _read_all(self) -> np.ndarray:
        whole = np.empty((self.held_rows, *self.row_shape), self.dtype)
        for first, last, offset in zip(self._starts, self._stops, self._offsets, strict=False):
            for start in range(int(first), int(last), self._whole_rows):
                stop = min(start + self._whole_rows, int(last))
                into = start - first + offset
                self._images.read_direct(whole, np.s_[start:stop], np.s_[into:into + stop - start])
        return whole

    def _locate(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which range each row is in, and its position among the held rows."""
        where = np.searchsorted(self._starts, indices, side="right") - 1
        outside = (where < 0) | (indices >= self._stops[np.maximum(where, 0)])
        if np.any(outside):
            raise ValueError(f"row {int(indices[outside][0])} is outside the rows this reader holds")
        return where, indices - self._starts[where] + self._offsets[where]

    def rows(self, indices: np.ndarray) -> np.ndarray:
        """The stored rows at ``indices`` (any order, repeats allowed), in the stored dtype."""
        indices = np.asarray(indices, dtype=np.int64)
        where, held = self._locate(indices)
        if self._whole is not None:
            return self._whole[held]
        out = np.empty((len(indices), *self.row_shape), self.dtype)
        # a block never crosses a range's end: number blocks within each range
        local = held - self._offsets[where]
        keys = self._offsets[where] + (local // self.block_rows) * self.block_rows
        with self._lock:
            for key in np.unique(keys):
                picked = keys == key
                block = self._block_at(int(key))
                out[picked] = block[held[picked] - key]
        return out

    def _block_at(self, held_start: int) -> np.ndarray:
        """The block of held rows starting at ``held_start`` (a range start plus whole blocks)."""
        block = self._blocks.get(held_start)
        if block is not None:
            self._blocks.move_to_end(held_start)
            return block
        where = int(np.searchsorted(self._offsets, held_start, side="right") - 1)
        start = int(self._starts[where] + held_start - self._offsets[where])
        block = self._images[start:min(start + self.block_rows, int(self._stops[where]))]
        self._blocks[held_start] = block
        if len(self._blocks) > self.capacity:
            self._blocks.popitem(last=False)
        return block
