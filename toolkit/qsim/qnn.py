"""A Keras layer wrapping a parameterized circuit: outputs <O_k> per sample, gradients by
the adjoint method through ``tf.custom_gradient``, so hybrid models train with ``model.fit``.

This module imports TensorFlow; ``mstool.toolkit.qsim`` itself does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit
from mstool.toolkit.qsim.gradients import expectation_and_gradient, final_state
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.qsim.qnn_data import load_dataset  # noqa: F401 - part of this module's API
from mstool.toolkit.records import Record


class CircuitFunction:
    """Batched forward and vector-Jacobian product of ``x, w -> [<O_k>]`` in NumPy.

    >>> from mstool.toolkit.qsim.circuit import Circuit
    >>> f = CircuitFunction(Circuit(1).ry("x", 0).rz("w", 0), [PauliSum.parse("Z0")], ["x"], ["w"])
    >>> np.round(f.forward(np.array([[0.0]]), np.array([0.3])), 6).tolist()
    [[1.0]]
    """

    def __init__(self, circuit: Circuit, observables: Sequence[PauliSum], input_symbols: Sequence[str],
                 weight_symbols: Sequence[str]) -> None:
        self.circuit = circuit
        self.observables = list(observables)
        self.names = list(input_symbols) + list(weight_symbols)
        self.n_inputs = len(input_symbols)
        missing = [s for s in circuit.parameters if s not in self.names]
        if missing:
            raise InputError(f"circuit symbols not bound to inputs or weights: {missing}")
        for obs in self.observables:
            obs.check_qubits(circuit.n_qubits)

    def _values(self, x_row: np.ndarray, w: np.ndarray) -> dict[str, float]:
        return dict(zip(self.names, np.concatenate([x_row, w]), strict=True))

    def forward(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        out = np.empty((x.shape[0], len(self.observables)))
        for b, row in enumerate(x):
            psi = final_state(self.circuit, self._values(row, w))
            out[b] = [obs.expectation(psi) for obs in self.observables]
        return out

    def vjp(self, x: np.ndarray, w: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(dL/dx, dL/dw) given dL/d<O_k>: one adjoint pass per sample with H = sum_k dy_k O_k."""
        gx = np.zeros_like(x)
        gw = np.zeros_like(w)
        for b, row in enumerate(x):
            weighted = PauliSum()
            for coeff, obs in zip(dy[b], self.observables, strict=True):
                weighted = weighted + obs * float(coeff)
            _, grad = expectation_and_gradient(self.circuit, weighted, self._values(row, w), self.names)
            gx[b] = grad[: self.n_inputs]
            gw += grad[self.n_inputs:]
        return gx, gw


