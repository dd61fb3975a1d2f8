"""Run in a subprocess with NUMBA_ENABLE_CUDASIM=1: the CUDA kernel against the CPU one.

Prints one line per case and exits non-zero on a mismatch.
"""

from __future__ import annotations

import sys

import numpy as np

from mstool.schemas.preprocess import (
    CenterCropOp,
    HflipOp,
    LetterboxOp,
    NormalizeOp,
    ResizeOp,
    ResizeShorterOp,
)
from mstool.toolkit.backend import resolve_device
from mstool.toolkit.preprocess.geometry import plan_image
from mstool.toolkit.preprocess.transform import transform
from tests.preprocess.images import synthetic_rgb

CASES = {
    "bilinear-chw-f32": ([ResizeOp(height=7, width=9, interpolation="bilinear"),
                          NormalizeOp(scale=1 / 255, mean=[0.5, 0.4, 0.3], std=[0.2, 0.3, 0.4])],
                         "CHW", "float32"),
    "letterbox-flip-u8": ([LetterboxOp(size=8, fill=114, interpolation="antialias"), HflipOp()],
                          "HWC", "uint8"),
    "shorter-crop-f16": ([ResizeShorterOp(size=9, interpolation="bicubic"), CenterCropOp(height=6, width=6)],
                         "CHW", "float16"),
    "nearest-area": ([ResizeOp(height=5, width=6, interpolation="area")], "HWC", "float32"),
}


def main() -> int:
    assert resolve_device("cuda") == "cuda", "the simulator should count as a CUDA device"
    img = synthetic_rgb(12, 15, seed=2)
    worst = 0.0
    for name, (ops, layout, dtype) in CASES.items():
        plan = plan_image(ops, img.shape[:2])
        cpu = transform(img, plan, layout=layout, dtype=dtype, device="cpu").astype(np.float64)
        gpu = transform(img, plan, layout=layout, dtype=dtype, device="cuda").astype(np.float64)
        error = float(np.abs(cpu - gpu).max()) if cpu.shape == gpu.shape else float("inf")
        tolerance = 1.0 if dtype == "uint8" else 2e-3
        print(f"{name}: shape {gpu.shape} max error {error:.2e}")
        if error > tolerance:
            return 1
        worst = max(worst, error)
    if not pipeline_matches():
        return 1
    print(f"ok worst {worst:.2e}")
    return 0


def pipeline_matches() -> bool:
    """``preprocess_images(device="cuda")`` writes what the CPU pipeline writes."""
    import tempfile
    from pathlib import Path

    import h5py

    from mstool.schemas.preprocess import PreprocessRecipe
    from mstool.toolkit.preprocess.pipeline import PreprocessOptions, preprocess_images
    from tests.preprocess.images import encode

    recipe = PreprocessRecipe(ops=[{"op": "letterbox", "size": 8}, {"op": "normalize", "scale": 1 / 255}])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = []
        for seed in range(2):
            files.append(root / f"{seed}.png")
            files[-1].write_bytes(encode(synthetic_rgb(10 + seed, 13, seed), "PNG"))
        arrays = {}
        for device in ("cpu", "cuda"):
            report = preprocess_images(files, root / f"{device}.h5", recipe, PreprocessOptions(device=device))
            with h5py.File(root / f"{device}.h5") as h5:
                arrays[device] = h5["images"][()]
            assert report.device == device
    error = float(np.abs(arrays["cpu"] - arrays["cuda"]).max())
    print(f"pipeline --device cuda: max error {error:.2e}")
    return error < 1e-5


if __name__ == "__main__":
    sys.exit(main())
