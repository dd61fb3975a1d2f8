"""Build the zoo ONNX models offline: Keras applications with random weights, exported by tf2onnx.

BatchNorm statistics are calibrated with one training-mode pass on random images so the
activations stay in a realistic range. Output: benchmarks/convert/zoo/<name>.onnx (+ .io.npz
with the inputs and onnxruntime outputs). Run: .venv/bin/python benchmarks/convert/build_zoo.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ZOO = Path(__file__).resolve().parent / "zoo"
MODELS = {"keras_resnet50": "ResNet50", "keras_efficientnetb0": "EfficientNetB0", "keras_vgg16": "VGG16",
          "keras_densenet121": "DenseNet121", "keras_mobilenetv3small": "MobileNetV3Small"}


def build(name: str, application: str) -> None:
    import keras
    import numpy as np
    import onnxruntime as ort
    import tensorflow as tf
    import tf2onnx

    keras.utils.set_random_seed(0)
    model = getattr(keras.applications, application)(weights=None)
    images = np.random.default_rng(0).uniform(0, 255, (4, 224, 224, 3)).astype("float32")
    batch_norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    for layer in batch_norms:
        layer.momentum = 0.0  # one training-mode pass then sets the moving statistics to the batch ones
    model(images, training=True)
    spec = (tf.TensorSpec((1, 224, 224, 3), tf.float32, name="input"),)
    proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=17)
    path = ZOO / f"{name}.onnx"
    path.write_bytes(proto.SerializeToString())
    x = images[:1]
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"input": x}), strict=True))
    np.savez(ZOO / f"{name}.io.npz", in_input=x, **{f"out_{k}": v for k, v in outputs.items()})
    print(f"{path.name}: {len(proto.graph.node)} nodes, {path.stat().st_size / 1e6:.1f} MB")


def main() -> int:
    ZOO.mkdir(exist_ok=True)
    wanted = sys.argv[1:] or list(MODELS)
    for name in wanted:
        if not (ZOO / f"{name}.onnx").exists():
            build(name, MODELS[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
