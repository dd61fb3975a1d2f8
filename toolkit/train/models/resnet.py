"""ResNet-18/34/50 v1.5 (stride on the 3x3 convolution of a bottleneck), channels-last.

Inputs smaller than 96 pixels get a 3x3 stride-1 stem without max pooling, so an
8x8 or 28x28 image is not reduced to a single pixel before the first stage.
"""

from __future__ import annotations

import keras
from keras import layers

from mstool.toolkit.train.models.layers import batch_norm

STAGES = {
    "resnet18": ("basic", (2, 2, 2, 2)),
    "resnet34": ("basic", (3, 4, 6, 3)),
    "resnet50": ("bottleneck", (3, 4, 6, 3)),
}
_BN = {"momentum": 0.9, "epsilon": 1e-5}


def _conv_bn(x, filters: int, kernel: int, stride: int, name: str, relu: bool = True):
    x = layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False,
                      kernel_initializer="he_normal", name=f"{name}_conv")(x)
    x = batch_norm(f"{name}_bn", **_BN)(x)
    return layers.ReLU(name=f"{name}_relu")(x) if relu else x


def _shortcut(x, filters: int, stride: int, name: str):
    if stride == 1 and x.shape[-1] == filters:
        return x
    return _conv_bn(x, filters, 1, stride, f"{name}_proj", relu=False)


def basic_block(x, filters: int, stride: int, name: str):
    """Two 3x3 convolutions; the first carries the stride."""
    shortcut = _shortcut(x, filters, stride, name)
    y = _conv_bn(x, filters, 3, stride, f"{name}_a")
    y = _conv_bn(y, filters, 3, 1, f"{name}_b", relu=False)
    return layers.ReLU(name=f"{name}_out")(layers.Add(name=f"{name}_add")([shortcut, y]))


def bottleneck_block(x, filters: int, stride: int, name: str):
    """1x1 reduce, 3x3 with the stride (v1.5), 1x1 expand by 4."""
    shortcut = _shortcut(x, 4 * filters, stride, name)
    y = _conv_bn(x, filters, 1, 1, f"{name}_a")
    y = _conv_bn(y, filters, 3, stride, f"{name}_b")
    y = _conv_bn(y, 4 * filters, 1, 1, f"{name}_c", relu=False)
    return layers.ReLU(name=f"{name}_out")(layers.Add(name=f"{name}_add")([shortcut, y]))


def build_resnet(depth_name: str, input_shape: tuple[int, int, int], classes: int,
                 width: int = 64) -> keras.Model:
    """A ResNet v1.5 classifier returning float32 logits.

    >>> build_resnet("resnet18", (32, 32, 3), 10, width=8).output.shape
    (None, 10)
    """
    kind, repeats = STAGES[depth_name]
    block = basic_block if kind == "basic" else bottleneck_block
    inputs = keras.Input(shape=input_shape, name="images")
    if min(input_shape[:2]) >= 96:
        x = _conv_bn(inputs, width, 7, 2, "stem")
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    else:
        x = _conv_bn(inputs, width, 3, 1, "stem")
    for stage, count in enumerate(repeats):
        for index in range(count):
            stride = 2 if index == 0 and stage > 0 else 1
            x = block(x, width * 2**stage, stride, f"s{stage + 1}b{index + 1}")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name=depth_name)
