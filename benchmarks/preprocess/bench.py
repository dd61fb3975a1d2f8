"""Images/s of mstool preprocess against PIL, tf.data and OpenCV: same recipe, same workers, same writes.

Run with the benchmark venv (mstool + anchors from requirements.txt):

    /work/bench-preprocess/bin/python benchmarks/preprocess/bench.py --images 512 --workers 2

For each recipe (yolov3_416, resnet_224) over the COCO photos in ../shared/data/images
(repeated to --images), every engine runs in its own warm process through
benchmarks/runner.py, interleaved with repeats, in two modes:

- ``memory``: the arrays are consumed in memory by the main thread;
- ``HDF5``: every engine writes the same artifact layout (``images`` (N, C, H, W) chunked
  one image per chunk, plus per-image source, original size, scale and padding) from a
  writer thread while the next images are computed, to a temporary file that is fsynced and
  renamed at the end: mstool through ``preprocess_images``, the anchors through h5py.

PIL and OpenCV run on a pool of ``--workers`` threads (OpenCV's own threading off, so the
thread count matches), tf.data maps with AUTOTUNE on a private pool of ``--workers`` threads.
Before every timed call, the previous output is deleted and the machine gets ``--settle``
seconds (a virtual disk may keep writing after fsync returns). The outputs check compares
the image count and the mean of the first 16 tensors; PSNR against naive PIL is printed.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import tempfile
import threading
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
    return opencv_sized(path, recipe)[0]


def opencv_sized(path: Path, recipe: str) -> tuple[np.ndarray, tuple[int, int]]:
    """The OpenCV tensor and the image's (height, width)."""
    import cv2

    image = cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    h, w = image.shape[:2]
    geometry = letterbox_geometry(h, w) if recipe == "yolov3_416" else shorter_geometry(h, w)
    nh, nw, top, left = geometry
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA)  # antialiased, like the recipe
    return (finish_yolo if recipe == "yolov3_416" else finish_resnet)(resized, top, left), (h, w)


def tf_dataset(files: list[Path], recipe: str, antialias: bool, threads: int | None = None):
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
    dataset = paths.map(load, num_parallel_calls=autotune).prefetch(autotune)
    if threads is not None:  # the same worker count as the other engines; AUTOTUNE tunes within it
        options = tf.data.Options()
        options.threading.private_threadpool_size = threads
        dataset = dataset.with_options(options)
    return dataset


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


# --- the engines, one per method: memory or HDF5 ----------------------------------------

DIGEST_IMAGES = 16


class Digest:
    """Image count and the mean of the first DIGEST_IMAGES tensors (the same cost for every engine)."""

    def __init__(self) -> None:
        self.count, self.total, self.values = 0, 0.0, 0

    def add(self, array: np.ndarray) -> None:
        if self.count < DIGEST_IMAGES:
            self.total += float(array.sum(dtype=np.float64))
            self.values += array.size
        self.count += 1

    def result(self) -> dict:
        return {"count": self.count, "mean_first": self.total / max(self.values, 1)}


def h5_digest(path: Path) -> dict:
    import h5py

    with h5py.File(path) as h5:
        images = h5["images"]
        first = images[: min(DIGEST_IMAGES, len(images))].astype(np.float64)
        return {"count": int(len(images)), "mean_first": float(first.mean())}


class ThreadedSink:
    """An H5Sink fed by a writer thread, as mstool's writer is: the producer never waits on h5py."""

    def __init__(self, path: Path, count: int, shape: tuple[int, ...], recipe: str) -> None:
        self.sink, self.recipe = H5Sink(path, count, shape), recipe
        self.items: queue.Queue = queue.Queue(maxsize=8)
        self.thread = threading.Thread(target=self._drain, name="writer")
        self.thread.start()

    def _drain(self) -> None:
        while (item := self.items.get()) is not None:
            self.sink.add(*item, self.recipe)

    def add(self, array: np.ndarray, source: Path, original: tuple[int, int]) -> None:
        self.items.put((array, source, original))

    def close(self) -> None:
        self.items.put(None)
        self.thread.join()
        self.sink.close()


def pooled(fn, files: list[Path], recipe: str, workers: int, pool: ThreadPoolExecutor):
    """``fn(path, recipe)`` over ``files`` in order, on ``workers`` threads."""
    if workers == 1:
        return (fn(path, recipe) for path in files)
    return pool.map(lambda p: fn(p, recipe), files)


