"""Pipeline pieces: bounded ordered map, shards, doctests, and real COCO photos vs PIL."""

from __future__ import annotations

import doctest
import importlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import pytest
from PIL import Image

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.io import load_recipe
from mstool.toolkit.preprocess.pipeline import PreprocessOptions, ordered_map, preprocess_images
from mstool.toolkit.preprocess.sources import shard_slice
from tests.conftest import REPO_ROOT, shared_data

MODULES = [f"mstool.toolkit.preprocess.{name}" for name in
           ("decode", "geometry", "transform", "sources", "pipeline", "cuda_kernels", "writer", "merge")]
MODULES += ["mstool.toolkit.preprocess", "mstool.schemas.preprocess", "mstool.schemas.images"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0


def test_ordered_map_keeps_order_and_bounds_work_in_flight():
    in_flight, peak, lock = [0], [0], threading.Lock()

    def work(x):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.002 * (x % 3))
        with lock:
            in_flight[0] -= 1
        return x * 2

    with ThreadPoolExecutor(4) as pool:
        results = []
        for value in ordered_map(pool, work, list(range(60)), window=5):
            results.append(value)
            time.sleep(0.001)  # a slow consumer must not let work pile up
    assert results == [2 * x for x in range(60)] and peak[0] <= 5


def test_shards_partition_the_list():
    items = list(range(103))
    parts = [shard_slice(items, (i, 4)) for i in range(4)]
    assert sum(parts, []) == items and {len(p) for p in parts} == {25, 26}


def psnr(a: np.ndarray, b: np.ndarray, peak: float) -> float:
    return float(10 * np.log10(peak**2 / np.mean((a.astype(np.float64) - b) ** 2)))


def pil_resnet(path) -> np.ndarray:
    image = Image.open(path).convert("RGB")
    w, h = image.size
    size = (256, int(256 * h / w)) if w <= h else (int(256 * w / h), 256)
    image = image.resize(size, Image.BILINEAR)
    left, top = int(round((size[0] - 224) / 2.0)), int(round((size[1] - 224) / 2.0))
    x = np.asarray(image.crop((left, top, left + 224, top + 224))) / 255.0
    return ((x - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).transpose(2, 0, 1)


def pil_letterbox(path) -> np.ndarray:
    image = Image.open(path).convert("RGB")
    w, h = image.size
    r = min(416 / h, 416 / w)
    nw, nh = round(w * r), round(h * r)
    canvas = np.full((416, 416, 3), 114, np.uint8)
    top, left = (416 - nh) // 2, (416 - nw) // 2
    canvas[top : top + nh, left : left + nw] = np.asarray(image.resize((nw, nh), Image.BILINEAR))
    return (canvas / 255.0).transpose(2, 0, 1)


@pytest.mark.parametrize(("recipe", "reference", "peak"), [
    ("resnet_224.yaml", pil_resnet, 255 / 255 / 0.224),
    ("yolov3_416.yaml", pil_letterbox, 1.0),
])
def test_coco_photos_match_a_naive_pil_pipeline(tmp_path, recipe, reference, peak):
    coco = shared_data("images", "coco")
    files = sorted(coco.glob("*.jpg"))[:6]
    out = tmp_path / "out.h5"
    model = load_recipe(REPO_ROOT / "recipes" / recipe, PreprocessRecipe)
    report = preprocess_images(files, out, model, PreprocessOptions(workers=2))
    assert report.images == 6 and not report.skipped
    with h5py.File(out) as h5:
        for i, path in enumerate(files):
            assert psnr(h5["images"][i], reference(path), peak) > 45, path.name


def test_dct_downscaled_large_photo_stays_above_35_db(tmp_path):
    from mstool.toolkit.preprocess.decode import decode_image
    from mstool.toolkit.preprocess.geometry import dct_target

    photo = sorted(shared_data("images", "coco").glob("*.jpg"))[0]
    big = tmp_path / "big.jpg"
    Image.open(photo).convert("RGB").resize((2560, 1704), Image.LANCZOS).save(big, quality=95)
    model = load_recipe(REPO_ROOT / "recipes" / "yolov3_416.yaml", PreprocessRecipe)
    decoded = decode_image(big.read_bytes(), lambda hw: dct_target(model.ops, *hw))
    # Decoded in the DCT domain at a scale n/8 <= 1/2 that keeps >= 2x the 312 x 416 target.
    assert decoded.original == (1704, 2560) and 624 <= decoded.size[0] <= 852 and decoded.size[1] >= 832
    out = tmp_path / "out.h5"
    preprocess_images([big], out, model, PreprocessOptions(workers=1))
    with h5py.File(out) as h5:
        assert psnr(h5["images"][0], pil_letterbox(big), 1.0) > 35
