"""Final model files: ``.keras``, ``.weights.h5`` and ONNX (via tf2onnx), checked against Keras.

Exports go through a float32 copy of the model built outside any strategy, so the
files are plain single-device models whatever precision and distribution trained them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mstool.toolkit.io import atomic_write_path


def float32_copy(model, name: str, input_shape: tuple[int, int, int], classes: int, width: float | None):
    """The same architecture in float32 with the trained values copied in."""
    import keras

    from mstool.toolkit.train.models import build_model

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        clone = build_model(name, tuple(input_shape), classes, width)
    finally:
        keras.config.set_dtype_policy(previous)
    clone.set_weights([np.asarray(v.numpy()) for v in model.weights])
    return clone


def save_keras(model, stem: Path) -> dict[str, str]:
    """``stem.keras`` (architecture + weights) and ``stem.weights.h5``, each written atomically."""
    paths = {}
    for key, suffix in (("keras", ".keras"), ("weights", ".weights.h5")):
        target = stem.with_name(stem.name + suffix)
        with atomic_write_path(target, suffix=suffix) as tmp:  # Keras insists on the suffix
            (model.save if key == "keras" else model.save_weights)(tmp)
        paths[key] = str(target)
    return paths


def export_onnx(model, path: Path, sample: np.ndarray, opset: int = 17) -> float:
    """Convert with tf2onnx and return the max |ONNX - Keras| logit difference on ``sample``."""
    import onnxruntime
    import tensorflow as tf
    import tf2onnx

    spec = [tf.TensorSpec([None, *model.input_shape[1:]], tf.float32, name="images")]
    function = tf.function(lambda images: model(images, training=False))
    proto, _ = tf2onnx.convert.from_function(function, input_signature=spec, opset=opset)
    with atomic_write_path(path) as tmp:
        tmp.write_bytes(proto.SerializeToString())
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    onnx_out = session.run(None, {session.get_inputs()[0].name: sample.astype(np.float32)})[0]
    keras_out = model(sample, training=False).numpy()
    return float(np.max(np.abs(onnx_out - keras_out)))
