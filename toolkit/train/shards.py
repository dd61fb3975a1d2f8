"""Training data split into contiguous, chunk-aligned ranges of the file, one set per replica.

With ``data.shards: N`` the file's rows are cut at chunk boundaries into N ranges of
about equal size. Every global batch takes ``batch / N`` examples from each range, in
the order of that range's own shuffle (fixed by seed, epoch and range). Replica ``r`` of
``R`` trains on ranges ``r*N/R .. (r+1)*N/R - 1`` only, so a worker reads only its own
chunks, and any replica count that divides N gives the same global batches, hence the
same weights as one process with the whole batch.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.train.sources import Source


def shard_ranges(rows: int, chunk_rows: int, shards: int) -> list[tuple[int, int]]:
    """``shards`` contiguous ``(start, stop)`` row ranges cut at chunk boundaries.

    >>> shard_ranges(100, 16, 2)  # 7 chunks: 4 and 3
    [(0, 64), (64, 100)]
    """
    chunks = -(-rows // chunk_rows)
    if chunks < shards:
        raise InputError(f"{chunks} storage chunks cannot make {shards} shards", where="data.shards")
    cuts = [min(rows, round(i * chunks / shards) * chunk_rows) for i in range(shards + 1)]
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def shard_members(source: Source, shards: int) -> list[np.ndarray]:
    """For each range, the positions (in ``source``) of the examples whose rows lie in it.

    >>> from mstool.toolkit.train.sources import ArraySource
    >>> src = ArraySource("a", 6, (1, 1, 1), np.zeros(6, np.int64), chunk_rows=2)
    >>> [m.tolist() for m in shard_members(src, 2)]
    [[0, 1, 2, 3], [4, 5]]
    """
    rows = source.file_rows()
    return [np.flatnonzero((rows >= start) & (rows < stop))
            for start, stop in shard_ranges(source.file_count, source.chunk_rows, shards)]


def check_shards(shards: int, replicas: int, global_batch: int) -> None:
    """Shards must split evenly over replicas, and the batch evenly over shards."""
    if shards % replicas:
        raise InputError(f"data.shards {shards} is not a multiple of the {replicas} replicas",
                         where="data.shards")
    if global_batch % shards:
        raise InputError(f"batch_size {global_batch} is not a multiple of data.shards {shards}",
                         where="data.shards")


def sharded_steps(source: Source, shards: int, global_batch: int) -> int:
    """Full global batches per epoch: the smallest range sets the count."""
    per_shard = global_batch // shards
    return min(len(members) // per_shard for members in shard_members(source, shards))


def replica_batches(source: Source, shards: int, *, global_batch: int, steps: int, epoch: int, seed: int,
                    replica: int, replicas: int) -> np.ndarray:
    """``(steps, global_batch / replicas)`` example positions for ``replica``, batch by batch.

    >>> from mstool.toolkit.train.sources import ArraySource
    >>> src = ArraySource("a", 8, (1, 1, 1), np.zeros(8, np.int64))
    >>> both = replica_batches(src, 2, global_batch=4, steps=2, epoch=0, seed=0, replica=0, replicas=1)
    >>> halves = [replica_batches(src, 2, global_batch=4, steps=2, epoch=0, seed=0, replica=r, replicas=2)
    ...           for r in (0, 1)]
    >>> bool(np.array_equal(both, np.concatenate(halves, axis=1)))
    True
    """
    per_shard = global_batch // shards
    members = shard_members(source, shards)
    own = range(replica * shards // replicas, (replica + 1) * shards // replicas)
    parts = []
    for shard in own:
        order = np.random.default_rng([seed, epoch, shard]).permutation(members[shard])
        parts.append(order[:steps * per_shard].reshape(steps, per_shard))
    return np.concatenate(parts, axis=1)


def worker_ranges(source: Source, shards: int, first_replica: int, local_replicas: int,
                  replicas: int) -> list[tuple[int, int]]:
    """The file row ranges a worker's replicas train on (the only rows it reads).

    >>> from mstool.toolkit.train.sources import ArraySource
    >>> worker_ranges(ArraySource("a", 64, (1, 1, 1), np.zeros(64), chunk_rows=16), 4, 1, 1, 2)
    [(32, 48), (48, 64)]
    """
    ranges = shard_ranges(source.file_count, source.chunk_rows, shards)
    first = first_replica * shards // replicas
    last = (first_replica + local_replicas) * shards // replicas
    return ranges[first:last]
