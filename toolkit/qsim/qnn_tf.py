"""State-vector simulation written in TensorFlow ops, for the Keras layer: per-sample gate
angles, expectation values of Pauli sums, gradients by TensorFlow's autodiff, and a graph
that ``model.export`` can save as a SavedModel (no Python callbacks inside).

>>> import tensorflow as tf
>>> from mstool.toolkit.qsim.circuit import Circuit
>>> from mstool.toolkit.qsim.observables import PauliSum
>>> f = TensorFlowCircuit(Circuit(1).ry("x", 0), [PauliSum.parse("Z0")], ["x"])
>>> [round(float(v), 6) for v in f(tf.constant([[0.0], [3.141592653589793]], tf.float64))[:, 0].numpy()]
[1.0, -1.0]
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from mstool.toolkit.errors import InputError
from mstool.toolkit.qsim.circuit import Circuit, Operation
from mstool.toolkit.qsim.gates import PAULI_X, PAULI_Y, PAULI_Z, _kron_targets, gate_matrix
from mstool.toolkit.qsim.observables import PauliSum
from mstool.toolkit.qsim.parameters import Parameter

MAX_QUBITS = 16
_GENERATORS = {"rx": PAULI_X, "ry": PAULI_Y, "rz": PAULI_Z, "rxx": _kron_targets(PAULI_X, PAULI_X),
               "ryy": _kron_targets(PAULI_Y, PAULI_Y), "rzz": _kron_targets(PAULI_Z, PAULI_Z)}
_PAULIS = {"X": PAULI_X, "Y": PAULI_Y, "Z": PAULI_Z}
_LETTERS = string.ascii_lowercase


def _complex(x: tf.Tensor) -> tf.Tensor:
    """A real tensor as complex128 (tf.complex keeps a clean real gradient, unlike tf.cast)."""
    return tf.complex(x, tf.zeros_like(x))


class TensorFlowCircuit:
    """``values[b, k]`` (one column per name in ``names``) -> ``[b, len(observables)]``."""

    def __init__(self, circuit: Circuit, observables: Sequence[PauliSum], names: Sequence[str]) -> None:
        self.n = circuit.n_qubits
        if self.n > MAX_QUBITS:
            raise InputError(f"the TensorFlow layer simulates at most {MAX_QUBITS} qubits, got {self.n}")
        self.ops = [op for op in circuit.ops if op.name != "barrier"]
        for op in self.ops:
            if not op.is_gate or op.condition is not None:
                raise InputError(f"a quantum layer's circuit must be unitary; found '{op.name}'")
        self.observables = list(observables)
        self.index = {name: k for k, name in enumerate(names)}
        missing = [s for s in circuit.parameters if s not in self.index]
        if missing:
            raise InputError(f"circuit symbols not bound to inputs or weights: {missing}")

    def __call__(self, values: tf.Tensor) -> tf.Tensor:
        batch = tf.shape(values)[0]
        state = tf.one_hot(tf.zeros([batch], tf.int32), 2 ** self.n, dtype=tf.complex128)
        for op in self.ops:
            state = self._apply(state, op, values)
        columns = [self._expectation(state, obs) for obs in self.observables]
        return tf.stack(columns, axis=1)

    def _param(self, p, values: tf.Tensor) -> tf.Tensor:
        if isinstance(p, Parameter):
            total = tf.fill([tf.shape(values)[0]], tf.constant(p.constant, tf.float64))
            for name, coeff in p.terms.items():
                total = total + coeff * values[:, self.index[name]]
            return total
        return tf.fill([tf.shape(values)[0]], tf.constant(float(p), tf.float64))

    def _matrix(self, op: Operation, values: tf.Tensor) -> tuple[tf.Tensor, bool]:
        """The target-space matrix, batched ([b, d, d]) when it depends on the inputs."""
        if op.name == "unitary":
            return tf.constant(op.matrix, tf.complex128), False
        if not any(isinstance(p, Parameter) for p in op.params):
            return tf.constant(gate_matrix(op.name, op.numeric_params()), tf.complex128), False
        params = [self._param(p, values) for p in op.params]
        if op.name in _GENERATORS:
            g = tf.constant(_GENERATORS[op.name], tf.complex128)
            half = _complex(params[0] / 2)[:, None, None]
            return tf.cos(half) * tf.eye(g.shape[0], dtype=tf.complex128) - 1j * tf.sin(half) * g, True
        if op.name == "phase":
            e = tf.exp(1j * _complex(params[0]))
            one, zero = tf.ones_like(e), tf.zeros_like(e)
            return tf.reshape(tf.stack([one, zero, zero, e], axis=1), [-1, 2, 2]), True
        if op.name == "u3":
            theta, phi, lam = (_complex(p) for p in params)
            c, s = tf.cos(theta / 2), tf.sin(theta / 2)
            m = [c, -tf.exp(1j * lam) * s, tf.exp(1j * phi) * s, tf.exp(1j * (phi + lam)) * c]
            return tf.reshape(tf.stack(m, axis=1), [-1, 2, 2]), True
        raise InputError(f"gate '{op.name}' with symbolic parameters is not supported by the TensorFlow "
                         "layer")

    def _apply(self, state: tf.Tensor, op: Operation, values: tf.Tensor) -> tf.Tensor:
        matrix, batched = self._matrix(op, values)
        applied = self._apply_matrix(state, matrix, op.targets, batched)
        if not op.controls:
            return applied
        index = np.arange(2 ** self.n)
        on = np.all([(index >> c) & 1 for c in op.controls], axis=0)
        return tf.where(tf.constant(on[None, :]), applied, state)

    def _apply_matrix(self, state: tf.Tensor, matrix: tf.Tensor, targets: Sequence[int], batched: bool):
        """``matrix`` on ``targets`` of a flat [b, 2^n] state, through a rank <= 2k+2 view."""
        k = len(targets)
        order = sorted(targets, reverse=True)  # row-major: the highest bit comes first
        dims, letters, top = [-1], ["Z"], self.n
        segment = iter(_LETTERS[2 * k:])
        for t in order:
            dims += [2 ** (top - 1 - t), 2]
            letters += [next(segment), f"T{t}"]
            top = t
        dims.append(2 ** top)
        letters.append(next(segment))
        ins = [_LETTERS[j] for j in range(k)]
        outs = [_LETTERS[k + j] for j in range(k)]
        axis = {f"T{t}": ins[j] for j, t in enumerate(targets)}
        view = "".join(axis.get(x, x) for x in letters)
        result = "".join(outs[ins.index(c)] if c in ins else c for c in view)
        # matrix index is b(t0) + 2 b(t1): row-major axes run from the last target to the first
        m = tf.reshape(matrix, ([-1] if batched else []) + [2] * (2 * k))
        m_letters = ("Z" if batched else "") + "".join(reversed(outs)) + "".join(reversed(ins))
        out = tf.einsum(f"{m_letters},{view}->{result}", m, tf.reshape(state, dims))
        return tf.reshape(out, [-1, 2 ** self.n])

    def _expectation(self, state: tf.Tensor, obs: PauliSum) -> tf.Tensor:
        total = tf.fill([tf.shape(state)[0]], tf.constant(obs.constant, tf.float64))
        for coeff, ops in obs.terms:
            phi = state
            for q, pauli in ops:
                phi = self._apply_matrix(phi, tf.constant(_PAULIS[pauli], tf.complex128), [q], False)
            overlap = tf.reduce_sum(tf.math.conj(state) * phi, axis=1)
            total = total + coeff * tf.math.real(overlap)
        return total

