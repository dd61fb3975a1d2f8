"""Fit a neighbour-model ML potential to energies and forces (Adam, compiled training step).

Forces come from autodiff of the batch energy with respect to positions inside the step, so the
loss sees the same forces MD will. Both loss terms are standardised: force error over the
training force variance, energy error over the training energy variance.
"""

from __future__ import annotations

import time

import numpy as np

from mstool.toolkit.md.ml import neighbor_matrix


def batch_neighbors(positions: np.ndarray, cutoff: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded neighbour indices (M, N, K), shifts (M, N, K, 3) and mask (M, N, K) of non-periodic
    configurations, K the largest neighbour count over all of them.

    >>> pos = np.array([[[0.0, 0, 0], [0.1, 0, 0], [0.5, 0, 0]]])
    >>> nbr, shifts, mask = batch_neighbors(pos, 0.3)
    >>> nbr.shape, mask[0].tolist()
    ((1, 3, 1), [[1.0], [1.0], [0.0]])
    """
    need = max(neighbor_matrix(x, None, cutoff, 1)[3] for x in positions)
    capacity = max(need, 1)
    built = [neighbor_matrix(x, None, cutoff, capacity) for x in positions]
    return (np.stack([b[0] for b in built]), np.stack([b[1] for b in built]).astype(np.float32),
            np.stack([b[2] for b in built]))


class Trainer:
    """Holds the data as tensors, sets the model's normalisation from the training split, fits."""

    def __init__(self, model, data: dict, splits: dict[str, np.ndarray], settings) -> None:
        import tensorflow as tf

        self.tf, self.model, self.settings, self.splits = tf, model, settings, splits
        pos = np.asarray(data["positions"], dtype=np.float32)
        nbr, shifts, mask = batch_neighbors(np.asarray(data["positions"]), model.cutoff)
        self.arrays = {"positions": pos, "neighbors": nbr, "shifts": shifts, "mask": mask,
                       "energies": np.asarray(data["energies"], np.float32),
                       "forces": np.asarray(data["forces"], np.float32)}
        self.z = np.asarray(data["atomic_numbers"], np.int32)
        train = splits["train"]
        self.force_var = float(np.var(self.arrays["forces"][train]))
        self.energy_var = float(np.var(self.arrays["energies"][train]))
        self._normalise(train)
        self.best_epoch, self.seconds = 0, 0.0

    def _inputs(self, x, idx_arrays):
        nbr, shifts, mask = idx_arrays
        tf = self.tf
        vectors = tf.gather(x, nbr, batch_dims=1) - x[:, :, None, :] + shifts
        z = tf.broadcast_to(tf.constant(self.z), tf.shape(mask)[:2])
        return {"atomic_numbers": z, "neighbors": nbr, "vectors": vectors, "mask": mask}

    def _normalise(self, train: np.ndarray) -> None:
        """Feature mean/std, per-atom energy shift and scale from the training configurations."""
        a = self.arrays
        sample = train[:: max(1, len(train) // 500)]
        inputs = self._inputs(self.tf.constant(a["positions"][sample]),
                              (a["neighbors"][sample], a["shifts"][sample], a["mask"][sample]))
        feats, _ = self.model.features(**inputs)
        feats = feats.numpy().reshape(-1, self.model.n_features)
        self.model.feature_mean.assign(feats.mean(0))
        self.model.feature_std.assign(np.maximum(feats.std(0), 1e-3))
        n = len(self.z)
        self.model.energy_shift.assign(np.full(len(self.model.elements), a["energies"][train].mean() / n))
        self.model.energy_scale.assign(max(float(np.sqrt(self.energy_var / n)), 0.1))

    def _energy_forces(self, x, idx_arrays):
        tf = self.tf
        with tf.GradientTape() as tape:
            tape.watch(x)
            energy = tf.reduce_sum(self.model(self._inputs(x, idx_arrays)), axis=-1)
        return energy, -tape.gradient(energy, x)

    def _batches(self, idx: np.ndarray, rng: np.random.Generator | None, size: int):
        order = rng.permutation(idx) if rng is not None else idx
        a = self.arrays
        for start in range(0, len(order), size):
            b = np.sort(order[start:start + size])
            yield (a["positions"][b], (a["neighbors"][b], a["shifts"][b], a["mask"][b]),
                   a["energies"][b], a["forces"][b])

    def fit(self, progress=None) -> list[dict]:
        """Train ``settings.epochs`` epochs; keep the weights of the best validation force RMSE."""
        tf, s = self.tf, self.settings
        steps_per_epoch = -(-len(self.splits["train"]) // s.batch_size)
        total = steps_per_epoch * s.epochs
        schedule = tf.keras.optimizers.schedules.ExponentialDecay(
            s.learning_rate, total, s.final_learning_rate / s.learning_rate)
        optimizer = tf.keras.optimizers.Adam(schedule)
        fvar, evar, w_e = self.force_var, self.energy_var, s.energy_weight

        # XLA: 0.63 s vs 0.81 s per batch of 32 ala2 frames (loaded 2 cores), after a long compile
        @tf.function(jit_compile=s.jit_compile)
        def train_step(x, idx_arrays, e_ref, f_ref):
            with tf.GradientTape() as tape:
                energy, forces = self._energy_forces(x, idx_arrays)
                loss = tf.reduce_mean((forces - f_ref) ** 2) / fvar
                loss += w_e * tf.reduce_mean((energy - e_ref - tf.reduce_mean(energy - e_ref)) ** 2) / evar
            grads = tape.gradient(loss, self.model.trainable_variables)
            optimizer.apply_gradients(zip(grads, self.model.trainable_variables, strict=True))
            return loss

        self._predict = tf.function(self._energy_forces, reduce_retracing=True)
        rng = np.random.default_rng(0)
        history, best, best_weights = [], np.inf, None
        t0 = time.perf_counter()
        for epoch in range(1, s.epochs + 1):
            batches = self._batches(self.splits["train"], rng, s.batch_size)
            # whole batches only: one XLA compilation
            losses = [float(train_step(*b)) for b in batches if len(b[0]) == s.batch_size]
            val = self.evaluate(self.splits["validation"])
            history.append({"epoch": epoch, "loss": float(np.mean(losses)),
                            **{f"val_{k}": v for k, v in val.items()}})
            if val["force_rmse"] < best:
                best, best_weights, self.best_epoch = val["force_rmse"], self.model.get_weights(), epoch
            if progress is not None:
                progress("training", epoch, s.epochs, f"val force RMSE {val['force_rmse']:.2f} kJ/mol/nm")
        self.seconds = time.perf_counter() - t0
        if best_weights is not None:
            self.model.set_weights(best_weights)
        return history

    def evaluate(self, idx: np.ndarray) -> dict:
        """Force RMSE (kJ/mol/nm) and its ratio to the set's force standard deviation; energy RMSE
        (kJ/mol) after removing the mean offset."""
        if not hasattr(self, "_predict"):
            self._predict = self.tf.function(self._energy_forces, reduce_retracing=True)
        e_err, f_err = [], []
        for x, idx_arrays, e_ref, f_ref in self._batches(idx, None, 256):
            energy, forces = self._predict(self.tf.constant(x), idx_arrays)
            e_err.append(energy.numpy() - e_ref)
            f_err.append((forces.numpy() - f_ref).ravel())
        e_err, f_err = np.concatenate(e_err), np.concatenate(f_err)
        f_ref = self.arrays["forces"][idx]
        rmse = float(np.sqrt(np.mean(f_err ** 2)))
        f_std = float(np.std(f_ref))
        return {"force_rmse": rmse, "force_std": f_std, "force_rmse_ratio": rmse / f_std,
                "energy_rmse": float(np.std(e_err)),
                "energy_std": float(np.std(self.arrays["energies"][idx]))}
