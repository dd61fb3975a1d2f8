"""The Python API example in docs/audit.md runs as written."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.slow  # TensorFlow tracing of several attacks and a short training: ~10-30 s
def test_python_api_example_in_the_docs_runs(monkeypatch):
    text = (REPO_ROOT / "docs" / "audit.md").read_text()
    section = text.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(REPO_ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/audit.md", "exec"), {"__name__": "docs_example"})  # noqa: S102
    printed = out.getvalue()
    values = {line.split(":")[0]: line for line in printed.splitlines() if ":" in line}
    assert {"accuracy under PGD", "robust accuracy", "bit depth 2", "hardened"} <= set(values)