@keras.saving.register_keras_serializable(package="mstool")
class QuantumLayer(keras.layers.Layer):
    """Inputs bind ``input_symbols``, trainable weights bind ``weight_symbols``; the output
    is one expectation value per observable.

    ``backend="tensorflow"`` (default) simulates in TensorFlow ops: gradients by autodiff,
    and ``model.export`` writes a SavedModel that runs without mstool. ``backend="adjoint"``
    runs mstool's Numba simulator with adjoint gradients (faster on larger circuits; the
    SavedModel it exports needs this Python process). The circuit travels in the layer's
    config as OpenQASM 3, so ``model.save("m.keras")`` and ``keras.saving.load_model``
    work in a new process once ``mstool.toolkit.qsim.qnn`` is imported.
    """

    def __init__(self, circuit: Circuit | str, observables: Sequence[PauliSum | str],
                 input_symbols: Sequence[str], weight_symbols: Sequence[str], weight_scale: float = 0.5,
                 seed: int = 0, backend: str = "tensorflow", **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(circuit, str):
            from mstool.toolkit.qsim.qasm import parse_qasm

            circuit = parse_qasm(circuit, f"<{self.name} circuit>")
        observables = [PauliSum.parse(o) if isinstance(o, str) else o for o in observables]
        if backend not in ("tensorflow", "adjoint"):
            raise InputError(f"QuantumLayer backend must be 'tensorflow' or 'adjoint', got {backend!r}")
        self.circuit = circuit
        self.input_symbols, self.weight_symbols = list(input_symbols), list(weight_symbols)
        self.function = CircuitFunction(circuit, observables, input_symbols, weight_symbols)
        self.backend = backend
        if backend == "tensorflow":
            from mstool.toolkit.qsim.qnn_tf import TensorFlowCircuit

            self.tf_circuit = TensorFlowCircuit(circuit, observables, self.function.names)
        self.n_weights = len(weight_symbols)
        self.weight_scale = weight_scale
        self.seed = seed

    def get_config(self) -> dict:
        from mstool.toolkit.qsim.qasm_export import to_qasm

        config = super().get_config()
        config.update(circuit=to_qasm(self.circuit, 3),
                      observables=[obs.to_text() for obs in self.function.observables],
                      input_symbols=self.input_symbols, weight_symbols=self.weight_symbols,
                      weight_scale=self.weight_scale, seed=self.seed, backend=self.backend)
        return config

    def build(self, input_shape) -> None:
        if input_shape[-1] != self.function.n_inputs:
            raise InputError(f"QuantumLayer expects {self.function.n_inputs} input features, "
                             f"got {input_shape[-1]}")
        self.circuit_weights = self.add_weight(
            shape=(self.n_weights,), name="circuit_weights", dtype="float64",
            initializer=keras.initializers.RandomUniform(-self.weight_scale, self.weight_scale,
                                                         seed=self.seed))

    def call(self, inputs):
        x = tf.cast(inputs, tf.float64)
        w = tf.convert_to_tensor(self.circuit_weights)
        if self.backend == "tensorflow":
            values = tf.concat([x, tf.broadcast_to(w[None, :], [tf.shape(x)[0], self.n_weights])], axis=1)
            return tf.cast(self.tf_circuit(values), self.compute_dtype)
        return tf.cast(self._adjoint_op(x, w), self.compute_dtype)

    def _adjoint_op(self, x, w):
        fn = self.function
        n_out = len(fn.observables)

        @tf.custom_gradient
        def circuit_op(x, w):
            y = tf.numpy_function(fn.forward, [x, w], tf.float64)
            y.set_shape((None, n_out))

            def grad(dy):
                gx, gw = tf.numpy_function(fn.vjp, [x, w, tf.cast(dy, tf.float64)], [tf.float64, tf.float64])
                gx.set_shape(x.shape)
                gw.set_shape(w.shape)
                return gx, gw

            return y, grad

        return circuit_op(x, w)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], len(self.function.observables))


def classifier_circuit(n_qubits: int, n_features: int, layers: int) -> tuple[Circuit, list[str], list[str]]:
    """Data re-uploading circuit: per layer RY(pi x_f) on each qubit, trainable RY and RZ,
    then a CNOT ring."""
    circ = Circuit(n_qubits)
    inputs = [f"x{f}" for f in range(n_features)]
    from mstool.toolkit.qsim.parameters import Parameter

    for layer in range(layers):
        for q in range(n_qubits):
            circ.ry(np.pi * Parameter(inputs[q % n_features]), q)
            circ.ry(f"a{layer}_{q}", q).rz(f"b{layer}_{q}", q)
        if n_qubits > 1:
            for q in range(n_qubits if n_qubits > 2 else 1):
                circ.cx(q, (q + 1) % n_qubits)
    weights = [s for s in circ.parameters if s not in inputs]
    return circ, inputs, weights


