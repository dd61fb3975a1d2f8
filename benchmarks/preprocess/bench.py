"""Images/s of mstool preprocess against naive PIL, tf.data and OpenCV, same recipe, same run.

Run with the benchmark venv (mstool + anchors from requirements.txt):

    .venv-bench-preprocess/bin/python benchmarks/preprocess/bench.py --images 512 --workers 2

For each recipe (yolov3_416, resnet_224) over the COCO photos in ../shared/data/images
(repeated to --images): wall images/s and images per process CPU-second, ratios of
mstool to each anchor, and PSNR of mstool's tensors against the naive PIL reference.
Each method runs twice: with the arrays consumed in memory, and writing the same
artifact layout (``images`` (N, C, H, W) chunked one image per chunk, plus per-image
source, original size, scale and padding) to a temporary HDF5 file that is fsynced and
renamed at the end: mstool through ``preprocess_images``, the anchors through h5py
(``dataset[i] = array`` as each array arrives).
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
    return naive_pil_sized(path, recipe)[0]


def naive_pil_sized(path: Path, recipe: str) -> tuple[np.ndarray, tuple[int, int]]:
    """The naive PIL tensor and the image's (height, width)."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    w, h = image.size
    if recipe == "yolov3_416":
        nh, nw, top, left = letterbox_geometry(h, w)
        return finish_yolo(np.asarray(image.resize((nw, nh), Image.BILINEAR)), top, left), (h, w)
    nh, nw, top, left = shorter_geometry(h, w)
    return finish_resnet(np.asarray(image.resize((nw, nh), Image.BILINEAR)), top, left), (h, w)


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
        return tf.transpose(out, [2, 0, 1]), tf.shape(image)[:2]

    autotune = tf.data.AUTOTUNE
    paths = tf.data.Dataset.from_tensor_slices([str(f) for f in files])
    return paths.map(load, num_parallel_calls=autotune).prefetch(autotune)


# --- the anchors' HDF5 output: same layout as mstool's artifact -----------------------

