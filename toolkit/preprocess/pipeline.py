"""The preprocess pipeline: decode in a thread pool, fused kernel, HDF5 writes, bounded.

Decoders (libjpeg-turbo, Pillow) release the GIL, so ``workers`` threads decode while
the main thread runs the fused kernel (numba, ``nogil``) and writes the previous image.
At most ``2 * workers + 2`` decoded images are alive at once: memory is flat in N.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mstool.schemas.preprocess import PreprocessRecipe
from mstool.toolkit.backend import resolve_device
from mstool.toolkit.errors import InputError, WorkFailed
from mstool.toolkit.io import check_writable, output_lock
from mstool.toolkit.preprocess.chunkio import aligned_artifact, aligned_empty
from mstool.toolkit.preprocess.decode import (
    Decoded,
    DecodeError,
    DecodeOptions,
    decode_image,
    read_bytes,
)
from mstool.toolkit.preprocess.geometry import (
    GeometryError,
    Plan,
    dct_target,
    fixed_output_shape,
    plan_image,
)
from mstool.toolkit.preprocess.sources import (
    Item,
    apply_manifest,
    class_names_for,
    collect_inputs,
    read_manifest,
    shard_slice,
)
from mstool.toolkit.preprocess.transform import transform
from mstool.toolkit.preprocess.writer import ImagesWriter


@dataclass
class PreprocessOptions:
    """How to run (not what to compute: that is the recipe)."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    shard: tuple[int, int] | None = None
    strict: bool = False
    overwrite: bool = False
    device: str = "cpu"
    labels: Path | None = None
    raw_writes: bool = True  # uncompressed chunks by pwrite at preallocated offsets (else HDF5 calls)
    allow_empty: bool = False  # write an artifact of 0 images when every input is skipped (a shard)


@dataclass
class PreprocessReport:
    """What a run did: counts, skipped files with reasons, and speed."""

    output: Path
    images: int
    skipped: list[dict[str, str]]
    seconds: float
    cpu_seconds: float
    shape: tuple[int, ...]
    device: str
    workers: int

    def summary(self) -> dict:
        return {
            "output": str(self.output),
            "images": self.images,
            "skipped": len(self.skipped),
            "skipped_files": self.skipped,
            "images_per_second": self.images / self.seconds if self.seconds > 0 else 0.0,
            "images_per_cpu_second": self.images / self.cpu_seconds if self.cpu_seconds > 0 else 0.0,
            "seconds": self.seconds,
            "shape": list(self.shape),
            "device": self.device,
            "workers": self.workers,
        }


@dataclass
class Processed:
    """What a worker hands back for one input: the tensor (or the reason it was skipped)."""

    item: Item
    pixels: np.ndarray | None = None
    decoded: Decoded | None = None
    plan: Plan | None = None
    chunk: bytes | None = None  # the zlib-compressed tensor when the output is gzip
    buffer: np.ndarray | None = None  # the pooled output buffer ``pixels`` lives in
    reason: str | None = None


class ImageWorker:
    """Read, decode, plan and (on CPU) run the fused kernel for one input, in a pool thread.

    Pool threads run the serial kernel: images are processed in parallel, so no core
    waits on a per-image barrier.
    """

    def __init__(self, recipe: PreprocessRecipe, device: str, outputs: queue.Queue | None = None) -> None:
        self.recipe, self.device, self.outputs = recipe, device, outputs
        self.local = threading.local()
        self.decode_options = DecodeOptions(**recipe.decode.model_dump())
        output = recipe.output
        self.zlib_level = output.compression_level if output.compression == "gzip" else None
        self.raw_chunks = output.compression == "none"
        self.plans: dict[tuple, Plan] = {}

    def __call__(self, item: Item) -> Processed:
        recipe = self.recipe
        # On CPU the decoded pixels die in this thread: decode into a per-thread buffer.
        buffer = self.thread_buffer if self.device == "cpu" else None
        try:
            data = read_bytes(item.path)
            decoded = decode_image(data, lambda hw: dct_target(recipe.ops, *hw), self.decode_options, buffer)
            plan = self.plan_for(decoded)
        except (DecodeError, GeometryError) as err:
            return Processed(item, reason=str(err))
        done = Processed(item, decoded=decoded, plan=plan)
        if self.device == "cpu":
            out = self.outputs.get() if self.outputs is not None else None
            done.pixels = self.run_kernel(decoded, plan, out)
            done.buffer = out
            if self.zlib_level is not None:  # HDF5's gzip filter stores zlib streams
                done.chunk = zlib.compress(done.pixels, self.zlib_level)
            done.decoded = Decoded(np.empty((0, 0, 3), np.uint8), decoded.original)  # drop pixels
        return done

    def thread_buffer(self, nbytes: int) -> bytearray:
        """This thread's decode buffer, replaced by a larger one when too small."""
        buffer = getattr(self.local, "buffer", None)
        if buffer is None or len(buffer) < nbytes:
            buffer = self.local.buffer = bytearray(nbytes)
        return buffer

    def plan_for(self, decoded: Decoded) -> Plan:
        """Plans depend only on sizes: photo sets repeat a few, so plans are cached."""
        key = (decoded.original, decoded.size)
        plan = self.plans.get(key)
        if plan is None:
            plan = plan_image(self.recipe.ops, decoded.original, decoded.size)
            if len(self.plans) < 512:
                self.plans[key] = plan
        return plan

    def run_kernel(self, decoded: Decoded, plan: Plan, out: np.ndarray | None = None) -> np.ndarray:
        output = self.recipe.output
        return transform(decoded.pixels, plan, layout=output.layout, dtype=output.dtype,
                         device=self.device, threaded=False, out=out)


