"""The QNN as a Keras citizen: the TensorFlow-op simulation against mstool's simulator,
.keras save/load and a SavedModel export used from fresh processes, and 'qsim train' on a
user dataset."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO_ROOT, run_cli
from tests.qsim.helpers import random_circuit, random_hamiltonian

pytest.importorskip("tensorflow")


def _fresh(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=REPO_ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def test_tensorflow_simulation_matches_the_numba_simulator():
    import tensorflow as tf

    from mstool.toolkit.qsim.gradients import final_state
    from mstool.toolkit.qsim.qnn_tf import TensorFlowCircuit

    rng = np.random.default_rng(3)
    circ = random_circuit(4, 40, rng, symbolic=True, max_controls=2)
    names = circ.parameters
    observables = [random_hamiltonian(4, 5, rng), random_hamiltonian(4, 3, rng)]
    values = rng.normal(size=(3, len(names)))
    out = TensorFlowCircuit(circ, observables, names)(tf.constant(values)).numpy()
    ref = [[o.expectation(final_state(circ, dict(zip(names, row, strict=True)))) for o in observables]
           for row in values]
    assert np.max(np.abs(out - np.array(ref))) < 1e-12


@pytest.mark.parametrize("backend", ["tensorflow", "adjoint"])
def test_both_backends_give_the_same_outputs_and_gradients(backend):
    import tensorflow as tf

    from mstool.toolkit.qsim.observables import PauliSum
    from mstool.toolkit.qsim.qnn import QuantumLayer, classifier_circuit

    circ, inputs, weights = classifier_circuit(3, 2, 2)
    observables = [PauliSum.parse("Z0"), PauliSum.parse("0.5 X1 + 0.3 Z0 Z2")]
    layer = QuantumLayer(circ, observables, inputs, weights, seed=4, backend=backend)
    x = tf.constant([[0.2, -0.4], [0.7, 0.1]], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * tf.constant([[1.0, -2.0], [0.5, 1.5]], dtype=y.dtype))
    gx, gw = tape.gradient(loss, [x, layer.circuit_weights])
    w = layer.circuit_weights.numpy()
    ref = layer.function.forward(x.numpy(), w)
    assert np.max(np.abs(y.numpy() - ref)) < 1e-6  # the layer outputs Keras' float32
    gx_ref, gw_ref = layer.function.vjp(x.numpy(), w, np.array([[1.0, -2.0], [0.5, 1.5]]))
    assert np.max(np.abs(gw.numpy() - gw_ref)) < 1e-6 and np.max(np.abs(gx.numpy() - gx_ref)) < 1e-6


@pytest.mark.slow
def test_keras_save_load_and_savedmodel_export_in_a_fresh_process(tmp_path):
    from mstool.toolkit.qsim.qnn import build_classifier, save_model_atomically

    model = build_classifier(2, 2, 1, 0.05, seed=3)
    x = np.array([[0.1, -0.5], [0.9, 0.3], [-0.2, 0.2]], dtype=np.float32)
    model.fit(x, np.array([0, 1, 0], dtype=np.float32), epochs=1, verbose=0)
    expected = model.predict(x, verbose=0)[:, 0]
    np.save(tmp_path / "x.npy", x)
    save_model_atomically(model, tmp_path / "m.keras")
    model.export(str(tmp_path / "saved"), verbose=False)
    # one fresh process (TensorFlow starts once): the SavedModel is served before mstool is
    # imported, so it is self-contained TensorFlow; then the .keras file loads through mstool
    out = _fresh(
        "import json, numpy as np, tensorflow as tf, sys\n"
        f"x = np.load({str(tmp_path / 'x.npy')!r})\n"
        f"saved = tf.saved_model.load({str(tmp_path / 'saved')!r})\n"
        "served = saved.serve(x).numpy()[:, 0].tolist()\n"
        "assert not any(m.startswith('mstool') for m in sys.modules)\n"
        "import keras, mstool.toolkit.qsim.qnn\n"
        f"model = keras.saving.load_model({str(tmp_path / 'm.keras')!r})\n"
        "loaded = model.predict(x, verbose=0)[:, 0].tolist()\n"
        "print(json.dumps([served, loaded]))")
    served, loaded = json.loads(out)
    assert np.allclose(served, expected, atol=1e-6) and np.allclose(loaded, expected, atol=1e-6)


def test_train_on_a_user_npz_and_save_the_model(tmp_path):
    rng = np.random.default_rng(0)
    y = (np.arange(40) % 2).astype(np.int64)
    x = np.where(y[:, None] == 0, -0.5, 0.5) + rng.normal(scale=0.1, size=(40, 2))
    np.savez(tmp_path / "d.npz", features=x, labels=y)
    res = run_cli("qsim", "train", REPO_ROOT / "recipes" / "qnn_moons.yaml", "--data", tmp_path / "d.npz",
                  "--set", "layers=1", "--set", "epochs=10", "--set", "batch_size=8", "--set",
                  "learning_rate=0.1", "--save-model", tmp_path / "q.keras", "--json")
    assert res.exit_code == 0, res.stderr
    out = res.json()
    assert out["data"].endswith("d.npz") and out["train_samples"] == 30 and out["test_samples"] == 10
    assert out["train_accuracy"] >= 0.9 and out["test_accuracy"] >= 0.8
    import zipfile

    with zipfile.ZipFile(tmp_path / "q.keras") as archive:  # trained on adjoint, saved exportable
        config = archive.read("config.json").decode()
    assert '"backend": "tensorflow"' in config and "OPENQASM 3.0" in config


@pytest.mark.parametrize("arrays,match", [
    ({"x": np.zeros((4, 2))}, "needs arrays 'x' and 'y'"),
    ({"x": np.full((4, 2), np.nan), "y": np.array([0, 1, 0, 1])}, "NaN"),
    ({"x": np.zeros((4, 2)), "y": np.array([0, 1, 2, 1])}, "labels must be 0 or 1"),
    ({"x": np.zeros((4, 2)), "y": np.array([0, 1, 0])}, "at least 2 samples"),
    ({"x": np.zeros((4, 5)), "y": np.array([0, 1, 0, 1])}, "5 features but the circuit 2 qubits"),
])
def test_bad_datasets_exit_2_in_one_line(tmp_path, arrays, match):
    np.savez(tmp_path / "bad.npz", **arrays)
    res = run_cli("qsim", "train", REPO_ROOT / "recipes" / "qnn_moons.yaml", "--data", tmp_path / "bad.npz",
                  "--set", "epochs=1")
    assert res.exit_code == 2, res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and match in errors[0] and "Traceback" not in res.stderr
