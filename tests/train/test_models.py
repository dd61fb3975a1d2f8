"""Model shapes and parameter counts against the published architectures."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.toolkit.train.models import build_model


def _trainable(model) -> int:
    return int(sum(np.prod(v.shape) for v in model.trainable_weights))


@pytest.fixture(scope="module")
def resnet50():
    return build_model("resnet50", (224, 224, 3), 1000)


@pytest.mark.parametrize("name, expected", [
    # torchvision's parameter counts for the same ImageNet architectures
    ("resnet18", 11_689_512), ("resnet34", 21_797_672), ("mobilenet_v2", 3_504_872),
])
def test_imagenet_parameter_counts_match_reference(name, expected):
    model = build_model(name, (224, 224, 3), 1000)
    assert _trainable(model) == expected


def test_resnet50_v1_5_puts_the_stride_on_the_3x3(resnet50):
    model = resnet50
    assert _trainable(model) == 25_557_032  # torchvision resnet50
    first = model.get_layer("s2b1_a_conv")
    middle = model.get_layer("s2b1_b_conv")
    assert first.kernel_size == (1, 1) and first.strides == (1, 1)
    assert middle.kernel_size == (3, 3) and middle.strides == (2, 2)
    assert model.get_layer("s2b1_out").output.shape[1:3] == (28, 28)


@pytest.mark.parametrize("name", ["small_cnn", "mlp", "resnet18", "mobilenet_v2"])
def test_small_inputs_keep_classes_and_channels_last(name):
    model = build_model(name, (28, 28, 1), 7, width=8 if name != "mobilenet_v2" else 0.35)
    out = model(np.zeros((2, 28, 28, 1), np.float32))
    assert out.shape == (2, 7) and np.asarray(out).dtype == np.float32