def anchor_engine(method: str, recipe: str, mode: str, files: list[str], workers: int, out_dir: str):
    """Runner factory for PIL, OpenCV and tf.data (``tf_antialias``, ``tf_no_antialias``)."""
    paths = [Path(f) for f in files]
    out = Path(out_dir) / f"{recipe}-{method}.h5"
    settings = {"workers": workers}
    if method == "opencv":
        import cv2

        cv2.setNumThreads(1)  # the pool gives OpenCV its workers, as PIL and mstool get theirs
        settings["cv2_threads"] = 1
    pool = ThreadPoolExecutor(workers)

    def produce():
        """(array, original size) per file, in order."""
        if method.startswith("tf_"):
            dataset = tf_dataset(paths, recipe, antialias=method == "tf_antialias", threads=workers)
            return ((a, tuple(int(v) for v in o)) for a, o in dataset.as_numpy_iterator())
        fn = naive_pil_sized if method == "pil" else opencv_sized
        return pooled(fn, paths, recipe, workers, pool)

    def run_memory():
        digest = Digest()
        for array, _ in produce():
            digest.add(array)
        return digest.result

    def run_hdf5():
        sink = ThreadedSink(out, len(paths), output_shape(recipe), recipe)
        for path, (array, original) in zip(paths, produce(), strict=True):
            sink.add(array, path, original)
        sink.close()
        return lambda: h5_digest(out)

    if method.startswith("tf_"):
        settings.update(
            {"num_parallel_calls": "AUTOTUNE", "prefetch": "AUTOTUNE", "private_threadpool": workers}
        )
    return {
        "run": run_memory if mode == "memory" else run_hdf5,
        "threads": workers,
        "settings": settings,
        "before": lambda: settle(out),
    }


def mstool_engine(method: str, recipe: str, mode: str, files: list[str], workers: int, out_dir: str):
    """Runner factory for mstool: ``preprocess_images`` (HDF5) or its pipeline consumed in memory."""
    paths = [Path(f) for f in files]
    out = Path(out_dir) / f"{recipe}-mstool.h5"

    def run_hdf5():
        run_mstool(paths, recipe, workers, out)
        return lambda: h5_digest(out)

    def run_memory():
        return run_mstool_in_memory(paths, recipe, workers).result

    return {
        "run": run_memory if mode == "memory" else run_hdf5,
        "threads": workers,
        "settings": {"workers": workers, "writer_thread": mode == "HDF5"},
        "before": lambda: settle(out),
    }


def settle(previous_output: Path) -> None:
    """Deleting the previous run's file (page cache, blocks) is not preprocessing: done untimed,
    then a pause so that no engine pays for the writes of the one before it."""
    previous_output.unlink(missing_ok=True)
    os.sync()
    time.sleep(float(os.environ.get("MSTOOL_BENCH_SETTLE", "1.0")))


def run_mstool(files, recipe_name, workers, out: Path) -> None:
    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.io import load_recipe
    from mstool.toolkit.preprocess.pipeline import preprocess_images

    recipe = load_recipe(REPO / "recipes" / f"{recipe_name}.yaml", PreprocessRecipe)
    preprocess_images(files, out, recipe, PreprocessOptions(workers=workers))


def run_mstool_in_memory(files, recipe_name, workers) -> Digest:
    """mstool's pipeline (threads, decode, fused kernel) with the arrays consumed in memory,
    as the anchors do: no HDF5 file."""
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
    digest = Digest()
    with ThreadPoolExecutor(workers) as pool:
        for done in ordered_map(pool, worker, items, window=window):
            digest.add(done.buffer)
            outputs.put(done.buffer)
    return digest


# --- accuracy against naive PIL --------------------------------------------------------


def psnr_against_pil(files, recipe_name, workers, out_dir) -> tuple[float, float]:
    import h5py

    out = Path(out_dir) / f"{recipe_name}-psnr.h5"
    run_mstool(files, recipe_name, workers, out)
    peak = 1.0 if recipe_name == "yolov3_416" else float((1.0 / IMAGENET_STD).max())
    values = []
    with h5py.File(out) as h5:
        for i, path in enumerate(files):
            mse = np.mean((h5["images"][i].astype(np.float64) - naive_pil(path, recipe_name)) ** 2)
            values.append(10 * np.log10(peak**2 / mse))
    return float(min(values)), float(np.median(values))


