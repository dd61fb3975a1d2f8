"""Artifacts: round trip, atomic writes, wrong kinds, newer schemas, corrupt files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from mstool.schemas.sample import SampleMeta
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import open_artifact, read_artifact, write_artifact
from mstool.toolkit.io.artifacts import META_ATTR, SCHEMA_ATTR
from tests.conftest import run_cli


def write_sample(path, values, description="t"):
    with write_artifact(path, SampleMeta(description=description, datasets=["x"])) as art:
        art.h5.create_dataset("x", data=values)


def test_round_trip(tmp_path):
    path = tmp_path / "a.h5"
    values = np.random.default_rng(1).standard_normal((5, 7))
    write_sample(path, values, "round trip")
    with open_artifact(path, kind="sample") as (h5, info):
        np.testing.assert_array_equal(h5["x"][...], values)
        assert info.meta == SampleMeta(description="round trip", datasets=["x"])
        assert info.schema_version == 1


def test_failure_inside_write_keeps_old_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "a.h5"
    write_sample(path, np.zeros(3), "old")
    with pytest.raises(RuntimeError):
        with write_artifact(path, SampleMeta(description="new")) as art:
            art.h5.create_dataset("x", data=np.ones(1000))
            raise RuntimeError("writer died")
    assert read_artifact(path).meta.description == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.h5"]


def test_killed_writer_leaves_previous_file(tmp_path):
    path = tmp_path / "a.h5"
    write_sample(path, np.zeros(3), "old")
    script = textwrap.dedent(
        f"""
        import os, signal, numpy as np
        from mstool.schemas.sample import SampleMeta
        from mstool.toolkit.io import write_artifact
        with write_artifact({str(path)!r}, SampleMeta(description="new")) as art:
            art.h5.create_dataset("x", data=np.ones(100000))
            art.h5.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert read_artifact(path).meta.description == "old"


def test_wrong_kind_is_named(tmp_path):
    path = tmp_path / "a.h5"
    write_sample(path, np.zeros(3))
    with pytest.raises(InputError, match="is a 'sample' artifact, expected 'trajectory'"):
        read_artifact(path, kind="trajectory")


def test_newer_schema_version_is_refused(tmp_path):
    path = tmp_path / "a.h5"
    write_sample(path, np.zeros(3))
    with h5py.File(path, "a") as h5:
        h5.attrs[SCHEMA_ATTR] = 99
    with pytest.raises(InputError, match="schema version 99 is newer"):
        read_artifact(path)
    result = run_cli("inspect", path)
    assert result.exit_code == 2 and "newer" in result.stderr


def test_invalid_metadata_names_the_field(tmp_path):
    path = tmp_path / "a.h5"
    write_sample(path, np.zeros(3))
    with h5py.File(path, "a") as h5:
        h5.attrs[META_ATTR] = json.dumps({"description": 5, "datasets": []})
    with pytest.raises(InputError, match="field description"):
        read_artifact(path)


def test_plain_hdf5_is_not_an_artifact(tmp_path):
    path = tmp_path / "plain.h5"
    with h5py.File(path, "w") as h5:
        h5["x"] = np.zeros(2)
    result = run_cli("inspect", path)
    assert result.exit_code == 2 and "not an mstool artifact" in result.stderr


def test_truncated_file_is_reported(tmp_path):
    path = tmp_path / "a.h5"
    write_sample(path, np.random.default_rng(0).standard_normal(50000))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    result = run_cli("inspect", path)
    assert result.exit_code == 2
    assert "truncated or corrupt" in result.stderr


def test_refuses_to_overwrite_when_asked(tmp_path):
    path = tmp_path / "a.h5"
    write_sample(path, np.zeros(3))
    with pytest.raises(InputError, match="--overwrite"):
        with write_artifact(path, SampleMeta(), overwrite=False):
            pass


def test_temp_names_carry_the_pid_and_are_unpredictable(tmp_path):
    from mstool.toolkit.io.atomic import create_temp

    first, second = create_temp(tmp_path / "x.h5"), create_temp(tmp_path / "x.h5")
    assert first != second
    assert first.name.startswith(f"x.h5.tmp-{os.getpid()}-")
