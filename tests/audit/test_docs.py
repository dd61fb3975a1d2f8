"""The Python API example in docs/audit.md runs as written (rules in tests/docs_examples.py)."""

from __future__ import annotations

import pytest

from tests.docs_examples import assert_prints, python_examples, run_example


@pytest.mark.slow  # TensorFlow tracing of several attacks and a short training: ~10-30 s
def test_python_api_example_in_the_docs_runs(tmp_path):
    example = [e for e in python_examples("docs/audit.md") if e.runs][-1]
    printed = run_example(example, tmp_path)
    assert_prints(example, printed)
    # the page shows no values (they move with TensorFlow's float rounding): check the labels
    labels = {line.split(":")[0] for line in printed.splitlines() if ":" in line}
    assert {"accuracy under PGD", "robust accuracy", "bit depth 2", "hardened"} <= labels


@pytest.mark.slow  # TensorFlow tracing of PGD, the detector and the adaptive attack: ~10-20 s
def test_detector_example_in_the_docs_runs(tmp_path):
    example = next(e for e in python_examples("docs/audit.md") if e.runs and "evaluate_detection" in e.code)
    printed = run_example(example, tmp_path)
    assert_prints(example, printed)
    assert [line.split(":")[0] for line in printed.splitlines()] == ["pgd", "adaptive pgd"]
