"""Build the baseline of the hardening demo: the demo's digits CNN architecture, trained the
ordinary way on recipes/data/train/digits_train.npz only, so recipes/adversarial_digits.yaml
can audit it on the held-out digits_test.npz before and after adversarial training.

Run: python recipes/data/audit/make_hardening_baseline.py (seconds; no scikit-learn needed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from make_demo_model import digits_cnn  # the same architecture as the demo model (sibling script)

HERE = Path(__file__).resolve().parent


def main(out: Path = HERE / "digits_cnn_baseline.keras") -> None:
    import keras

    with np.load(HERE.parent / "train" / "digits_train.npz") as data:
        x, y = data["x"], data["y"]
    keras.utils.set_random_seed(0)
    model = digits_cnn()
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    model.save(out)


if __name__ == "__main__":
    main()