def ordered_map(executor: Executor, fn: Callable, items: list, window: int) -> Iterator:
    """``map`` in input order with at most ``window`` tasks in flight (bounded memory).

    >>> with ThreadPoolExecutor(2) as pool:
    ...     list(ordered_map(pool, lambda x: x * x, [1, 2, 3], window=2))
    [1, 4, 9]
    """
    pending: deque = deque()
    source = iter(items)
    for item in source:
        pending.append(executor.submit(fn, item))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(source, None)
        if nxt is not None:
            pending.append(executor.submit(fn, nxt))
        yield result


def gather_items(inputs: list[Path], options: PreprocessOptions) -> tuple[list[Item], list[str]]:
    """Inputs, labelled and sharded, plus the class names of the whole (unsharded) set."""
    items = collect_inputs(inputs)
    if not items:
        raise InputError("no image files found in " + ", ".join(str(p) for p in inputs))
    if options.labels is not None:
        apply_manifest(items, read_manifest(options.labels), options.labels)
    names = class_names_for(items)
    return shard_slice(items, options.shard), names


def warm_up(recipe: PreprocessRecipe, device: str) -> None:
    """Compile (or load from cache) the kernel before the clock starts."""
    tiny = np.zeros((8, 8, 3), np.uint8)
    try:
        plan = plan_image(recipe.ops, (8, 8))
    except GeometryError:
        plan = plan_image(recipe.ops, (4096, 4096))
        tiny = np.zeros((4096, 4096, 3), np.uint8)
    transform(tiny, plan, layout=recipe.output.layout, dtype=recipe.output.dtype, device=device,
              threaded=False)


def store(done: Processed, writer: ImagesWriter, worker: ImageWorker, strict: bool,
          on_skip: Callable[[str, str], None] | None) -> None:
    """Write one finished image (in input order), or record why it was skipped."""
    if done.reason is not None:
        if strict:
            raise InputError(f"{done.reason} (--strict)", where=str(done.item.path))
        writer.skip(done.item, done.reason)
        if on_skip is not None:
            on_skip(str(done.item.path), done.reason)
        return
    if done.pixels is None:  # CUDA: kernels run from this thread
        done.pixels = worker.run_kernel(done.decoded, done.plan)
    chunk = done.pixels if worker.raw_chunks else done.chunk
    writer.add(done.item, done.pixels, done.decoded.original, done.plan, chunk)


def preprocess_images(
    inputs: list[Path],
    output: Path,
    recipe: PreprocessRecipe,
    options: PreprocessOptions | None = None,
    on_skip: Callable[[str, str], None] | None = None,
    on_image: Callable[[], None] | None = None,
    listed: tuple[list[Item], list[str]] | None = None,
) -> PreprocessReport:
    """Turn image files into an ``images`` artifact at ``output``; returns a report.

    Bad files are skipped (``on_skip(path, reason)``) or, with ``strict``, stop the run
    before anything is written. ``listed``: the items to process (labelled, and sharded
    when ``options.shard`` is set) with the class names of the whole set, when the
    caller has listed ``inputs`` already (a shard task gets its block this way instead
    of scanning the folders again).
    """
    options = options or PreprocessOptions()
    check_writable(output, overwrite=options.overwrite)
    with output_lock(output):  # a second run on this output stops here, before any work
        return _preprocess_locked(inputs, output, recipe, options, on_skip, on_image, listed)


def _preprocess_locked(
    inputs: list[Path],
    output: Path,
    recipe: PreprocessRecipe,
    options: PreprocessOptions,
    on_skip: Callable[[str, str], None] | None,
    on_image: Callable[[], None] | None,
    listed: tuple[list[Item], list[str]] | None = None,
) -> PreprocessReport:
    try:
        height, width = fixed_output_shape(recipe.ops)
    except GeometryError as err:
        raise InputError(str(err), where="recipe ops") from err
    device = resolve_device(options.device)
    items, class_names = listed if listed is not None else gather_items(inputs, options)
    warm_up(recipe, device)
    workers = max(1, options.workers)
    window = 2 * workers + 2
    # One reusable output buffer per image in flight (fresh multi-MB arrays cost page faults).
    outputs: queue.Queue = queue.Queue()
    kernel_dtype = np.uint8 if recipe.output.dtype == "uint8" else np.float32
    for _ in range(window + workers):
        outputs.put(aligned_empty(3 * height * width, kernel_dtype))
    worker = ImageWorker(recipe, device, outputs)
    start, cpu_start = time.perf_counter(), time.process_time()
    with aligned_artifact(output, overwrite=options.overwrite) as art:
        raw_path = art.h5.filename if options.raw_writes else None
        writer = ImagesWriter(art.h5, recipe, (height, width), len(items), class_names, raw_path)
        try:
            with ThreadPoolExecutor(workers, thread_name_prefix="decode") as pool:
                for done in ordered_map(pool, worker, items, window=window):
                    store(done, writer, worker, options.strict, on_skip)
                    if done.buffer is not None:
                        outputs.put(done.buffer)
                    if on_image is not None:
                        on_image()
        finally:
            writer.close()
        if writer.count == 0 and not options.allow_empty:
            raise WorkFailed(f"none of the {len(items)} inputs could be decoded; nothing written")
        art.meta = writer.finish(shard=options.shard)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return PreprocessReport(output, writer.count, writer.skipped, seconds, cpu,
                            writer.image_shape, device, workers)
