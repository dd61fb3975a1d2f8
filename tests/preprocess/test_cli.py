"""``mstool preprocess`` end to end: artifact contents, labels, shards, merge, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.io import load_recipe, read_artifact
from tests.conftest import REPO_ROOT, run_cli
from tests.preprocess.images import encode, synthetic_rgb, write_demo_set

RESNET = REPO_ROOT / "recipes" / "resnet_224.yaml"
YOLO = REPO_ROOT / "recipes" / "yolov3_416.yaml"
SMALL_RECIPE = """
recipe: preprocess
ops:
  - {op: resize_shorter, size: 40}
  - {op: center_crop, height: 32, width: 32}
  - {op: normalize, scale: 0.00392156862745098, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}
"""


@pytest.fixture
def small(tmp_path) -> list[str]:
    """``--recipe`` for resnet_224's ops at 40 -> 32 pixels (fast)."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_RECIPE)
    return ["--recipe", str(path)]


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "images"
    write_demo_set(root)
    return root


def preprocess(*args):
    return run_cli("preprocess", *args)


def test_run_writes_every_image_with_records(folder, tmp_path, small):
    out = tmp_path / "out.h5"
    result = preprocess(folder, "-o", out, *small, "--json", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["images"] == 8 and summary["skipped"] == 0 and summary["images_per_second"] > 0
    meta = read_artifact(out, "images").meta
    assert (meta.count, meta.height, meta.width, meta.layout) == (8, 32, 32, "CHW")
    assert meta.class_names == ["blocks", "stripes"]
    assert meta.mean == pytest.approx([0.485, 0.456, 0.406])
    with h5py.File(out) as h5:
        assert h5["images"].shape == (8, 3, 32, 32) and h5["images"].chunks == (1, 3, 32, 32)
        sources = [s.decode() for s in h5["source"][()]]
        assert sources[0].endswith("blocks/d.webp")
        assert h5["labels"][()].tolist() == [0] * 5 + [1] * 3
        rotated = sources.index(str(folder / "stripes" / "c_rotated.jpg"))
        assert h5["original_size"][rotated].tolist() == [120, 160]  # EXIF 6: upright
        first = h5["images"][0]
    # The stored tensor equals the recipe done by hand with PIL (antialias = PIL BILINEAR).
    img = Image.open(folder / "blocks" / "d.webp").convert("RGB").resize((40, 40), Image.BILINEAR)
    ref = np.asarray(img.crop((4, 4, 36, 36))) / 255.0
    ref = ((ref - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).transpose(2, 0, 1)
    assert np.abs(first - ref).max() < 1.01 / 255 / 0.224


def test_letterbox_records_scale_and_padding(folder, tmp_path):
    out = tmp_path / "y.h5"
    args = ["--set", "output.dtype=uint8", "--set", 'ops=[{"op": "letterbox", "size": 64}]']
    result = preprocess(folder / "stripes" / "a.jpg", "-o", out, "--recipe", YOLO, *args, "--json")
    assert result.exit_code == 0, result.stderr
    with h5py.File(out) as h5:
        assert h5["scale"][0].tolist() == pytest.approx([64 / 240, 64 / 240])
        assert h5["padding"][0].tolist() == [8, 0, 8, 0]
        image = h5["images"][0]
    assert (image[:, :8] == 114).all() and (image[:, 56:] == 114).all()


def test_manifest_labels_csv_and_json(folder, tmp_path, small):
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.*"))
    csv_path = tmp_path / "labels.csv"
    csv_path.write_text("path,label\n" + "".join(f"{f},{i % 3}\n" for i, f in enumerate(files)))
    json_path = tmp_path / "labels.json"
    json_path.write_text(json.dumps({f: ("cat" if i % 2 else "dog") for i, f in enumerate(files)}))
    for manifest, names in ((csv_path, ["0", "1", "2"]), (json_path, ["cat", "dog"])):
        out = tmp_path / f"{manifest.suffix[1:]}.h5"
        result = preprocess(folder, "-o", out, *small, "--labels", manifest)
        assert result.exit_code == 0, result.stderr
        assert read_artifact(out).meta.class_names == names
        with h5py.File(out) as h5:
            assert len(h5["labels"]) == 8
    missing = tmp_path / "partial.csv"
    missing.write_text(f"{files[0]},1\n")
    result = preprocess(folder, "-o", tmp_path / "p.h5", "--recipe", RESNET, "--labels", missing)
    assert result.exit_code == 2 and "no label for" in result.stderr


def test_shards_merge_into_a_virtual_dataset(folder, tmp_path, small):
    whole = tmp_path / "whole.h5"
    assert preprocess(folder, "-o", whole, *small).exit_code == 0
    parts = []
    for i in range(3):
        part = tmp_path / "parts" / f"part{i}.h5"
        part.parent.mkdir(exist_ok=True)
        result = preprocess(folder, "-o", part, *small, "--shard", f"{i}/3", "--json")
        assert result.exit_code == 0, result.stderr
        parts.append(part)
    merged = tmp_path / "parts" / "all.h5"
    result = run_cli("preprocess", "merge", parts[2], parts[0], parts[1], "-o", merged, "--json")
    assert result.exit_code == 0, result.stderr and result.json()["images"] == 8
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "parts", moved)  # relative sources: the set can move as a whole
    with h5py.File(whole) as a, h5py.File(moved / "all.h5") as b:
        assert b["images"].is_virtual
        assert np.array_equal(a["images"][()], b["images"][()])
        assert np.array_equal(a["source"][()], b["source"][()])
        assert np.array_equal(a["labels"][()], b["labels"][()])
    assert read_artifact(merged, "images").meta.count == 8
    copied = tmp_path / "copied.h5"
    result = run_cli("preprocess", "merge", *parts, "-o", copied, "--consolidate")
    assert result.exit_code == 0, result.stderr
    with h5py.File(whole) as a, h5py.File(copied) as b:
        assert not b["images"].is_virtual and np.array_equal(a["images"][()], b["images"][()])
    incomplete = run_cli("preprocess", "merge", parts[0], parts[2], "-o", tmp_path / "x.h5")
    assert incomplete.exit_code == 2 and "expected shards 0..2" in incomplete.stderr


def test_bad_shard_spec():
    result = preprocess("x", "-o", "y.h5", "--recipe", RESNET, "--shard", "3/3")
    assert result.exit_code == 2 and "0 <= i < N" in result.stderr


def bad_inputs(root: Path) -> dict[str, Path]:
    root.mkdir()
    good = root / "good.jpg"
    good.write_bytes(encode(synthetic_rgb(40, 50), "JPEG"))
    jpeg = encode(synthetic_rgb(60, 80, seed=5), "JPEG")
    bad = {
        "corrupt": root / "corrupt.jpg", "truncated": root / "truncated.png",
        "not-image": root / "notes.png", "zero": root / "zero.jpg",
        "dangling": root / "dangling.jpg",
    }
    bad["corrupt"].write_bytes(jpeg[:20] + bytes(len(jpeg) - 20))
    bad["truncated"].write_bytes(encode(synthetic_rgb(60, 80), "PNG")[:400])
    bad["not-image"].write_text("this is not a picture\n")
    bad["zero"].write_bytes(b"")
    bad["dangling"].symlink_to(root / "gone.jpg")
    return {"good": good, **bad}


def test_bad_inputs_are_skipped_named_and_recorded(tmp_path, small):
    files = bad_inputs(tmp_path / "in")
    missing = tmp_path / "no-such-file.jpg"
    out = tmp_path / "out.h5"
    result = preprocess(tmp_path / "in", missing, "-o", out, *small, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["images"] == 1 and result.json()["skipped"] == 6
    for name, path in files.items():
        if name != "good":
            assert f"skipped {path}" in " ".join(result.stderr.split())
    skipped = {entry["path"]: entry["reason"] for entry in read_artifact(out).meta.skipped}
    assert set(skipped) == {str(p) for n, p in files.items() if n != "good"} | {str(missing)}
    assert "empty" in skipped[str(files["zero"])]
    assert "not an image" in skipped[str(files["not-image"])]
    assert "no such file" in skipped[str(missing)] and "no such file" in skipped[str(files["dangling"])]
    assert "corrupt or truncated" in skipped[str(files["truncated"])]


@pytest.mark.parametrize("bad", ["corrupt", "truncated", "not-image", "zero", "dangling"])
def test_strict_fails_without_writing(tmp_path, bad, small):
    files = bad_inputs(tmp_path / "in")
    out = tmp_path / "out.h5"
    result = preprocess(files["good"], files[bad], "-o", out, *small, "--strict")
    assert result.exit_code == 2
    assert str(files[bad]) in result.stderr and "--strict" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("out.h5*"))


def test_all_inputs_bad_fails_without_writing(tmp_path):
    files = bad_inputs(tmp_path / "in")
    out = tmp_path / "out.h5"
    result = preprocess(files["zero"], files["corrupt"], "-o", out, "--recipe", RESNET)
    assert result.exit_code == 1 and "nothing written" in result.stderr and not out.exists()


def test_existing_output_needs_overwrite(folder, tmp_path, small):
    out = tmp_path / "out.h5"
    out.write_bytes(b"precious")
    result = preprocess(folder, "-o", out, *small)
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert out.read_bytes() == b"precious"
    assert preprocess(folder, "-o", out, *small, "--overwrite").exit_code == 0
    assert read_artifact(out).meta.count == 8


def test_recipe_errors_name_the_field(folder, tmp_path):
    result = preprocess(folder, "-o", tmp_path / "o.h5", "--recipe", RESNET, "--set", "output.dtype=int7")
    assert result.exit_code == 2 and "output.dtype" in result.stderr
    varying = ["--set", 'ops=[{"op": "resize_shorter", "size": 32}]']
    result = preprocess(folder, "-o", tmp_path / "o.h5", "--recipe", RESNET, *varying)
    assert result.exit_code == 2 and "vary" in result.stderr


def test_bundled_recipes_validate():
    yolo = load_recipe(YOLO, PreprocessRecipe)
    assert [op.op for op in yolo.ops] == ["letterbox", "normalize"] and yolo.ops[0].size == 416
    resnet = load_recipe(RESNET, PreprocessRecipe)
    assert [op.op for op in resnet.ops] == ["resize_shorter", "center_crop", "normalize"]
    assert (resnet.output.layout, resnet.output.dtype) == ("CHW", "float32")


def test_help_shows_examples():
    result = run_cli("preprocess", "--help")
    assert result.exit_code == 0 and "Example: mstool preprocess" in result.stdout
    assert "merge" in result.stdout


def test_device_choice_without_a_gpu(folder, tmp_path, small, monkeypatch):
    from mstool.toolkit import backend

    monkeypatch.setattr(backend, "cuda_probe", lambda: backend.CudaProbe(False, "no GPU (test)"))
    result = preprocess(folder, "-o", tmp_path / "a.h5", *small, "--device", "auto", "--json")
    assert result.exit_code == 0 and result.json()["device"] == "cpu"
    result = preprocess(folder, "-o", tmp_path / "c.h5", *small, "--device", "cuda")
    assert result.exit_code == 2 and "no CUDA GPU" in result.stderr
    result = preprocess(folder, "-o", tmp_path / "t.h5", *small, "--device", "tpu")
    assert result.exit_code == 2 and "cpu, cuda or auto" in result.stderr


@pytest.mark.parametrize("compression", ["gzip", "lzf"])
def test_compressed_outputs_read_back_identical(folder, tmp_path, small, compression):
    plain, packed = tmp_path / "plain.h5", tmp_path / "packed.h5"
    common = ["--set", "output.layout=HWC", "--set", "output.dtype=float16"]
    assert preprocess(folder, "-o", plain, *small, *common).exit_code == 0
    result = preprocess(folder, "-o", packed, *small, *common, "--set", f"output.compression={compression}")
    assert result.exit_code == 0, result.stderr
    with h5py.File(plain) as a, h5py.File(packed) as b:
        assert b["images"].compression == compression and b["images"].shape == (8, 32, 32, 3)
        assert b["images"].dtype == np.float16
        assert np.array_equal(a["images"][()], b["images"][()])