def make_dataset(kind: str, samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two-class toy data scaled to [-1, 1]: moons, circles or blobs.

    >>> x, y = make_dataset("blobs", 10, 0.1, 0)
    >>> x.shape, sorted(set(y.tolist()))
    ((10, 2), [0.0, 1.0])
    """
    rng = np.random.default_rng(seed)
    y = np.arange(samples) % 2
    t = rng.uniform(0, np.pi, samples)
    if kind == "moons":
        x = np.where(y[:, None] == 0, np.column_stack([np.cos(t), np.sin(t)]),
                     np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    elif kind == "circles":
        radius = np.where(y == 0, 1.0, 0.5)
        angle = rng.uniform(0, 2 * np.pi, samples)
        x = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    else:
        x = np.where(y[:, None] == 0, -0.5, 0.5) + np.zeros((samples, 2))
    x = x + rng.normal(scale=noise, size=x.shape)
    x = x - x.mean(axis=0)
    x = x / np.abs(x).max(axis=0)
    order = rng.permutation(samples)
    return x[order].astype(np.float32), y[order].astype(np.float32)


def build_classifier(n_qubits: int, n_features: int, layers: int, learning_rate: float,
                     seed: int = 0, backend: str = "tensorflow") -> keras.Model:
    """Inputs -> QuantumLayer (<Z_q> for each qubit) -> Dense(1, sigmoid)."""
    circ, inputs, weights = classifier_circuit(n_qubits, n_features, layers)
    observables = [PauliSum([(1.0, ((q, "Z"),))]) for q in range(n_qubits)]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(n_features,)),
        QuantumLayer(circ, observables, inputs, weights, seed=seed, backend=backend, name="quantum"),
        keras.layers.Dense(1, activation="sigmoid", name="readout"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


@dataclass(frozen=True)
class QnnTrainingResult(Record):
    """Loss and accuracy per epoch, held-out accuracy, the quantum layer's weights and the model."""

    loss: np.ndarray
    accuracy: np.ndarray
    test_accuracy: float
    train_samples: int
    test_samples: int
    weights: np.ndarray
    model: keras.Model


def train_classifier(kind: str = "moons", samples: int = 120, noise: float = 0.1, test_fraction: float = 0.25,
                     n_qubits: int = 2, layers: int = 2, epochs: int = 30, batch_size: int = 16,
                     learning_rate: float = 0.05, seed: int = 0,
                     data: tuple[np.ndarray, np.ndarray] | None = None,
                     backend: str = "adjoint") -> QnnTrainingResult:
    """Train the hybrid classifier on a toy set (``kind``) or on ``data`` = (features, labels);
    returns loss/accuracy histories, test accuracy and the Keras model.

    Training runs on ``backend`` (the adjoint one is faster on these small circuits; see
    benchmarks/qsim/bench_qnn_backends.py); the returned model always uses the TensorFlow
    backend, with the trained weights, so it saves and exports self-contained.
    """
    if data is None:
        x, y = make_dataset(kind, samples, noise, seed)
    else:
        x, y = data
        if x.shape[1] > n_qubits:
            raise InputError(f"the dataset has {x.shape[1]} features but the circuit {n_qubits} qubits; "
                             f"set n_qubits >= {x.shape[1]}")
        order = np.random.default_rng(seed).permutation(x.shape[0])
        x, y = x[order], y[order]
    samples = x.shape[0]
    n_test = min(samples - 1, max(1, int(round(test_fraction * samples))))
    model = build_classifier(n_qubits, x.shape[1], layers, learning_rate, seed, backend=backend)
    history = model.fit(x[n_test:], y[n_test:], epochs=epochs, batch_size=batch_size, verbose=0,
                        validation_data=(x[:n_test], y[:n_test]))
    _, test_accuracy = model.evaluate(x[:n_test], y[:n_test], verbose=0)
    if backend != "tensorflow":
        trained = model
        model = build_classifier(n_qubits, x.shape[1], layers, learning_rate, seed, backend="tensorflow")
        model.set_weights(trained.get_weights())
    return QnnTrainingResult(
        loss=np.array(history.history["loss"]), accuracy=np.array(history.history["accuracy"]),
        test_accuracy=float(test_accuracy), train_samples=int(samples - n_test), test_samples=n_test,
        weights=model.get_layer("quantum").get_weights()[0], model=model)


def save_model_atomically(model: keras.Model, path: str | Path) -> Path:
    """``model.save`` to ``path`` (.keras) through a temporary file: no half-written model."""
    from mstool.toolkit.io.atomic import atomic_write_path

    with atomic_write_path(path, suffix=".keras") as tmp:  # Keras insists on the .keras suffix
        model.save(tmp)
    return Path(path)