def psnr_of_tf(files, recipe: str, antialias: bool) -> tuple[float, float]:
    """PSNR of tf.data's tensors against the naive PIL reference (min, median)."""
    peak = 1.0 if recipe == "yolov3_416" else float((1.0 / IMAGENET_STD).max())
    values = []
    for path, (array, _) in zip(files, tf_dataset(files, recipe, antialias).as_numpy_iterator(), strict=True):
        mse = np.mean((array.astype(np.float64) - naive_pil(path, recipe)) ** 2)
        values.append(10 * np.log10(peak**2 / mse))
    return float(min(values)), float(np.median(values))


METHODS = {  # engine name -> (factory, method)
    "naive PIL": ("anchor_engine", "pil"),
    "OpenCV": ("anchor_engine", "opencv"),
    "tf.data AUTOTUNE (antialias)": ("anchor_engine", "tf_antialias"),
    "tf.data AUTOTUNE (no antialias)": ("anchor_engine", "tf_no_antialias"),
    "mstool CPU": ("mstool_engine", "mstool"),
}


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=512, help="images per run (COCO set repeated)")
    parser.add_argument("--workers", type=int, default=2, help="threads of every engine")
    parser.add_argument("--recipes", nargs="+", default=["yolov3_416", "resnet_224"])
    parser.add_argument("--modes", nargs="+", default=["memory", "HDF5"], choices=["memory", "HDF5"])
    parser.add_argument("--settle", type=float, default=1.0, help="seconds of pause before each timed run")
    parser.add_argument("--anchor-python", default=sys.executable, help="python of the anchors' venv")
    args = runner.parse_args(parser=parser)
    if not COCO.is_dir():
        print(f"no COCO images at {COCO}")
        return 2
    count = 32 if args.quick else args.images
    settle_s = 0.2 if args.quick else args.settle
    photos = sorted(COCO.glob("*.jpg"))
    files = [photos[i % len(photos)] for i in range(count)]
    this = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as out_dir:
        psnr = {}
        for recipe in args.recipes:
            sample = files[: min(len(files), 16 if args.quick else 64)]
            psnr[recipe] = {
                "mstool": psnr_against_pil(sample, recipe, args.workers, out_dir),
                "tf_antialias": psnr_of_tf(sample, recipe, True),
                "tf_no_antialias": psnr_of_tf(sample, recipe, False),
            }
        engines = [
            runner.Engine(
                name,
                f"{this}:{factory}",
                threads=args.workers,
                python=sys.executable if method == "mstool" else args.anchor_python,
                env={"MSTOOL_BENCH_SETTLE": str(settle_s), "TF_CPP_MIN_LOG_LEVEL": "3"},
                kwargs={"method": method},
                packages=("mstool", "pillow", "opencv-python-headless", "tensorflow-cpu", "h5py"),
            )
            for name, (factory, method) in METHODS.items()
        ]
        common = {"files": [str(f) for f in files], "workers": args.workers, "out_dir": out_dir}
        cases = [
            runner.Case(
                f"{recipe} {mode}",
                {**common, "recipe": recipe, "mode": mode},
                units=count,
                unit_name="images",
            )
            for recipe in args.recipes
            for mode in args.modes
        ]
        record = runner.run(
            "preprocess",
            "bench",
            engines,
            cases,
            args=args,
            rtol=0.0,
            atol=0.02,
            reference="mstool CPU",
            params={
                "images": count,
                "workers": args.workers,
                "settle_s": settle_s,
                "psnr_vs_naive_pil_db": psnr,
            },
        )
    print("\nimages/s (median) and mstool's speed-up over each engine:")
    for case in record["cases"]:
        for name, entry in case["engines"].items():
            if "wall_stats" in entry:
                print(
                    f"  {case['label']:<22}{name:<34}{count / entry['wall_stats']['median']:>8.1f}"
                    f"{case['ratios'][name]['wall']:>8.2f}x"
                )
    for recipe, values in psnr.items():
        print(
            f"PSNR vs naive PIL, {recipe} (min, median dB): "
            + ", ".join(f"{k} {v[0]:.1f}/{v[1]:.1f}" for k, v in values.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
