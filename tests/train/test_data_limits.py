"""Bad training data: IDX headers, truncated bodies, npz garbage, absurd labels -> InputError, exit 2."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.train.sources import load_idx, open_source, read_idx
from tests.conftest import run_cli


def idx(dims: list[int], body: bytes) -> bytes:
    return bytes([0, 0, 8, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims) + body


def write_pair(tmp_path, images: bytes, labels: bytes, gz: bool = False):
    suffix = ".gz" if gz else ""
    pack = gzip.compress if gz else (lambda b: b)
    img = tmp_path / f"t-images-idx3-ubyte{suffix}"
    img.write_bytes(pack(images))
    (tmp_path / f"t-labels-idx1-ubyte{suffix}").write_bytes(pack(labels))
    return img


GOOD_IMAGES = idx([2, 3, 3], bytes(18))
GOOD_LABELS = idx([2], bytes([0, 1]))


def test_good_pair_loads(tmp_path):
    source = load_idx(write_pair(tmp_path, GOOD_IMAGES, GOOD_LABELS, gz=True))
    assert (source.count, source.shape) == (2, (3, 3, 1))


@pytest.mark.parametrize(("images", "message"), [
    (GOOD_IMAGES[:4], "header truncated: 4 bytes, expected 16"),
    (bytes([0, 0, 8, 3]) + b"\x00\x00", "header truncated"),
    (b"\x1f\x8b" + GOOD_IMAGES[2:], "bad magic number"),
    (bytes([0, 0, 0x0D, 3]) + GOOD_IMAGES[4:], "element type 0x0d is not unsigned bytes"),
    (idx([2, 3], bytes(6)), "2 dimensions, expected 3"),
    (GOOD_IMAGES[:-5], "body has 13 bytes, header says \\(2, 3, 3\\)"),
    (idx([0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], bytes(8)), "body has 8 bytes"),
    (idx([0, 0xFFFFFFFF, 0x80000000], b""), "declares an empty array"),  # found by fuzzing
    (b"", "bad magic number"),
])
def test_bad_idx_images(tmp_path, images, message):
    with pytest.raises(InputError, match=message) as err:
        load_idx(write_pair(tmp_path, images, GOOD_LABELS))
    assert "images-idx3" in err.value.where


def test_bad_gzip_named(tmp_path):
    img = tmp_path / "t-images-idx3-ubyte.gz"
    img.write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "t-labels-idx1-ubyte.gz").write_bytes(gzip.compress(GOOD_LABELS))
    with pytest.raises(InputError, match="cannot read IDX file"):
        load_idx(img)


def test_header_only_idx_via_cli_exit_2(tmp_path):
    img = write_pair(tmp_path, GOOD_IMAGES[:4], GOOD_LABELS)
    result = run_cli("train", "--data", img, "-o", tmp_path / "run")
    assert result.exit_code == 2 and "images-idx3" in result.stderr and "Traceback" not in result.stderr


def test_read_idx_checks_label_rank(tmp_path):
    path = tmp_path / "l-labels-idx1-ubyte"
    path.write_bytes(GOOD_IMAGES)
    with pytest.raises(InputError, match="3 dimensions, expected 1"):
        read_idx(path, dims=1)


def test_npz_garbage_and_absurd_labels(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="cannot read npz"):
        open_source(junk)
    huge = tmp_path / "huge.npz"
    np.savez(huge, x=np.zeros((2, 4, 4), np.uint8), y=np.array([0, 99999999999]))
    with pytest.raises(InputError, match="label 99999999999 is larger than 99999"):
        open_source(huge)
    nan = tmp_path / "nan.npz"
    np.savez(nan, x=np.zeros((2, 4, 4), np.uint8), y=np.array([0.0, np.nan]))
    with pytest.raises(InputError, match="labels must be integers"):
        open_source(nan)
