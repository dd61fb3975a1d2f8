"""Build the baseline of the hardening demo: the demo's digits CNN architecture, trained the
ordinary way on recipes/data/train/digits_train.npz only, so recipes/adversarial_digits.yaml
can audit it on the held-out digits_test.npz before and after adversarial training.

Run: python recipes/data/audit/make_hardening_baseline.py (seconds; no scikit-learn needed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main(out: Path = HERE / "digits_cnn_baseline.keras") -> None:
    import keras

    with np.load(HERE.parent / "train" / "digits_train.npz") as data:
        x, y = data["x"], data["y"]
    keras.utils.set_random_seed(0)
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
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    model.save(out)


if __name__ == "__main__":
    main()
