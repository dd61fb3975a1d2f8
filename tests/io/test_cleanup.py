"""Leftovers of dead runs: a process that has exited but is not yet reaped counts as dead."""

from __future__ import annotations

import os
import sys
import time

import pytest

from mstool.toolkit.io.atomic import remove_stale_temps
from mstool.toolkit.io.cleanup import pid_alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_zombies_temp_file_is_removed(tmp_path):
    pid = os.fork()
    if pid == 0:  # the child exits at once; the parent does not wait for it yet
        os._exit(0)
    try:
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not pid_alive(pid)
        leftover = tmp_path / f"out.h5.tmp-{pid}-abcd"
        leftover.write_bytes(b"partial")
        mine = tmp_path / f"out.h5.tmp-{os.getpid()}-efgh"
        mine.write_bytes(b"in progress")
        assert remove_stale_temps(tmp_path / "out.h5") == [leftover]
        assert mine.exists()
    finally:
        os.waitpid(pid, 0)
