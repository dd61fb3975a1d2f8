"""The Keras quantum layer: adjoint VJP against finite differences, and model.fit learning
a small separable data set. TensorFlow loads only here."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO_ROOT, run_cli

pytest.importorskip("tensorflow")


def test_qsim_package_does_not_import_tensorflow():
    code = "import sys, mstool.toolkit.qsim, mstool.cli.qsim; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_layer_gradients_match_finite_differences():
    import tensorflow as tf

    from mstool.toolkit.qsim.observables import PauliSum
    from mstool.toolkit.qsim.qnn import QuantumLayer, classifier_circuit

    circ, inputs, weights = classifier_circuit(2, 2, 1)
    observables = [PauliSum.parse("Z0"), PauliSum.parse("0.5 X1 + 0.3 Z0 Z1")]
    layer = QuantumLayer(circ, observables, inputs, weights, seed=1)
    x = tf.constant([[0.2, -0.4], [0.7, 0.1]], dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * tf.constant([[1.0, -2.0], [0.5, 1.5]], dtype=y.dtype))
    gx = tape.gradient(loss, x).numpy()
    gw = tape.gradient(loss, layer.circuit_weights).numpy()
    fn, w = layer.function, layer.circuit_weights.numpy()
    dy = np.array([[1.0, -2.0], [0.5, 1.5]])

    def total(xv, wv):
        return float(np.sum(fn.forward(xv, wv) * dy))

    h = 1e-6
    xv = x.numpy()
    for idx in np.ndindex(xv.shape):
        e = np.zeros_like(xv)
        e[idx] = h
        assert abs(gx[idx] - (total(xv + e, w) - total(xv - e, w)) / (2 * h)) < 1e-6
    for k in range(w.shape[0]):
        e = np.zeros_like(w)
        e[k] = h
        assert abs(gw[k] - (total(xv, w + e) - total(xv, w - e)) / (2 * h)) < 1e-6


def test_train_command_fits_a_separable_set(tmp_path):
    res = run_cli("qsim", "train", REPO_ROOT / "recipes" / "qnn_moons.yaml", "--set", "data.kind=blobs",
                  "--set", "data.samples=40", "--set", "layers=1", "--set", "epochs=10",
                  "--set", "batch_size=8",
                  "--set", "learning_rate=0.1", "-o", tmp_path / "q.h5", "--json")
    assert res.exit_code == 0, res.stderr
    out = res.json()
    assert out["train_accuracy"] >= 0.9 and out["test_accuracy"] >= 0.8
    import h5py

    with h5py.File(tmp_path / "q.h5") as h5:
        loss = h5["loss"][()]
    assert loss[-1] < 0.6 * loss[0]
