"""Fuzz HDF5 inputs: edited and byte-damaged ``images`` artifacts load or raise InputError.

Loaded artifacts are read the way ``train`` reads them (a batch of images and labels).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import h5py
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mstool.schemas.images import ImagesMeta
from mstool.toolkit.io import write_artifact
from mstool.toolkit.train.sources import load_artifact
from tests.fuzz.budget import FUZZ, Outcomes
from tests.fuzz.mutate import edit

OUTCOMES = Outcomes("HDF5 images artifact (open + train read)")
WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-hdf5-"))
TEMPLATE = WORKDIR / "template.h5"
SHARD = WORKDIR / "shard.h5"
ATTR_VALUES = st.one_of(st.text(st.characters(exclude_characters="\x00"), max_size=10),
                        st.integers(-3, 3), st.just("images"), st.just("1"),
                        st.just(np.arange(3)), st.just(1.5), st.just(b"\xff\xfe"))


def _write_template(path: Path) -> None:
    meta = ImagesMeta(count=4, height=4, width=4, channels=3, layout="CHW", class_names=["a", "b"])
    with write_artifact(path, meta) as art:
        art.h5.create_dataset("images", data=np.ones((4, 3, 4, 4), np.float32))
        art.h5.create_dataset("labels", data=np.array([0, 1, 0, 1]))
        art.h5.create_dataset("source", data=np.array(["a", "b", "c", "d"], dtype=h5py.string_dtype()))


_write_template(TEMPLATE)
_write_template(SHARD)
META = json.loads(h5py.File(TEMPLATE, "r").attrs["mstool_meta"])


def _edit_meta(draw, h5: h5py.File) -> None:
    meta = dict(META)
    key = draw(st.sampled_from(sorted(meta)))
    meta[key] = draw(st.one_of(st.integers(-2, 10**12), st.text(max_size=4), st.none(),
                               st.lists(st.integers(0, 3), max_size=4), st.floats()))
    h5.attrs["mstool_meta"] = json.dumps(meta)


def _drop(h5: h5py.File, name: str) -> None:
    if h5.get(name, getlink=True) is not None:
        del h5[name]


def _structural_edit(draw, h5: h5py.File) -> None:
    kind = draw(st.sampled_from(["attr", "meta", "delete", "soft", "external", "virtual", "reshape",
                                 "dtype", "group"]))
    name = draw(st.sampled_from(["images", "labels", "source"]))
    if kind == "attr":
        h5.attrs[draw(st.sampled_from(["mstool_kind", "mstool_schema_version", "mstool_meta"]))] = draw(
            ATTR_VALUES)
    elif kind == "meta":
        _edit_meta(draw, h5)
    elif kind == "delete":
        _drop(h5, name)
    elif kind == "soft":
        _drop(h5, name)
        h5[name] = h5py.SoftLink(draw(st.sampled_from(["/nowhere", "/images", "/labels", "/" + name])))
    elif kind == "external":
        _drop(h5, name)
        target = draw(st.sampled_from([str(SHARD), "shard.h5", "/etc/passwd"]))
        h5[name] = h5py.ExternalLink(target, "/" + name)
    elif kind == "virtual":
        source = draw(st.sampled_from(["shard.h5", str(SHARD), "missing.h5", "."]))
        layout = h5py.VirtualLayout(shape=(4, 3, 4, 4), dtype=np.float32)
        layout[:] = h5py.VirtualSource(source, "images", shape=(4, 3, 4, 4))
        _drop(h5, "images")
        h5.create_virtual_dataset("images", layout, fillvalue=0)
    elif kind == "reshape":
        shape = tuple(draw(st.lists(st.integers(0, 5), min_size=0, max_size=5)))
        _drop(h5, name)
        h5.create_dataset(name, data=np.zeros(shape, np.float32))
    elif kind == "dtype":
        _drop(h5, name)
        h5.create_dataset(name, data=np.array(["x"] * 4, dtype=h5py.string_dtype()))
    elif kind == "group":
        _drop(h5, name)
        h5.create_group(name)


@st.composite
def artifacts(draw) -> bytes | None:
    """Bytes of a damaged file (None when the edits were structural and written to ``target``)."""
    target = WORKDIR / "case.h5"
    shutil.copyfile(TEMPLATE, target)
    if draw(st.integers(0, 3)) == 0:
        return edit(draw, TEMPLATE.read_bytes(), max_edits=3)
    with h5py.File(target, "a") as h5:
        for _ in range(draw(st.integers(0, 2))):
            _structural_edit(draw, h5)
    return None


def load_and_read(damaged: bytes | None):
    path = WORKDIR / "case.h5"
    if damaged is not None:
        path.write_bytes(damaged)
    source = load_artifact(path)
    images, labels = source.read(np.arange(source.count))
    assert images.shape == (source.count, *source.shape) and len(labels) == source.count
    return source


@FUZZ
@given(damaged=artifacts())
def test_images_artifact_loads_or_raises_input_error(damaged):
    OUTCOMES.run(load_and_read, damaged)
