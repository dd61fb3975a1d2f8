"""Fuzz the MNIST IDX reader: crafted headers and bodies (plain and gzip) load or raise InputError."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mstool.toolkit.train.sources import load_idx
from tests.fuzz.budget import FUZZ, Outcomes
from tests.fuzz.mutate import edit

OUTCOMES = Outcomes("MNIST IDX")
WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-idx-"))
SIDES = st.one_of(st.integers(0, 6), st.sampled_from([0xFFFFFFFF, 2**31, 60000, 28]))


@st.composite
def idx_files(draw, dims: int) -> bytes:
    magic = draw(st.one_of(st.just(bytes([0, 0, 8, dims])), st.binary(min_size=0, max_size=4)))
    shape = draw(st.lists(SIDES, min_size=dims, max_size=dims))
    header = magic + b"".join(side.to_bytes(4, "big") for side in shape)
    size = 1
    for side in shape:
        size *= side
    body_size = size if size <= 4096 and draw(st.booleans()) else draw(st.integers(0, 64))
    data = header + draw(st.binary(min_size=body_size, max_size=body_size))
    return edit(draw, data, max_edits=2) if draw(st.integers(0, 3)) == 0 else data


@st.composite
def idx_pairs(draw) -> tuple[bytes, bytes]:
    """Half the time a valid (images, labels) pair, possibly edited; otherwise two crafted files."""
    if draw(st.booleans()):
        return draw(idx_files(3)), draw(idx_files(1))
    count, height, width = draw(st.integers(1, 4)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    images = bytes([0, 0, 8, 3]) + b"".join(v.to_bytes(4, "big") for v in (count, height, width))
    images += draw(st.binary(min_size=count * height * width, max_size=count * height * width))
    labels = bytes([0, 0, 8, 1]) + count.to_bytes(4, "big") + draw(st.binary(min_size=count, max_size=count))
    if draw(st.booleans()):
        images, labels = edit(draw, images, max_edits=2), edit(draw, labels, max_edits=1)
    return images, labels


def load(images: bytes, labels: bytes, gz: bool):
    suffix = ".gz" if gz else ""
    pack = gzip.compress if gz else (lambda raw: raw)
    path = WORKDIR / f"t-images-idx3-ubyte{suffix}"
    path.write_bytes(pack(images))
    (WORKDIR / f"t-labels-idx1-ubyte{suffix}").write_bytes(pack(labels))
    return load_idx(path)


@FUZZ
@given(pair=idx_pairs(), gz=st.booleans())
def test_idx_loads_or_raises_input_error(pair, gz):
    source = OUTCOMES.run(load, *pair, gz)
    if source is not None:
        assert source.images.shape[0] == source.labels.shape[0] == source.count
