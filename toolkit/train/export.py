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


def _frozen_proto(function, spec, opset: int):
    """tf2onnx on the graph with every captured tensor folded to a constant, input named ``images``.

    Used when a model captures plain tensors (a converted model's ``keras.ops`` constants):
    ``from_function`` would turn those into extra ONNX inputs nobody feeds.
    """
    import tf2onnx
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    from tensorflow.python.util import deprecation

    with deprecation.silence():  # TensorFlow's own calls of v1 helpers log deprecation notices
        frozen = convert_variables_to_constants_v2(function.get_concrete_function(*spec))
        proto, _ = tf2onnx.convert.from_graph_def(
            frozen.graph.as_graph_def(), input_names=[t.name for t in frozen.inputs],
            output_names=[t.name for t in frozen.outputs], opset=opset)
    old = proto.graph.input[0].name
    proto.graph.input[0].name = "images"
    for node in proto.graph.node:
        for position, name in enumerate(node.input):
            if name == old:
                node.input[position] = "images"
    return proto


def export_onnx(model, path: Path, sample: np.ndarray, opset: int = 17) -> float:
    """Convert with tf2onnx and return the max |ONNX - Keras| logit difference on ``sample``."""
    import onnxruntime
    import tensorflow as tf
    import tf2onnx

    spec = [tf.TensorSpec([None, *model.input_shape[1:]], tf.float32, name="images")]
    function = tf.function(lambda images: model(images, training=False))
    proto, _ = tf2onnx.convert.from_function(function, input_signature=spec, opset=opset)
    if len(proto.graph.input) > 1:
        proto = _frozen_proto(function, spec, opset)
    with atomic_write_path(path) as tmp:
        tmp.write_bytes(proto.SerializeToString())
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    onnx_out = session.run(None, {session.get_inputs()[0].name: sample.astype(np.float32)})[0]
    keras_out = model(sample, training=False).numpy()
    return float(np.max(np.abs(onnx_out - keras_out)))
