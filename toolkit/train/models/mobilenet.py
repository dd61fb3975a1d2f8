"""MobileNetV2 (inverted residuals with linear bottlenecks), channels-last.

Inputs smaller than 96 pixels keep the stem at stride 1.
"""

from __future__ import annotations

import keras
from keras import layers

from mstool.toolkit.train.models.layers import batch_norm

# expansion t, output channels c, repeats n, first stride s (Sandler et al., table 2)
BLOCKS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
          (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
_BN = {"momentum": 0.9, "epsilon": 1e-3}


def _make_divisible(value: float, divisor: int = 8) -> int:
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _inverted_residual(x, expansion: int, filters: int, stride: int, name: str):
    channels = x.shape[-1]
    y = x
    if expansion != 1:
        y = layers.Conv2D(channels * expansion, 1, use_bias=False, name=f"{name}_expand")(y)
        y = batch_norm(f"{name}_expand_bn", **_BN)(y)
        y = layers.ReLU(6.0, name=f"{name}_expand_relu")(y)
    y = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False, name=f"{name}_dw")(y)
    y = batch_norm(f"{name}_dw_bn", **_BN)(y)
    y = layers.ReLU(6.0, name=f"{name}_dw_relu")(y)
    y = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_project")(y)
    y = batch_norm(f"{name}_project_bn", **_BN)(y)
    if stride == 1 and channels == filters:
        y = layers.Add(name=f"{name}_add")([x, y])
    return y


def build_mobilenet_v2(input_shape: tuple[int, int, int], classes: int, alpha: float = 1.0) -> keras.Model:
    """A MobileNetV2 classifier returning float32 logits; ``alpha`` scales the widths.

    >>> build_mobilenet_v2((32, 32, 3), 5, alpha=0.35).output.shape
    (None, 5)
    """
    inputs = keras.Input(shape=input_shape, name="images")
    stem_stride = 2 if min(input_shape[:2]) >= 96 else 1
    x = layers.Conv2D(_make_divisible(32 * alpha), 3, strides=stem_stride, padding="same",
                      use_bias=False, name="stem_conv")(inputs)
    x = batch_norm("stem_bn", **_BN)(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    for group, (expansion, channels, repeats, stride) in enumerate(BLOCKS):
        for index in range(repeats):
            x = _inverted_residual(x, expansion, _make_divisible(channels * alpha),
                                   stride if index == 0 else 1, f"g{group + 1}b{index + 1}")
    last = _make_divisible(1280 * max(alpha, 1.0))
    x = layers.Conv2D(last, 1, use_bias=False, name="head_conv")(x)
    x = batch_norm("head_bn", **_BN)(x)
    x = layers.ReLU(6.0, name="head_relu")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, outputs, name="mobilenet_v2")
