"""Shared zoo models (exported by torch, torch dynamo, tf2onnx, transformers): one conversion each,
run at both stored shapes against the stored onnxruntime outputs.

A sample that covers each kind of dynamic shape code; the whole zoo is
``benchmarks/convert/zoo_dynamic.py``. Skips cleanly when the shared data is absent.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import shared_data

SAMPLE = [
    "hf_bert",  # batch and sequence: masks, position ids, head reshapes
    "hf_gpt2",  # [batch*seq, C] -> [batch, seq, C]: several dynamic dims in one reshape
    "tv_vit",  # Expand of the class token over the batch
    "tf_efficientnetv2b0",  # tf2onnx, dynamic batch, Rescaling: outputs in the hundreds
    "hf_whisper_encoder",  # strided Conv1D with explicit pads
]


def within_tolerance(got: np.ndarray, want: np.ndarray) -> bool:
    """The issue's bar: max abs error <= 1e-4, or relative <= 1e-3 for outputs above 10."""
    error = float(np.abs(got.astype(np.float64) - want).max())
    scale = float(np.abs(want).max())
    return error <= 1e-4 or scale > 10 and error / scale <= 1e-3


@pytest.mark.parametrize("name", SAMPLE)
def test_zoo_model_matches_onnxruntime_at_both_shapes(name):
    from mstool.toolkit.convert import onnx_to_keras_model

    folder = shared_data("convert_zoo")
    path = folder / f"{name}.onnx"
    if not path.exists():
        pytest.skip(f"{path} not in the shared zoo")
    io = np.load(folder / f"{name}.io.npz")
    model = onnx_to_keras_model(str(path))
    inputs = [t.name for t in model.inputs]
    assert all(tuple(t.shape)[0] is None for t in model.inputs)  # the batch stays dynamic
    for prefix in ("", "b3_"):
        feeds = [io[f"{prefix}in_{n}"] for n in inputs]
        got = model(feeds[0] if len(feeds) == 1 else feeds)
        got = got if isinstance(got, list | tuple) else [got]
        for output, value in zip(model.output_names, got, strict=True):
            want = io[f"{prefix}out_{output}"]
            assert np.asarray(value).shape == want.shape, (prefix, output)
            assert within_tolerance(np.asarray(value), want), (prefix, output)
