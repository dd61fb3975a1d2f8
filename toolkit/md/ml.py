"""ML potential hook: a user-supplied Keras model as a force term (forces by autodiff).

The model maps positions of shape (1, N, 3) in nm to an energy in kJ/mol (shape (1,) or
(1, 1)); TensorFlow is imported only when such a term is built.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError


class MLPotentialForce:
    """Energy and forces (-dE/dx by ``tf.GradientTape``) from a Keras model or a callable.

    >>> import tensorflow as tf  # doctest: +SKIP
    >>> term = MLPotentialForce(lambda x: tf.reduce_sum(x ** 2))  # doctest: +SKIP
    >>> term.energy_forces(np.ones((2, 3)), None)[0]  # doctest: +SKIP
    6.0
    """

    group = "ml"

    def __init__(self, model) -> None:
        import tensorflow as tf

        self.tf = tf
        self.model = model

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> MLPotentialForce:
        path = Path(path)
        if not path.exists():
            raise InputError("no such ML potential model", where=str(path))
        import tensorflow as tf

        try:
            model = tf.keras.models.load_model(path, compile=False)
        except (OSError, ValueError) as err:
            raise InputError(f"cannot load Keras model ({err})", where=str(path)) from None
        return cls(model)

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        tf = self.tf
        x = tf.constant(positions[None], dtype=tf.float64)
        with tf.GradientTape() as tape:
            tape.watch(x)
            energy = tf.reduce_sum(tf.cast(self.model(x), tf.float64))
        grad = tape.gradient(energy, x)
        forces = -np.asarray(grad.numpy()[0], dtype=float) if grad is not None else np.zeros_like(positions)
        return float(energy.numpy()), forces