class H5Sink:
    """Writes arrays as they arrive into an ``images``-layout HDF5 file (temp, fsync, rename)."""

    def __init__(self, path: Path, count: int, shape: tuple[int, ...]) -> None:
        import h5py

        self.path, self.tmp = path, path.with_name(path.name + ".tmp")
        self.h5 = h5py.File(self.tmp, "w")
        self.images = self.h5.create_dataset("images", (count, *shape), np.float32, chunks=(1, *shape))
        self.records: dict[str, list] = {"source": [], "original_size": [], "scale": [], "padding": []}

    def add(self, array: np.ndarray, source: Path, original: tuple[int, int], recipe: str) -> None:
        h, w = original
        i = len(self.records["source"])
        self.images[i] = array
        if recipe == "yolov3_416":
            nh, nw, top, left = letterbox_geometry(h, w)
            padding = (top, left, 416 - nh - top, 416 - nw - left)
        else:
            nh, nw, top, left = shorter_geometry(h, w)
            padding = (0, 0, 0, 0)
        self.records["source"].append(str(source))
        self.records["original_size"].append((h, w))
        self.records["scale"].append((nh / h, nw / w))
        self.records["padding"].append(padding)

    def close(self) -> None:
        import h5py

        self.h5.create_dataset("source", data=np.array(self.records["source"], dtype=h5py.string_dtype()))
        for name, dtype in (("original_size", np.int32), ("scale", np.float64), ("padding", np.int32)):
            self.h5.create_dataset(name, data=np.array(self.records[name], dtype))
        self.h5.close()
        fd = os.open(self.tmp, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        os.replace(self.tmp, self.path)


def output_shape(recipe: str) -> tuple[int, int, int]:
    return (3, 416, 416) if recipe == "yolov3_416" else (3, 224, 224)


# --- timing ----------------------------------------------------------------------------

SETTLE_SECONDS = [1.0]


def measure(run, count: int, setup=None) -> dict:
    """Rates of one run. Before the clock starts, the previous run's files are deleted and
    the machine gets SETTLE_SECONDS to finish flushing them (a virtual disk may keep writing
    after fsync returns), so no method pays for the one before it."""
    if setup is not None:
        setup()
    os.sync()
    time.sleep(SETTLE_SECONDS[0])
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


def run_pil_h5(files, recipe, out: Path) -> None:
    sink = H5Sink(out, len(files), output_shape(recipe))
    for path in files:
        array, original = naive_pil_sized(path, recipe)
        sink.add(array, path, original, recipe)
    sink.close()


def run_tf_h5(files, recipe, antialias, out: Path) -> None:
    sink = H5Sink(out, len(files), output_shape(recipe))
    for path, (array, original) in zip(files, tf_dataset(files, recipe, antialias).as_numpy_iterator(),
                                       strict=True):
        sink.add(array, path, tuple(int(v) for v in original), recipe)
    sink.close()


def run_mstool(files, recipe_name, workers, out_dir) -> None:
    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.io import load_recipe
    from mstool.toolkit.preprocess.pipeline import preprocess_images

    recipe = load_recipe(REPO / "recipes" / f"{recipe_name}.yaml", PreprocessRecipe)
    out = Path(out_dir) / f"{recipe_name}.h5"
    preprocess_images(files, out, recipe, PreprocessOptions(workers=workers))


def remove_output(recipe_name, out_dir) -> None:
    """Deleting the previous run's files (page cache, blocks) is not preprocessing: do it
    before the clock starts."""
    for name in (f"{recipe_name}.h5", f"{recipe_name}-anchor.h5"):
        (Path(out_dir) / name).unlink(missing_ok=True)


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


def psnr_of_tf(files, recipe: str, antialias: bool) -> tuple[float, float]:
    """PSNR of tf.data's tensors against the naive PIL reference (min, median over 64 images)."""
    peak = 1.0 if recipe == "yolov3_416" else float((1.0 / IMAGENET_STD).max())
    values = []
    for path, (array, _) in zip(files[:64], tf_dataset(files[:64], recipe, antialias).as_numpy_iterator(),
                                strict=True):
        mse = np.mean((array.astype(np.float64) - naive_pil(path, recipe)) ** 2)
        values.append(10 * np.log10(peak**2 / mse))
    return float(min(values)), float(np.median(values))


def methods_for(recipe: str, files: list[Path], workers: int, out_dir: str) -> dict:
    """(family, mode) -> a callable running it over ``files``; mode is "memory" or "HDF5"."""
    anchor_out = Path(out_dir) / f"{recipe}-anchor.h5"
    ours = f"mstool CPU ({workers} workers)"
    return {
        ("naive PIL (1 thread)", "memory"): lambda: run_anchor(naive_pil, files, recipe),
        ("naive PIL (1 thread)", "HDF5"): lambda: run_pil_h5(files, recipe, anchor_out),
        ("tf.data AUTOTUNE (antialias)", "memory"): lambda: run_tf(files, recipe, True),
        ("tf.data AUTOTUNE (antialias)", "HDF5"): lambda: run_tf_h5(files, recipe, True, anchor_out),
        ("tf.data AUTOTUNE (no antialias)", "memory"): lambda: run_tf(files, recipe, False),
        ("tf.data AUTOTUNE (no antialias)", "HDF5"): lambda: run_tf_h5(files, recipe, False, anchor_out),
        ("OpenCV (1 thread)", "memory"): lambda: run_anchor(opencv, files, recipe),
        (f"OpenCV ({workers} threads)", "memory"): lambda: run_anchor(opencv, files, recipe, workers),
        (ours, "memory"): lambda: run_mstool_in_memory(files, recipe, workers),
        (ours, "HDF5"): lambda: run_mstool(files, recipe, workers, out_dir),
    }


def print_table(med: dict, ours: str) -> None:
    print("| method | in memory: images/s | per CPU-s | mstool / method (wall) | (CPU) "
          "| into HDF5: images/s | per CPU-s | mstool / method (wall) | (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for family in dict.fromkeys(name for name, _ in med):
        cells = []
        for mode in ("memory", "HDF5"):
            m, us = med.get((family, mode)), med[(ours, mode)]
            if m is None:
                cells += ["-"] * 4
                continue
            cells += [f"{m['ips']:.1f}", f"{m['ipcs']:.1f}",
                      f"{us['ips'] / m['ips']:.2f}x", f"{us['ipcs'] / m['ipcs']:.2f}x"]
        print(f"| {family} | " + " | ".join(cells) + " |")


def bench_recipe(recipe: str, files: list[Path], workers: int, repeats: int, out_dir: str) -> None:
    # Warm up every method once (compile, caches, TF graph tracing) on a few files.
    remove_output(recipe, out_dir)
    run_mstool(files[:8], recipe, workers, out_dir)
    run_tf(files[:8], recipe, True)
    methods = methods_for(recipe, files, workers, out_dir)
    results: dict[tuple, list[dict]] = {key: [] for key in methods}
    for _ in range(repeats):  # interleaved, so load changes hit every method alike
        for key, fn in methods.items():
            setup = (lambda: remove_output(recipe, out_dir)) if key[1] == "HDF5" else None
            results[key].append(measure(fn, len(files), setup))
    med = {key: {k: statistics.median(r[k] for r in runs) for k in ("ips", "ipcs")}
           for key, runs in results.items()}
    print(f"\n### {recipe}: {len(files)} images, median of {repeats} interleaved runs, "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print_table(med, f"mstool CPU ({workers} workers)")
    worst, median = psnr_against_pil(files, recipe, out_dir)
    print(f"\nPSNR vs naive PIL (64 images): mstool min {worst:.1f} dB, median {median:.1f} dB", end="")
    for antialias in (True, False):
        worst, median = psnr_of_tf(files, recipe, antialias)
        label = "with" if antialias else "without"
        print(f"; tf.data {label} antialias min {worst:.1f}, median {median:.1f}", end="")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=512, help="images per run (COCO set repeated)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--recipes", nargs="+", default=["yolov3_416", "resnet_224"])
    parser.add_argument("--settle", type=float, default=1.0, help="seconds of pause before each timed run")
    args = parser.parse_args()
    SETTLE_SECONDS[0] = args.settle
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
