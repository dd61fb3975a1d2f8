"""Image classifiers for ``mstool train``: ResNet-18/34/50 v1.5, MobileNetV2, a small CNN, an MLP.

All are channels-last Keras models taking ``(H, W, C)`` images and returning float32 logits.
"""

from __future__ import annotations

MODEL_NAMES = ("small_cnn", "mlp", "resnet18", "resnet34", "resnet50", "mobilenet_v2")


def build_model(name: str, input_shape: tuple[int, int, int], classes: int, width: float | None = None):
    """Build a model by name; ``width`` is the base width (ResNet, small CNN, MLP) or alpha (MobileNetV2).

    >>> build_model("mlp", (8, 8, 1), 3, width=4).output.shape
    (None, 3)
    """
    from mstool.toolkit.train.models.mobilenet import build_mobilenet_v2
    from mstool.toolkit.train.models.resnet import STAGES, build_resnet
    from mstool.toolkit.train.models.small import build_mlp, build_small_cnn

    if name in STAGES:
        return build_resnet(name, input_shape, classes, width=int(width or 64))
    if name == "mobilenet_v2":
        return build_mobilenet_v2(input_shape, classes, alpha=float(width or 1.0))
    if name == "small_cnn":
        return build_small_cnn(input_shape, classes, width=int(width or 32))
    if name == "mlp":
        return build_mlp(input_shape, classes, width=int(width or 128))
    raise ValueError(f"unknown model '{name}'; choose one of {', '.join(MODEL_NAMES)}")
