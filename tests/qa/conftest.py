"""Fixtures for qa tests: tiny random ONNX encoder/reader models and small indexes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO_ROOT

BUNDLED = REPO_ROOT / "recipes" / "data" / "qa"
VOCAB = 30522


def write_tiny_encoder(path: Path, dim: int = 8, seed: int = 0) -> np.ndarray:
    """An ONNX 'encoder' whose token states are rows of a random table; returns the table."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    table = np.random.default_rng(seed).normal(size=(VOCAB, dim)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"], axis=0)],
        "tiny_encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", dim])],
        initializer=[numpy_helper.from_array(table, "table")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return table


def write_tiny_reader(path: Path, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A SQuAD-style ONNX reader: start/end logits are per-token lookups in random tables."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    start, end = rng.normal(size=VOCAB).astype(np.float32), rng.normal(size=VOCAB).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["start_table", "input_ids"], ["start_logits"], axis=0),
         helper.make_node("Gather", ["end_table", "input_ids"], ["end_logits"], axis=0)],
        "tiny_reader",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "sequence"])],
        [helper.make_tensor_value_info("start_logits", TensorProto.FLOAT, [1, "sequence"]),
         helper.make_tensor_value_info("end_logits", TensorProto.FLOAT, [1, "sequence"])],
        initializer=[numpy_helper.from_array(start, "start_table"),
                     numpy_helper.from_array(end, "end_table")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return start, end


@pytest.fixture(scope="session")
def tiny_encoder_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("qa_models") / "tiny_encoder.onnx"
    write_tiny_encoder(path)
    return path


@pytest.fixture(scope="session")
def minilm():
    from mstool.toolkit.qa import Encoder

    return Encoder()


@pytest.fixture(scope="session")
def bundled_index(minilm):
    from mstool.toolkit.qa import build_index, read_corpus

    return build_index(read_corpus(BUNDLED / "corpus.jsonl"), minilm)


@pytest.fixture(scope="session")
def bundled_index_file(tmp_path_factory, bundled_index) -> Path:
    path = tmp_path_factory.mktemp("qa_index") / "bundled.qaidx.h5"
    bundled_index.save(path)
    return path
