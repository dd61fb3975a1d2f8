"""Small data sets and recipes for the train tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DIGITS_TRAIN = REPO / "recipes" / "data" / "train" / "digits_train.npz"
DIGITS_TEST = REPO / "recipes" / "data" / "train" / "digits_test.npz"


def write_images_artifact(path: Path, images: np.ndarray, labels: np.ndarray | None, layout: str = "HWC",
                          class_names: list[str] | None = None) -> Path:
    """An ``images`` artifact as ``mstool preprocess`` writes it (NHWC input, stored in ``layout``)."""
    from mstool.schemas.images import ImagesMeta
    from mstool.toolkit.io import write_artifact

    count, height, width, channels = images.shape
    stored = images.transpose(0, 3, 1, 2) if layout == "CHW" else images
    meta = ImagesMeta(count=count, height=height, width=width, channels=channels, layout=layout,
                      dtype=str(images.dtype), class_names=class_names or [])
    with write_artifact(path, meta) as art:
        art.h5.create_dataset("images", data=stored, chunks=(min(16, count), *stored.shape[1:]))
        if labels is not None:
            art.h5.create_dataset("labels", data=labels.astype(np.int64))
    return path


def small_recipe(validate: bool = False, **run):
    """A tiny SGD run on the bundled digits (validation on the bundled test part when ``validate``)."""
    from mstool.schemas.train import TrainRecipe

    settings = {"batch_size": 32, "max_steps": 6}
    settings.update(run)
    return TrainRecipe(
        data={"train": str(DIGITS_TRAIN), "val": str(DIGITS_TEST) if validate else None,
              "val_split": 0.0, "shuffle_buffer": 500},
        model={"name": "small_cnn", "width": 8},
        optimizer={"name": "sgd", "lr": 0.05, "nesterov": True, "weight_decay": 1e-4, "clip_norm": 5.0},
        run=settings, checkpoint={"every": 2})


def checkpoint_weights(path: Path) -> list[np.ndarray]:
    import h5py

    with h5py.File(path, "r") as h5:
        return [h5["model"][str(i)][...] for i in range(len(h5["model"]))]


def max_abs_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    assert len(a) == len(b)
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b, strict=True))
