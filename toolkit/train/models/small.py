"""Quick models: a small CNN and an MLP, without batch normalization.

Having no cross-example statistics, they give identical gradients whether a
batch is split across replicas or not, which the distribution tests rely on.
"""

from __future__ import annotations

import keras
from keras import layers


def build_small_cnn(input_shape: tuple[int, int, int], classes: int, width: int = 32) -> keras.Model:
    """Three 3x3 convolutions with pooling while the image is large enough, then two dense layers.

    >>> build_small_cnn((8, 8, 1), 10).output.shape
    (None, 10)
    """
    inputs = keras.Input(shape=input_shape, name="images")
    x = inputs
    for index, filters in enumerate((width, 2 * width, 2 * width)):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{index + 1}")(x)
        if index > 0 and min(x.shape[1:3]) >= 4:
            x = layers.MaxPooling2D(2, name=f"pool{index + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(4 * width, activation="relu", name="dense")(x)
    outputs = layers.Dense(classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="small_cnn")


def build_mlp(input_shape: tuple[int, int, int], classes: int, width: int = 128) -> keras.Model:
    """Flatten, two ReLU layers of ``width`` units, logits.

    >>> build_mlp((8, 8, 1), 10, width=16).count_params()
    1482
    """
    inputs = keras.Input(shape=input_shape, name="images")
    x = layers.Flatten(name="flatten")(inputs)
    x = layers.Dense(width, activation="relu", name="hidden1")(x)
    x = layers.Dense(width, activation="relu", name="hidden2")(x)
    outputs = layers.Dense(classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="mlp")
