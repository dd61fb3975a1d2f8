"""Fuzz the ONNX loader and converter: mutated models load and convert, or raise InputError."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnx
from hypothesis import given
from onnx import helper

from mstool.toolkit.convert import convert_onnx
from mstool.toolkit.convert.loader import load_onnx
from tests.convert.helpers import const, make_model
from tests.convert.test_cli import small_model
from tests.fuzz.budget import FUZZ, Outcomes
from tests.fuzz.mutate import mutated

OUTCOMES = Outcomes("ONNX")
WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-onnx-"))
F = np.float32


def _seed_models() -> list[bytes]:
    pads = const("pads", np.array([0, 1, 0, 1], np.int64))
    nodes = [helper.make_node("Pad", ["x", "pads"], ["p"], mode="reflect", name="pad/1"),
             helper.make_node("Einsum", ["p", "w"], ["y"], equation="ij,jk->ik", name="einsum")]
    einsum = make_model(nodes, [("x", F, [2, 3])], [("y", F, [2, 2])],
                        [pads, const("w", np.ones((5, 2), F))])
    return [small_model(WORKDIR / "net.onnx").read_bytes(), einsum.SerializeToString()]


SEEDS = _seed_models()


def load_and_convert(blob: bytes) -> dict | None:
    path = WORKDIR / "m.onnx"
    path.write_bytes(blob)
    load_onnx(path)
    out = WORKDIR / "out"
    shutil.rmtree(out, ignore_errors=True)
    return convert_onnx(path, out, verify=False)


@FUZZ
@given(blob=mutated(SEEDS, max_edits=3))
def test_onnx_loads_and_converts_or_raises_input_error(blob):
    report = OUTCOMES.run(load_and_convert, blob)
    if report is not None:
        assert report.status in ("ok", "unconverted")
        if report.status == "ok":
            assert (WORKDIR / "out" / "model.py").is_file()


def test_seeds_are_valid_models():
    for blob in SEEDS:
        onnx.checker.check_model(onnx.load_from_string(blob))
