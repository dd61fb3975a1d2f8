"""Hostile ONNX files: code in every string field must stay data in ``mstool convert`` and model.py.

Each case is converted once with and once without verification (the builder runs every
statement, verification imports model.py); then one subprocess imports every model.py written.
A payload that ran would create ``PWNED`` in the working folder or print ``INJECTED``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper

from tests.conftest import run_cli
from tests.convert.helpers import const, make_model

F = np.float32
# Closes a double-quoted literal, a single-quoted one, a docstring, a line; rich markup too.
PAYLOADS = {
    "double": 'x",x),open("PWNED","w").write("p"),print("INJECTED")#',
    "single": "x'),open('PWNED','w').write('p'),print('INJECTED')#",
    "docstring": 'x"""\nopen("PWNED","w").write("p")\nprint("INJECTED")\n"""',
    "line": 'x\\\n__import__("os").system("echo INJECTED > PWNED") #[/bold]',
}
EINSUM_PAYLOAD = 'ij->ij",x),open("PWNED","w").write("p"),print("INJECTED")#'


def _chain(names: dict[str, str], node_name: str = "relu", **node_fields) -> onnx.ModelProto:
    """x -> Relu -> Add(bias) -> y, with the tensor names given."""
    nodes = [helper.make_node("Relu", [names["x"]], [names["mid"]], name=node_name, **node_fields),
             helper.make_node("Add", [names["mid"], names["bias"]], [names["y"]], name=node_name + "2")]
    bias = const(names["bias"], np.arange(6, dtype=F).reshape(2, 3))
    return make_model(nodes, [(names["x"], F, [2, 3])], [(names["y"], F, [2, 3])], [bias])


def _single(op: str, attrs: dict, inputs: list[tuple[str, np.ndarray]] = (), shape=(1, 2, 4, 4),
            opset: int = 17, out_shape=(1, 2, 4, 4)) -> onnx.ModelProto:
    consts = [const(name, value) for name, value in inputs]
    node = helper.make_node(op, ["x", *[c.name for c in consts]], ["y"], name="n", **attrs)
    model = make_model([node], [("x", F, list(shape))], [("y", F, list(out_shape))], consts, opset=opset)
    return model


PLAIN = {"x": "x", "mid": "mid", "bias": "bias", "y": "y"}


def hostile_models(payload: str) -> dict[str, onnx.ModelProto]:
    """One model per string field, each carrying ``payload`` there."""
    cases = {
        "tensor_names": _chain({"x": payload + "in", "mid": payload + "mid", "bias": payload + "w",
                                "y": payload + "out"}),
        "node_name": _chain(PLAIN, node_name=payload),
        "node_doc_string": _chain(PLAIN, doc_string=payload),
    }
    model = _chain(PLAIN)
    model.graph.name = payload
    model.graph.doc_string = payload
    model.doc_string = payload
    model.producer_name, model.producer_version, model.domain = payload, payload, "x"
    onnx.helper.set_model_props(model, {payload: payload, "k": payload})
    cases["graph_and_model_fields"] = model
    model = _chain(PLAIN)
    model.graph.value_info.append(helper.make_tensor_value_info(payload, onnx.TensorProto.FLOAT, [2, 3]))
    model.graph.value_info.append(helper.make_tensor_value_info("mid", onnx.TensorProto.FLOAT, [2, 3]))
    cases["value_info"] = model
    model = _chain(PLAIN)
    words = onnx.numpy_helper.from_array(np.array([payload], dtype=object), "words")
    model.graph.initializer.append(words)
    cases["string_initializer"] = model
    model = _chain(PLAIN)
    model.graph.node.insert(0, helper.make_node("Constant", [], ["text"], value=words))
    cases["string_constant"] = model
    pads = np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)
    cases["pad_mode"] = _single("Pad", {"mode": payload}, [("pads", pads)], out_shape=(1, 2, 6, 6))
    scales = np.array([1, 1, 2, 2], F)
    roi = np.zeros(0, F)
    for field in ("mode", "coordinate_transformation_mode", "nearest_mode"):
        cases[f"resize_{field}"] = _single("Resize", {field: payload}, [("roi", roi), ("scales", scales)],
                                           out_shape=(1, 2, 8, 8))
    weights = np.ones((2, 2, 3, 3), F)
    cases["conv_auto_pad"] = _single("Conv", {"auto_pad": payload}, [("w", weights)])
    cases["pool_auto_pad"] = _single("AveragePool", {"auto_pad": payload, "kernel_shape": [2, 2]},
                                     out_shape=(1, 2, 3, 3))
    cases["depth_to_space_mode"] = _single("DepthToSpace", {"mode": payload, "blocksize": 2},
                                           shape=(1, 4, 2, 2), out_shape=(1, 1, 4, 4))
    cases["gelu_approximate"] = _single("Gelu", {"approximate": payload}, opset=20)
    return cases


def all_cases() -> dict[str, onnx.ModelProto]:
    cases = {}
    for label, payload in PAYLOADS.items():
        cases.update({f"{label}-{field}": model for field, model in hostile_models(payload).items()})
    einsum = helper.make_node("Einsum", ["x"], ["y"], name="e", equation=EINSUM_PAYLOAD)
    cases["einsum_equation"] = make_model([einsum], [("x", F, [2, 3])], [("y", F, [2, 3])], opset=17)
    return cases


FILE_NAMES = {"file_name_docstring": 'm"""+open("PWNED","w").write("p")+"""x.onnx',
              "file_name_newline": 'm\nopen("PWNED","w").write("p")\n#.onnx'}


def printed_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


@pytest.fixture(scope="module")
def conversions(tmp_path_factory):
    """Every hostile case converted with and without verification, in a folder of its own as cwd."""
    root = tmp_path_factory.mktemp("hostile")
    results = {}
    sources = {name: (model, "model.onnx") for name, model in all_cases().items()}
    sources.update({name: (_chain(PLAIN), file_name) for name, file_name in FILE_NAMES.items()})
    here = os.getcwd()
    try:
        for name, (model, file_name) in sources.items():
            for verify in ("--verify", "--no-verify"):
                work = root / f"{name}{verify}"
                work.mkdir()
                os.chdir(work)
                onnx.save(model, work / file_name)
                result = run_cli("convert", file_name, "-o", 'out"""dir', verify)
                results[(name, verify)] = (work, result)
    finally:
        os.chdir(here)
    return results


