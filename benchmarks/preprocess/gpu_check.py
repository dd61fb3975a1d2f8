"""Check the CUDA preprocess kernel against the CPU kernel on a real GPU, and time both.

Usage: python benchmarks/preprocess/gpu_check.py [--tiny]
Works from a source checkout without installing mstool (no TensorFlow, no image
decoder needed: inputs are synthetic photos-like arrays). Exits 1 on a mismatch.
"""

from __future__ import annotations

import argparse
import sys
import time
import types
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def _import_mstool() -> None:
    """Use the installed package, else map the checkout's folders into ``mstool``."""
    try:
        import mstool.toolkit.preprocess  # noqa: F401
    except ImportError:
        package = types.ModuleType("mstool")
        package.__path__ = [str(REPO)]
        sys.modules["mstool"] = package


def synthetic(height: int, width: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.stack([127 + 100 * np.sin(x / 37 + y / 91), 127 + 100 * np.cos(y / 53), (x + y) % 256], axis=2)
    img += rng.normal(0, 6, img.shape).astype(np.float32)
    return img.clip(0, 255).astype(np.uint8)


def cases(tiny: bool):
    from mstool.schemas.preprocess import (
        CenterCropOp,
        HflipOp,
        LetterboxOp,
        NormalizeOp,
        ResizeOp,
        ResizeShorterOp,
    )

    imagenet = NormalizeOp(scale=1 / 255, mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    yolo = NormalizeOp(scale=1 / 255)
    scale = 16 if tiny else 1
    return [
        ("yolov3 letterbox 416 (1080p)", (1080 // scale, 1920 // scale),
         [LetterboxOp(size=416 // scale), yolo], "CHW", "float32"),
        ("resnet 256/224 (640x480)", (480 // scale, 640 // scale),
         [ResizeShorterOp(size=256 // scale),
          CenterCropOp(height=224 // scale, width=224 // scale), imagenet],
         "CHW", "float32"),
        ("bilinear 4K->1080p + hflip, uint8", (2160 // scale, 3840 // scale),
         [ResizeOp(height=1080 // scale, width=1920 // scale, interpolation="bilinear"), HflipOp()],
         "HWC", "uint8"),
        ("bicubic 1080p->512, fp16", (1080 // scale, 1920 // scale),
         [ResizeOp(height=512 // scale, width=512 // scale, interpolation="bicubic")], "CHW", "float16"),
    ]


def timed(transform, img, plan, layout, dtype, device, repeats: int) -> tuple[np.ndarray, float]:
    """Median seconds of ``repeats`` calls, after one call that compiles and warms up."""
    out = transform(img, plan, layout=layout, dtype=dtype, device=device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = transform(img, plan, layout=layout, dtype=dtype, device=device)
        times.append(time.perf_counter() - start)
    return out, float(np.median(times))


def kernel_only_seconds(img, plan, layout, dtype, repeats: int) -> float:
    """Median seconds of the CUDA kernel alone, inputs and output resident on the GPU."""
    from numba import cuda

    from mstool.toolkit.preprocess.cuda_kernels import _kernel
    from mstool.toolkit.preprocess.transform import kernel_args

    args = kernel_args(img, plan, layout, dtype)
    kernel = _kernel()
    tables = [cuda.to_device(np.ascontiguousarray(t)) for t in args.tables]
    src, gain, bias, fill = (cuda.to_device(a) for a in (args.src, args.gain, args.bias, args.fill))
    out = cuda.device_array(3 * plan.shape[0] * plan.shape[1], np.uint8 if args.to_uint8 else np.float32)
    blocks = ((plan.shape[0] + 15) // 16, (plan.shape[1] + 15) // 16)

    def launch():
        kernel[blocks, (16, 16)](src, 3, *tables, gain, bias, fill, out, *args.strides, args.to_uint8)
        cuda.synchronize()

    launch()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        launch()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny sizes (for the CUDA simulator)")
    args = parser.parse_args()
    _import_mstool()
    from mstool.toolkit.preprocess.cuda_kernels import cuda_available
    from mstool.toolkit.preprocess.geometry import plan_image
    from mstool.toolkit.preprocess.transform import transform

    if not cuda_available():
        print("no CUDA device visible to numba")
        return 2
    repeats = 1 if args.tiny else 10
    print(f"{'case':40s} {'out shape':>16s} {'cpu ms':>8s} {'cuda ms':>8s} {'speedup':>8s} "
          f"{'kernel ms':>9s} {'max err':>9s}")
    failed = False
    for seed, (name, size, ops, layout, dtype) in enumerate(cases(args.tiny)):
        img = synthetic(*size, seed)
        plan = plan_image(ops, size)
        cpu, cpu_s = timed(transform, img, plan, layout, dtype, "cpu", repeats)
        gpu, gpu_s = timed(transform, img, plan, layout, dtype, "cuda", repeats)
        error = float(np.abs(cpu.astype(np.float64) - gpu.astype(np.float64)).max())
        magnitude = max(1.0, float(np.abs(cpu.astype(np.float64)).max()))
        tolerance = 1.0 if dtype == "uint8" else (2e-3 if dtype == "float16" else 1e-5) * magnitude
        failed |= error > tolerance or cpu.shape != gpu.shape
        kernel_s = kernel_only_seconds(img, plan, layout, dtype, repeats)
        print(f"{name:40s} {str(gpu.shape):>16s} {cpu_s * 1e3:8.2f} {gpu_s * 1e3:8.2f} "
              f"{cpu_s / gpu_s:7.2f}x {kernel_s * 1e3:9.3f} {error:9.2e}"
              f"{'  MISMATCH' if error > tolerance else ''}")
    print("cpu ms: the parallel CPU kernel; cuda ms: transform(device='cuda'): image upload, kernel,")
    print("copy back (tables stay on the device per plan); kernel ms: the CUDA kernel alone")
    print("FAILED" if failed else "OK: CUDA matches CPU")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
