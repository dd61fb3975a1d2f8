"""Rebuild the bundled audit demo: a small CNN on scikit-learn's 8x8 digits and 300 test digits.

The test digits keep scikit-learn's raw 0-16 pixel scale, so the demo recipe shows the
preprocessing (scale 1/16) and an input range that is not [0, 1].
Run: python recipes/data/audit/make_demo_model.py (needs scikit-learn; takes seconds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def digits_cnn():
    """The demo's small digits CNN (8x8x1 -> 10 logits), compiled for training."""
    import keras

    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def main(out: Path = Path(__file__).resolve().parent) -> None:
    import keras
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits.target))
    raw, labels = digits.images[order].astype(np.uint8), digits.target[order]
    x = (raw / 16.0).astype(np.float32)[..., None]
    keras.utils.set_random_seed(0)
    model = digits_cnn()
    model.fit(x[:1400], labels[:1400], epochs=15, batch_size=32, verbose=0)
    model.save(out / "digits_cnn.keras")
    np.savez_compressed(out / "digits_test.npz", x=raw[1400:1700], y=labels[1400:1700])


if __name__ == "__main__":
    main()
