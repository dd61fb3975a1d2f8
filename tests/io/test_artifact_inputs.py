"""Hostile HDF5 inputs: odd attributes, missing or dangling datasets, external links, virtual sources."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from mstool.schemas.images import ImagesMeta
from mstool.toolkit.errors import InputError
from mstool.toolkit.io import open_artifact, read_artifact, write_artifact
from tests.conftest import run_cli


def images_artifact(path, count=4, shape=(3, 4, 4), labels=True, **meta):
    info = ImagesMeta(count=count, height=shape[1], width=shape[2], channels=shape[0], **meta)
    with write_artifact(path, info) as art:
        art.h5.create_dataset("images", data=np.zeros((count, *shape), np.float32))
        if labels:
            art.h5.create_dataset("labels", data=np.arange(count) % 2)
    return path


def edit(path, fn):
    with h5py.File(path, "a") as h5:
        fn(h5)
    return path


def test_schema_version_as_text(tmp_path):
    path = images_artifact(tmp_path / "a.h5")
    edit(path, lambda h5: h5.attrs.__setitem__("mstool_schema_version", "one"))
    with pytest.raises(InputError, match="mstool_schema_version is 'one', expected an integer"):
        read_artifact(path, "images")
    edit(path, lambda h5: h5.attrs.__setitem__("mstool_schema_version", "1"))
    assert read_artifact(path, "images").schema_version == 1


@pytest.mark.parametrize(("attr", "value", "message"), [
    ("mstool_kind", np.arange(3), "mstool_kind must be a string"),
    ("mstool_meta", np.arange(3), "mstool_meta must be a JSON string"),
    ("mstool_meta", "[" * 100_000, "nested too deeply|not valid JSON"),
])
def test_odd_attributes(tmp_path, attr, value, message):
    path = edit(images_artifact(tmp_path / "a.h5"), lambda h5: h5.attrs.__setitem__(attr, value))
    with pytest.raises(InputError, match=message):
        read_artifact(path)


def test_missing_images_dataset(tmp_path):
    path = edit(images_artifact(tmp_path / "a.h5"), lambda h5: h5.__delitem__("images"))
    with pytest.raises(InputError, match="no 'images' dataset"):
        with open_artifact(path, "images"):
            pass
    assert read_artifact(path).kind == "images"  # inspect still describes it


def test_dangling_link_named(tmp_path):
    def dangle(h5):
        del h5["labels"]
        h5["labels"] = h5py.SoftLink("/nowhere")

    path = edit(images_artifact(tmp_path / "a.h5"), dangle)
    with pytest.raises(InputError, match="'/labels' is a dangling link") as err:
        read_artifact(path)
    assert err.value.where == str(path)


def test_external_link_refused(tmp_path):
    other = images_artifact(tmp_path / "other.h5")
    path = edit(images_artifact(tmp_path / "a.h5"),
                lambda h5: h5.__setitem__("extra", h5py.ExternalLink(str(other), "/images")))
    with pytest.raises(InputError, match="'/extra' is an external link"):
        read_artifact(path)


def _virtual(path, source_name, count=4):
    layout = h5py.VirtualLayout(shape=(count, 3, 4, 4), dtype=np.float32)
    layout[:] = h5py.VirtualSource(source_name, "images", shape=(count, 3, 4, 4))

    def swap(h5):
        del h5["images"]
        h5.create_virtual_dataset("images", layout, fillvalue=0)

    return edit(path, swap)


def test_virtual_dataset_sources(tmp_path):
    images_artifact(tmp_path / "shard.h5")
    relative = _virtual(images_artifact(tmp_path / "rel.h5"), "shard.h5")
    with open_artifact(relative, "images") as (h5, _):
        assert h5["images"].shape == (4, 3, 4, 4)
    absolute = _virtual(images_artifact(tmp_path / "abs.h5"), str(tmp_path / "shard.h5"))
    with pytest.raises(InputError, match="dataset ./images. is virtual and maps .*an absolute path"):
        read_artifact(absolute)
    missing = _virtual(images_artifact(tmp_path / "gone.h5"), "gone_shard.h5")
    with pytest.raises(InputError, match="maps gone_shard.h5:images: the source file is missing"):
        read_artifact(missing)


def test_dataset_shape_must_match_metadata(tmp_path):
    path = images_artifact(tmp_path / "a.h5", count=4)
    edit(path, lambda h5: h5.attrs.__setitem__("mstool_meta", ImagesMeta(
        count=9, height=4, width=4, channels=3).model_dump_json()))
    with pytest.raises(InputError, match=r"dataset 'images' has shape \(4, 3, 4, 4\); the metadata says"):
        with open_artifact(path, "images"):
            pass


def test_merge_checks_shapes_against_metadata(tmp_path):
    good = images_artifact(tmp_path / "s0.h5", shard="0/2")
    bad = images_artifact(tmp_path / "s1.h5", shard="1/2")

    def lie(h5):
        meta = ImagesMeta.model_validate_json(h5.attrs["mstool_meta"])
        h5.attrs["mstool_meta"] = meta.model_copy(update={"count": 40}).model_dump_json()

    edit(bad, lie)
    result = run_cli("preprocess", "merge", good, bad, "-o", tmp_path / "all.h5")
    assert result.exit_code == 2 and "s1.h5" in result.stderr and "metadata says" in result.stderr
    assert not (tmp_path / "all.h5").exists()


def test_train_on_wrong_rank_images_exit_2(tmp_path):
    path = tmp_path / "flat.h5"
    meta = ImagesMeta(count=4, height=8, width=8, channels=1, layout="HWC")
    with write_artifact(path, meta) as art:
        art.h5.create_dataset("images", data=np.zeros((4, 64), np.float32))
        art.h5.create_dataset("labels", data=np.array([0, 1, 0, 1]))
    result = run_cli("train", "--data", path, "-o", tmp_path / "run")
    assert result.exit_code == 2
    assert "flat.h5" in result.stderr and "shape (4, 64)" in result.stderr
    assert "Traceback" not in result.stderr


def test_self_referencing_virtual_dataset_refused(tmp_path):
    # libhdf5 recurses until it crashes when a virtual dataset maps itself
    path = _virtual(images_artifact(tmp_path / "self.h5"), ".")
    with pytest.raises(InputError, match="maps .:images, which is not a plain dataset in this file"):
        read_artifact(path)
    same = _virtual(images_artifact(tmp_path / "same.h5"), "same.h5")
    with pytest.raises(InputError, match="not a plain dataset in this file"):
        read_artifact(same)


def test_non_finite_metadata_refused(tmp_path):
    def nan_range(h5):
        meta = json.loads(h5.attrs["mstool_meta"])
        meta["value_range"] = [0.0, float("nan")]
        h5.attrs["mstool_meta"] = json.dumps(meta)

    path = edit(images_artifact(tmp_path / "a.h5"), nan_range)
    with pytest.raises(InputError, match="field value_range.1: Input should be a finite number"):
        read_artifact(path, "images")
