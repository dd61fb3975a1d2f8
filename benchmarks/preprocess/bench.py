"""Images/s of mstool preprocess against naive PIL, tf.data and OpenCV, same recipe, same run.

Run with the benchmark venv (mstool + anchors from requirements.txt):

    .venv-bench-preprocess/bin/python benchmarks/preprocess/bench.py --images 512 --workers 2

For each recipe (yolov3_416, resnet_224) over the COCO photos in ../shared/data/images
(repeated to --images): wall images/s and images per process CPU-second, ratios of
mstool to each anchor, and PSNR of mstool's tensors against the naive PIL reference.
mstool runs its full pipeline (decode, fused kernel, HDF5 file written and fsynced); the
anchors only produce the arrays in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from mstool.toolkit.preprocess.pipeline import PreprocessOptions

REPO = Path(__file__).resolve().parents[2]
COCO = REPO.parent / "shared" / "data" / "images" / "coco"
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


# --- the recipes' geometry, shared by the anchors ---------------------------------------

def letterbox_geometry(h: int, w: int, size: int = 416) -> tuple[int, int, int, int]:
    r = min(size / h, size / w)
    nh, nw = round(h * r), round(w * r)
    return nh, nw, (size - nh) // 2, (size - nw) // 2


def shorter_geometry(h: int, w: int, size: int = 256, crop: int = 224) -> tuple[int, int, int, int]:
    nh, nw = (size, int(size * w / h)) if h <= w else (int(size * h / w), size)
    return nh, nw, int(round((nh - crop) / 2.0)), int(round((nw - crop) / 2.0))


def finish_yolo(resized: np.ndarray, top: int, left: int) -> np.ndarray:
    canvas = np.full((416, 416, 3), 114, np.uint8)
    canvas[top : top + resized.shape[0], left : left + resized.shape[1]] = resized
    return (canvas.astype(np.float32) / 255.0).transpose(2, 0, 1).copy()


def finish_resnet(resized: np.ndarray, top: int, left: int) -> np.ndarray:
    crop = resized[top : top + 224, left : left + 224].astype(np.float32) / 255.0
    return ((crop - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1).copy()


# --- anchors ---------------------------------------------------------------------------

def naive_pil(path: Path, recipe: str) -> np.ndarray:
    from PIL import Image

    image = Image.open(path).convert("RGB")
    w, h = image.size
    if recipe == "yolov3_416":
        nh, nw, top, left = letterbox_geometry(h, w)
        return finish_yolo(np.asarray(image.resize((nw, nh), Image.BILINEAR)), top, left)
    nh, nw, top, left = shorter_geometry(h, w)
    return finish_resnet(np.asarray(image.resize((nw, nh), Image.BILINEAR)), top, left)


def opencv(path: Path, recipe: str) -> np.ndarray:
    import cv2

    image = cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    h, w = image.shape[:2]
    geometry = letterbox_geometry(h, w) if recipe == "yolov3_416" else shorter_geometry(h, w)
    nh, nw, top, left = geometry
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA)  # antialiased, like the recipe
    return (finish_yolo if recipe == "yolov3_416" else finish_resnet)(resized, top, left)


def tf_dataset(files: list[Path], recipe: str, antialias: bool):
    import tensorflow as tf

    def load(path):
        image = tf.io.decode_jpeg(tf.io.read_file(path), channels=3)
        shape = tf.cast(tf.shape(image)[:2], tf.float32)
        if recipe == "yolov3_416":
            r = tf.minimum(416.0 / shape[0], 416.0 / shape[1])
            size = tf.cast(tf.round(shape * r), tf.int32)
            resized = tf.image.resize(image, size, method="bilinear", antialias=antialias)
            top, left = (416 - size[0]) // 2, (416 - size[1]) // 2
            pad = [[top, 416 - size[0] - top], [left, 416 - size[1] - left], [0, 0]]
            out = tf.pad(resized, pad, constant_values=114.0) / 255.0
        else:
            short = tf.reduce_min(shape)
            size = tf.cast(tf.floor(shape * 256.0 / short), tf.int32)
            resized = tf.image.resize(image, size, method="bilinear", antialias=antialias)
            top = tf.cast(tf.round(tf.cast(size[0] - 224, tf.float32) / 2.0), tf.int32)
            left = tf.cast(tf.round(tf.cast(size[1] - 224, tf.float32) / 2.0), tf.int32)
            crop = resized[top : top + 224, left : left + 224] / 255.0
            out = (crop - IMAGENET_MEAN) / IMAGENET_STD
        return tf.transpose(out, [2, 0, 1])

    autotune = tf.data.AUTOTUNE
    paths = tf.data.Dataset.from_tensor_slices([str(f) for f in files])
    return paths.map(load, num_parallel_calls=autotune).prefetch(autotune)


# --- timing ----------------------------------------------------------------------------

def measure(run, count: int, setup=None) -> dict:
    if setup is not None:
        setup()
    start, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"ips": count / wall, "ipcs": count / cpu, "wall": wall}


def run_anchor(fn, files, recipe, workers: int = 1) -> None:
    if workers == 1:
        for path in files:
            fn(path, recipe)
    else:
        with ThreadPoolExecutor(workers) as pool:
            for _ in pool.map(lambda p: fn(p, recipe), files):
                pass


def run_tf(files, recipe, antialias) -> None:
    for _ in tf_dataset(files, recipe, antialias).as_numpy_iterator():
        pass


def run_mstool(files, recipe_name, workers, out_dir) -> None:
    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.io import load_recipe
    from mstool.toolkit.preprocess.pipeline import preprocess_images

    recipe = load_recipe(REPO / "recipes" / f"{recipe_name}.yaml", PreprocessRecipe)
    out = Path(out_dir) / f"{recipe_name}.h5"
    preprocess_images(files, out, recipe, PreprocessOptions(workers=workers))


def remove_output(recipe_name, out_dir) -> None:
    """Deleting the previous run's file (page cache, blocks) is not preprocessing: do it
    before the clock starts."""
    (Path(out_dir) / f"{recipe_name}.h5").unlink(missing_ok=True)


def run_mstool_in_memory(files, recipe_name, workers) -> None:
    """mstool's pipeline (threads, decode, fused kernel) with the arrays consumed in memory,
    as the anchors do: no HDF5 file."""
    import queue

    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.io import load_recipe
    from mstool.toolkit.preprocess.geometry import fixed_output_shape
    from mstool.toolkit.preprocess.pipeline import ImageWorker, gather_items, ordered_map

    recipe = load_recipe(REPO / "recipes" / f"{recipe_name}.yaml", PreprocessRecipe)
    height, width = fixed_output_shape(recipe.ops)
    window = 2 * workers + 2
    outputs: queue.Queue = queue.Queue()
    for _ in range(window + workers):
        outputs.put(np.empty(3 * height * width, np.float32))
    worker = ImageWorker(recipe, "cpu", outputs)
    items, _ = gather_items(files, PreprocessOptions(workers=workers))
    with ThreadPoolExecutor(workers) as pool:
        for done in ordered_map(pool, worker, items, window=window):
            outputs.put(done.buffer)


def psnr_against_pil(files, recipe_name, out_dir) -> tuple[float, float]:
    import h5py

    peak = 1.0 if recipe_name == "yolov3_416" else float((1.0 / IMAGENET_STD).max())
    values = []
    with h5py.File(Path(out_dir) / f"{recipe_name}.h5") as h5:
        for i, path in enumerate(files[:64]):
            mse = np.mean((h5["images"][i].astype(np.float64) - naive_pil(path, recipe_name)) ** 2)
            values.append(10 * np.log10(peak**2 / mse))
    return float(min(values)), float(np.median(values))


def bench_recipe(recipe: str, files: list[Path], workers: int, repeats: int, out_dir: str) -> None:
    # Warm up every method once (compile, caches, TF graph tracing) on a few files.
    remove_output(recipe, out_dir)
    run_mstool(files[:8], recipe, workers, out_dir)
    run_tf(files[:8], recipe, True)
    methods = {
        "naive PIL (1 thread)": lambda: run_anchor(naive_pil, files, recipe),
        "tf.data AUTOTUNE (antialias)": lambda: run_tf(files, recipe, True),
        "tf.data AUTOTUNE (no antialias)": lambda: run_tf(files, recipe, False),
        "OpenCV (1 thread)": lambda: run_anchor(opencv, files, recipe),
        f"OpenCV ({workers} threads)": lambda: run_anchor(opencv, files, recipe, workers),
        f"mstool CPU ({workers} workers, in memory)": lambda: run_mstool_in_memory(files, recipe, workers),
        f"mstool CPU ({workers} workers, HDF5)": lambda: run_mstool(files, recipe, workers, out_dir),
    }
    results: dict[str, list[dict]] = {name: [] for name in methods}
    for _ in range(repeats):  # interleaved, so load changes hit every method alike
        for name, fn in methods.items():
            setup = (lambda: remove_output(recipe, out_dir)) if "HDF5" in name else None
            results[name].append(measure(fn, len(files), setup))
    med = {name: {k: statistics.median(r[k] for r in runs) for k in ("ips", "ipcs")}
           for name, runs in results.items()}
    ours = med[f"mstool CPU ({workers} workers, in memory)"]
    print(f"\n### {recipe}: {len(files)} images, median of {repeats} interleaved runs\n")
    print("| method | images/s (wall) | images per CPU-second | mstool in memory / method (wall) | (CPU) |")
    print("|---|---:|---:|---:|---:|")
    for name, m in med.items():
        print(f"| {name} | {m['ips']:.1f} | {m['ipcs']:.1f} | {ours['ips'] / m['ips']:.2f}x "
              f"| {ours['ipcs'] / m['ipcs']:.2f}x |")
    worst, median = psnr_against_pil(files, recipe, out_dir)
    print(f"\nPSNR of mstool vs naive PIL (64 images): min {worst:.1f} dB, median {median:.1f} dB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=512, help="images per run (COCO set repeated)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--recipes", nargs="+", default=["yolov3_416", "resnet_224"])
    args = parser.parse_args()
    if not COCO.is_dir():
        print(f"no COCO images at {COCO}")
        return 2
    photos = sorted(COCO.glob("*.jpg"))
    files = [photos[i % len(photos)] for i in range(args.images)]
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as out_dir:
        for recipe in args.recipes:
            bench_recipe(recipe, files, args.workers, args.repeats, out_dir)
    print(f"\nload average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
