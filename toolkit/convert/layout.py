"""Layout bookkeeping: a Keras tensor holds its ONNX tensor transposed by ``perm``.

``perm is None`` means the ONNX layout itself; channels-last for rank 4 is ``(0, 2, 3, 1)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def normalise(perm: Sequence[int] | None) -> tuple[int, ...] | None:
    """``None`` for the identity, else a tuple.

    >>> normalise([0, 1, 2]) is None, normalise([0, 2, 3, 1])
    (True, (0, 2, 3, 1))
    """
    if perm is None:
        return None
    perm = tuple(int(p) for p in perm)
    return None if perm == tuple(range(len(perm))) else perm


def channels_last(rank: int) -> tuple[int, ...] | None:
    """The channels-last permutation of an NC... tensor of ``rank`` dims.

    >>> channels_last(4)
    (0, 2, 3, 1)
    """
    return (0, *range(2, rank), 1) if rank >= 3 else None


def full(perm: Sequence[int] | None, rank: int) -> tuple[int, ...]:
    return tuple(range(rank)) if perm is None else tuple(perm)


def inverse(perm: Sequence[int]) -> tuple[int, ...]:
    """The permutation undoing ``perm``.

    >>> inverse((0, 2, 3, 1))
    (0, 3, 1, 2)
    """
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


def to_onnx_shape(keras_shape: Sequence[int], perm: Sequence[int] | None) -> tuple[int, ...]:
    """The ONNX shape of a Keras tensor stored with ``perm``.

    >>> to_onnx_shape((1, 8, 8, 3), (0, 2, 3, 1))
    (1, 3, 8, 8)
    """
    if perm is None:
        return tuple(keras_shape)
    shape = [0] * len(perm)
    for i, p in enumerate(perm):
        shape[p] = keras_shape[i]
    return tuple(shape)


def relative_perm(current: Sequence[int] | None, target: Sequence[int] | None, rank: int) -> tuple[int, ...]:
    """``q`` with ``keras_current.transpose(q) == onnx.transpose(target)``.

    >>> relative_perm((0, 2, 3, 1), None, 4)
    (0, 3, 1, 2)
    """
    cur, tgt = full(current, rank), full(target, rank)
    return tuple(cur.index(t) for t in tgt)


def is_pure_reshape(shape: Sequence[int], step: Sequence[int]) -> bool:
    """True when transposing ``shape`` by ``step`` keeps the data order (only size-1 dims move).

    >>> is_pure_reshape((1, 1, 1, 64), (0, 3, 1, 2)), is_pure_reshape((1, 7, 7, 64), (0, 3, 1, 2))
    (True, False)
    """
    moved = [i for i in step if shape[i] != 1]
    return moved == sorted(moved)


def keras_axis(axis: int, perm: Sequence[int] | None, rank: int) -> int:
    """The Keras axis holding ONNX axis ``axis`` (negative axes allowed).

    >>> keras_axis(1, (0, 2, 3, 1), 4)
    3
    """
    axis = axis + rank if axis < 0 else axis
    return axis if perm is None else list(perm).index(axis)


def after_removing(perm: Sequence[int] | None, removed: Sequence[int], rank: int) -> tuple[int, ...] | None:
    """The layout left when ONNX axes ``removed`` are dropped (reduce with keepdims=0, squeeze).

    >>> after_removing((0, 2, 3, 1), [2, 3], 4)
    """
    kept = [p for p in full(perm, rank) if p not in set(removed)]
    order = sorted(kept)
    return normalise([order.index(p) for p in kept])


def strip_leading_ones(value: np.ndarray) -> np.ndarray:
    """Drop leading size-1 dims (broadcasting restores them) so constants read naturally."""
    while value.ndim > 1 and value.shape[0] == 1:
        value = value[0]
    return value
