"""convert_onnx returns a frozen ConversionReport whose to_dict() (less ``output``) is report.json."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import REPO_ROOT

pytest.importorskip("onnx")
pytest.importorskip("tensorflow")


def test_report_json_is_the_record_in_field_order(tmp_path):
    from mstool.toolkit.convert import convert_onnx
    from mstool.toolkit.convert.report import ConversionReport

    report = convert_onnx(REPO_ROOT / "recipes/data/convert/tiny_cnn.onnx", tmp_path / "out", verify=False)
    assert isinstance(report, ConversionReport) and report.status == "ok"
    written = json.loads((tmp_path / "out" / "report.json").read_text())
    expected = {k: v for k, v in report.to_dict().items() if k != "output"}
    assert list(written) == list(expected) and written == json.loads(json.dumps(expected, default=str))
    assert report.model_py_lines > 0 and report.verification is None
    assert report.output == str(tmp_path / "out")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.status = "mismatch"
