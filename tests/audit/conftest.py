"""Fixtures for audit tests: the bundled digits CNN, digits data in [0, 1], and a linear model
whose gradients and decision boundaries are known in closed form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO_ROOT

DEMO = REPO_ROOT / "recipes" / "data" / "audit"


@pytest.fixture(scope="session")
def digits_dir(tmp_path_factory) -> Path:
    """The demo model and 60 digits rescaled to [0, 1] (the range the model was trained on)."""
    out = tmp_path_factory.mktemp("digits")
    with np.load(DEMO / "digits_test.npz") as data:
        x, y = data["x"][:60] / 16.0, data["y"][:60]
    np.savez(out / "digits.npz", x=x.astype(np.float32), y=y)
    return out


@pytest.fixture(scope="session")
def digits_clf(digits_dir):
    from mstool.toolkit.audit.data import load_images
    from mstool.toolkit.audit.models import Preprocess, check_compatible, load_classifier

    clf = load_classifier(DEMO / "digits_cnn.keras", Preprocess())
    x, y = load_images(digits_dir / "digits.npz")
    check_compatible(clf, x, y, "digits")
    return clf, x, y


def linear_weights(
    seed: int = 0, shape: tuple = (4, 4, 1), classes: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (int(np.prod(shape)), classes)).astype(np.float32), rng.normal(
        0, 0.1, classes
    ).astype(np.float32)


@pytest.fixture(scope="session")
def linear_model(tmp_path_factory):
    """A Keras softmax-regression model z = W^T flatten(x) + b on 4x4x1 inputs, and (W, b)."""
    import keras

    w, b = linear_weights()
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])
    model.layers[-1].set_weights([w, b])
    path = tmp_path_factory.mktemp("linear") / "linear.keras"
    model.save(path)
    return path, w, b
