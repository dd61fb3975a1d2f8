"""Fuzz tests: each module declares ``OUTCOMES`` and gets its report written at the end."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def fuzz_report(request):
    yield
    outcomes = getattr(request.module, "OUTCOMES", None)
    if outcomes is not None:
        outcomes.write_report()
