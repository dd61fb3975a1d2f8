"""The same ResNet v1.5 topology as mstool's Keras models, in PyTorch, for the DDP anchor.

Inputs under 96 pixels use the 3x3 stride-1 stem without max pooling, as mstool does.
"""

from __future__ import annotations

import torch
from torch import nn

STAGES = {"resnet18": ("basic", (2, 2, 2, 2)), "resnet50": ("bottleneck", (3, 4, 6, 3))}


def _conv_bn(cin, cout, kernel, stride, relu=True):
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False),
              nn.BatchNorm2d(cout, momentum=0.1, eps=1e-5)]
    return nn.Sequential(*layers, nn.ReLU(inplace=True)) if relu else nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self, kind, cin, width, stride):
        super().__init__()
        cout = width if kind == "basic" else 4 * width
        if kind == "basic":
            self.body = nn.Sequential(_conv_bn(cin, width, 3, stride),
                                      _conv_bn(width, width, 3, 1, relu=False))
        else:
            self.body = nn.Sequential(_conv_bn(cin, width, 1, 1), _conv_bn(width, width, 3, stride),
                                      _conv_bn(width, cout, 1, 1, relu=False))
        self.shortcut = (nn.Identity() if stride == 1 and cin == cout
                         else _conv_bn(cin, cout, 1, stride, relu=False))
        self.out_channels = cout

    def forward(self, x):
        return torch.relu(self.shortcut(x) + self.body(x))


def build(name: str, size: int, classes: int, width: int = 64) -> nn.Module:
    kind, repeats = STAGES[name]
    if size >= 96:
        stem = nn.Sequential(_conv_bn(3, width, 7, 2), nn.MaxPool2d(3, 2, 1))
    else:
        stem = _conv_bn(3, width, 3, 1)
    blocks, cin = [], width
    for stage, count in enumerate(repeats):
        for index in range(count):
            block = Block(kind, cin, width * 2**stage, 2 if index == 0 and stage > 0 else 1)
            blocks.append(block)
            cin = block.out_channels
    return nn.Sequential(stem, *blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes))
