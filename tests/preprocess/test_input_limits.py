"""Input limits: pixel counts read from headers, non-regular files, absurd integer labels."""

from __future__ import annotations

import os
import struct
import zlib

import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.preprocess.decode import DecodeError, DecodeOptions, decode_image, read_bytes
from mstool.toolkit.preprocess.sources import Item, class_names_for, read_manifest
from tests.conftest import run_cli
from tests.preprocess.images import encode, synthetic_rgb

RGB = synthetic_rgb(16, 24)
SMALL_RECIPE = "recipe: preprocess\nops:\n  - {op: resize, height: 8, width: 8}\n"


def jpeg_declaring(height: int, width: int) -> bytes:
    """A small real JPEG whose SOF header is edited to declare ``height`` x ``width``."""
    data = bytearray(encode(RGB, "JPEG"))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def png_declaring(height: int, width: int) -> bytes:
    """A small real PNG whose IHDR is edited (with a correct CRC) to declare ``height`` x ``width``."""
    data = bytearray(encode(RGB, "PNG"))
    body = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = body
    data[29:33] = struct.pack(">I", zlib.crc32(body))
    return bytes(data)


@pytest.mark.parametrize("make", [jpeg_declaring, png_declaring], ids=["jpeg", "png"])
def test_huge_header_refused_before_decoding(make):
    data = make(60000, 60000)
    assert len(data) < 4000
    with pytest.raises(DecodeError, match="declares .*pixels.*(more than the limit|exceeds limit)"):
        decode_image(data)


def test_pixel_limit_is_a_recipe_option():
    data = jpeg_declaring(16, 24)
    assert decode_image(data).size == (16, 24)
    with pytest.raises(DecodeError, match="more than the limit of 100"):
        decode_image(data, options=DecodeOptions(max_pixels=100))


def test_lenient_run_skips_the_huge_image(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "good.png").write_bytes(encode(RGB, "PNG"))
    (folder / "bomb.jpg").write_bytes(jpeg_declaring(60000, 60000))
    recipe = tmp_path / "r.yaml"
    recipe.write_text(SMALL_RECIPE)
    out = tmp_path / "out.h5"
    result = run_cli("preprocess", folder, "-o", out, "--recipe", recipe, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["images"] == 1 and result.json()["skipped"] == 1
    strict = run_cli("preprocess", folder, "-o", tmp_path / "strict.h5", "--recipe", recipe, "--strict")
    assert strict.exit_code == 2 and "bomb.jpg" in strict.stderr and "declares" in strict.stderr
    assert not (tmp_path / "strict.h5").exists()


def test_symlink_to_device_refused_without_reading(tmp_path):
    link = tmp_path / "zero.jpg"
    link.symlink_to("/dev/zero")
    with pytest.raises(DecodeError, match="is a device"):
        read_bytes(link)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    with pytest.raises(DecodeError, match="is a FIFO"):
        read_bytes(fifo)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_lenient_run_skips_fifo_and_device(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "good.png").write_bytes(encode(RGB, "PNG"))
    os.mkfifo(folder / "pipe.jpg")
    (folder / "zero.jpg").symlink_to("/dev/zero")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(SMALL_RECIPE)
    result = run_cli("preprocess", folder, "-o", tmp_path / "out.h5", "--recipe", recipe, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["images"] == 1 and result.json()["skipped"] == 2


def test_absurd_label_in_csv_refused_with_line(tmp_path):
    manifest = tmp_path / "labels.csv"
    manifest.write_text("path,label\na.png,0\nb.png,99999999999\n")
    with pytest.raises(InputError, match="integer label 99999999999 is larger than 99999") as err:
        read_manifest(manifest)
    assert err.value.where == f"{manifest}:3"


def test_absurd_label_in_json_and_folder_names_refused(tmp_path):
    manifest = tmp_path / "labels.json"
    manifest.write_text('{"a.png": 99999999999}')
    with pytest.raises(InputError, match="larger than 99999"):
        read_manifest(manifest)
    items = [Item(tmp_path / "99999999999" / "a.png", "99999999999/a.png", "99999999999")]
    with pytest.raises(InputError, match="larger than 99999"):
        class_names_for(items)


def test_manifest_bytes_and_unicode_digits(tmp_path):
    manifest = tmp_path / "labels.csv"
    manifest.write_bytes(b"a.png,caf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8 text at byte 9"):
        read_manifest(manifest)
    items = [Item(tmp_path / "a", "a", "\u00b2"), Item(tmp_path / "b", "b", "1")]
    assert class_names_for(items) == ["1", "\u00b2"]


def test_cli_refuses_absurd_label_exit_2(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "a.png").write_bytes(encode(RGB, "PNG"))
    manifest = tmp_path / "labels.csv"
    manifest.write_text("a.png,99999999999\n")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(SMALL_RECIPE)
    result = run_cli("preprocess", folder, "-o", tmp_path / "out.h5", "--recipe", recipe,
                     "--labels", manifest)
    assert result.exit_code == 2 and f"{manifest}:1" in result.stderr
    assert not (tmp_path / "out.h5").exists()
