"""Write the foundation demo's inputs: a tiny ONNX model and a ``sample`` artifact."""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from mstool.schemas.sample import SampleMeta
from mstool.toolkit.io import write_artifact


def tiny_onnx(path: Path) -> None:
    rng = np.random.default_rng(0)
    weight = numpy_helper.from_array(rng.standard_normal((4, 3)).astype(np.float32), "W")
    bias = numpy_helper.from_array(np.zeros(3, np.float32), "b")
    graph = helper.make_graph(
        [
            helper.make_node("Gemm", ["x", "W", "b"], ["h"], name="dense"),
            helper.make_node("Relu", ["h"], ["y"], name="relu"),
        ],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        [weight, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def sample_artifact(path: Path) -> None:
    rng = np.random.default_rng(0)
    with write_artifact(path, SampleMeta(description="demo noise", datasets=["noise"])) as art:
        art.h5.create_dataset("noise", data=rng.standard_normal((8, 16)), chunks=(1, 16))


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tiny_onnx(out / "tiny.onnx")
    sample_artifact(out / "sample.h5")