CASE_NAMES = sorted([*all_cases(), *FILE_NAMES])


@pytest.mark.parametrize("name", CASE_NAMES)
@pytest.mark.parametrize("verify", ["--verify", "--no-verify"])
def test_hostile_field_runs_no_code(conversions, name, verify):
    work, result = conversions[(name, verify)]
    assert not (work / "PWNED").exists()
    assert "INJECTED" not in printed_lines(result.stdout + result.stderr)  # the names may contain it
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and "error:" in result.stderr
        assert not (work / 'out"""dir').exists()
    else:
        assert (work / 'out"""dir' / "model.py").is_file()
        report = (work / 'out"""dir' / "report.md").read_text()
        # Model text stays inside its table cell or heading: no line of it starts a line of its own.
        assert all(line[:1] in "|#-" for line in report.splitlines() if "PWNED" in line)


def test_einsum_payload_is_refused_with_the_grammar(conversions):
    _, result = conversions[("einsum_equation", "--no-verify")]
    assert result.exit_code == 2 and "Einsum equation" in result.stderr


@pytest.mark.parametrize("name", ["double-tensor_names", "docstring-node_name", "file_name_docstring",
                                  "line-graph_and_model_fields"])
def test_hostile_names_still_convert(conversions, name):
    _, result = conversions[(name, "--verify")]
    assert result.exit_code == 0, result.stderr


def test_generated_model_files_import_without_running_model_text(conversions, tmp_path):
    folders = [str(work / 'out"""dir') for work, result in conversions.values() if result.exit_code == 0]
    assert len(folders) >= 20
    script = ("import importlib.util, sys\n"
              "for i, folder in enumerate(sys.argv[1:]):\n"
              "    spec = importlib.util.spec_from_file_location(f'm{i}', folder + '/model.py')\n"
              "    module = importlib.util.module_from_spec(spec)\n"
              "    spec.loader.exec_module(module)\n"
              "    module.build_model().load_weights(folder + '/model.weights.h5')\n"
              "print('imported', len(sys.argv) - 1)\n")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", script, *folders], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"imported {len(folders)}" in done.stdout
    assert "INJECTED" not in done.stdout + done.stderr
    assert not (tmp_path / "PWNED").exists()
    assert not Path("PWNED").exists()
