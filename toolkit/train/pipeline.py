"""tf.data pipelines over a :class:`~mstool.toolkit.train.sources.Source`.

Indices, not pixels, are shuffled (with a buffer) and sharded across workers, so
each example is read once per epoch across all workers, and the same seed gives
the same global batches however many workers share them. Augmentation is
stateless, keyed by (seed, epoch, example), so a resumed run sees the same crops.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.train.sources import Source


def steps_per_epoch(count: int, global_batch: int) -> int:
    """Full global batches in one epoch (the remainder is dropped).

    >>> steps_per_epoch(1000, 64)
    15
    """
    return count // global_batch


def _reader(source: Source):
    import tensorflow as tf

    height, width, channels = source.shape

    def read(indices):
        images, labels = tf.numpy_function(
            lambda idx: source.read(np.asarray(idx, dtype=np.int64)), [indices], [tf.float32, tf.int64],
            stateful=False)
        images.set_shape([None, height, width, channels])
        labels.set_shape([None])
        return images, labels, indices

    return read


def _augmenter(seed: int, epoch: int, crop_padding: int, flip: bool, shape: tuple[int, int, int]):
    import tensorflow as tf

    height, width, _ = shape

    def one(example):
        image, index = example
        key = tf.stack([tf.constant(seed * 100003 + epoch, tf.int64), index])
        if crop_padding:
            padded = tf.pad(image, [[crop_padding, crop_padding], [crop_padding, crop_padding], [0, 0]])
            image = tf.image.stateless_random_crop(padded, tf.shape(image), seed=key)
        if flip:
            image = tf.image.stateless_random_flip_left_right(image, seed=key + 1)
        return image

    def augment(images, labels, indices):
        images = tf.map_fn(one, (images, indices), fn_output_signature=tf.float32)
        images.set_shape([None, height, width, shape[2]])
        return images, labels, indices

    return augment


def train_dataset(source: Source, *, epoch: int, seed: int, per_worker_batch: int, steps: int,
                  worker: int = 0, workers: int = 1, skip: int = 0, shuffle_buffer: int = 10000,
                  crop_padding: int = 0, flip: bool = False):
    """One epoch of ``(images, labels, indices)`` batches for this worker, after ``skip`` batches.

    >>> from mstool.toolkit.train.sources import ArraySource
    >>> src = ArraySource("a", 8, (1, 1, 1), np.arange(8), images=np.zeros((8, 1, 1, 1), np.float32))
    >>> ds = train_dataset(src, epoch=0, seed=0, per_worker_batch=2, steps=2, worker=1, workers=2)
    >>> sorted(int(i) for _, _, idx in ds for i in idx.numpy()) != []
    True
    """
    import tensorflow as tf

    order = tf.data.Dataset.range(source.count)
    order = order.shuffle(min(shuffle_buffer, source.count), seed=seed * 7919 + epoch,
                          reshuffle_each_iteration=False)
    order = order.shard(workers, worker).batch(per_worker_batch, drop_remainder=True)
    dataset = order.take(steps).skip(skip).map(_reader(source))
    return _augmented_and_prefetched(dataset, source, seed, epoch, crop_padding, flip)


def sharded_train_dataset(source: Source, shards: int, *, epoch: int, seed: int, global_batch: int,
                          steps: int, first_replica: int, local_replicas: int, replicas: int, skip: int = 0,
                          crop_padding: int = 0, flip: bool = False):
    """One epoch of this worker's batches under ``data.shards`` (see :mod:`mstool.toolkit.train.shards`):
    for each step, one batch per local replica, after ``skip`` steps."""
    import tensorflow as tf

    from mstool.toolkit.train.shards import replica_batches

    per_replica = [replica_batches(source, shards, global_batch=global_batch, steps=steps, epoch=epoch,
                                   seed=seed, replica=first_replica + r, replicas=replicas)
                   for r in range(local_replicas)]
    batches = np.stack(per_replica, axis=1)[skip:].reshape(-1, global_batch // replicas)
    dataset = tf.data.Dataset.from_tensor_slices(batches).map(_reader(source))
    return _augmented_and_prefetched(dataset, source, seed, epoch, crop_padding, flip)


def _augmented_and_prefetched(dataset, source: Source, seed: int, epoch: int, crop_padding: int, flip: bool):
    """The common end of both training pipelines: augmentation, no auto-sharding, a fixed order."""
    import tensorflow as tf

    if crop_padding or flip:
        dataset = dataset.map(_augmenter(seed, epoch, crop_padding, flip, source.shape))
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    options.deterministic = True
    return dataset.prefetch(2).with_options(options)


def eval_dataset(source: Source, *, batch: int, worker: int = 0, workers: int = 1):
    """This worker's share of ``source`` in order, in batches of ``batch`` (last one may be short)."""
    import tensorflow as tf

    dataset = tf.data.Dataset.range(source.count).shard(workers, worker).batch(batch)
    return dataset.map(_reader(source)).prefetch(2)
