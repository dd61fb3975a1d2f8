"""mstool's built-in ML potential: Behler-Parrinello / ANI symmetry functions of each atom's
neighbourhood, one small network per element, energy = sum of atomic energies (kJ/mol).

The Keras model reads the ML term's padded neighbour inputs (see :mod:`mstool.toolkit.md.ml`):
``atomic_numbers`` (B, N), ``neighbors`` (B, N, K), ``vectors`` (B, N, K, 3) in nm and
``mask`` (B, N, K); it returns atomic energies (B, N). The class is registered with Keras as
``mstool>SymmetryFunctionPotential``, so a saved ``.keras`` file loads wherever mstool is installed.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

DEFAULT_ELEMENTS = (1, 6, 7, 8)
REPULSION_RADIUS = 0.08  # nm: below every bond length (shortest, N-H / O-H, about 0.1 nm)
REPULSION_STRENGTH = 100.0  # kJ/mol


def repulsion_guard(r, radius: float, strength: float):
    """Short-range pair guard (kJ/mol) added to the learned energy: zero, with zero force, at and
    beyond ``radius``; inside, ``strength ((radius/r)^12 - 1 + 12 (r/radius - 1))``, which grows
    as r^-12. Training data never come that close, so the fit is unchanged; it stops a minimiser
    from fusing atoms where the network extrapolates to very low energies.

    >>> r = tf.constant([0.04, 0.079, 0.08, 0.1], tf.float64)
    >>> [round(float(e), 3) for e in repulsion_guard(r, 0.08, 100.0)]
    [408900.0, 1.293, 0.0, 0.0]
    """
    inside = r < radius
    safe = tf.where(inside, tf.maximum(r, 1e-3 * radius), radius)
    x = radius / safe
    energy = strength * (x ** 12 - 1.0 + 12.0 * (1.0 / x - 1.0))
    return tf.where(inside, energy, tf.zeros_like(energy))


def cosine_cutoff(r, cutoff: float):
    """ANI/Behler cutoff 0.5 (cos(pi r / rc) + 1) for r < rc, else 0.

    >>> float(cosine_cutoff(tf.constant(0.0), 0.5)), float(cosine_cutoff(tf.constant(0.6), 0.5))
    (1.0, 0.0)
    """
    inside = tf.cast(r < cutoff, r.dtype)
    return 0.5 * (tf.cos(math.pi * tf.minimum(r, cutoff) / cutoff) + 1.0) * inside


@keras.saving.register_keras_serializable(package="mstool")
class SymmetryFunctionPotential(keras.Model):
    """ANI-style atomic environment vectors and per-element MLPs.

    Radial functions, one block per neighbour element s and shift R_k:
    ``G_R = sum_j exp(-radial_eta (r_ij - R_k)^2) fc(r_ij)``, cutoff ``radial_cutoff``.
    Angular functions, one block per element pair (s1, s2), angle shift theta_a and shift R_b:
    ``G_A = 2^(1-zeta) sum_{j != k} (1 + cos(theta_ijk - theta_a))^zeta
    exp(-angular_eta ((r_ij + r_ik)/2 - R_b)^2) fc(r_ij) fc(r_ik)``, cutoff ``angular_cutoff``.
    Features are standardised (``feature_mean``, ``feature_std``, set from training data), fed to
    the network of the atom's element; the atomic energy is ``energy_scale * out + energy_shift``
    plus half of :func:`repulsion_guard` over the atom's neighbours closer than
    ``repulsion_radius`` (``repulsion_strength`` 0 turns the guard off).

    >>> model = SymmetryFunctionPotential(hidden=(8,))
    >>> model.n_features
    224
    >>> inputs = {"atomic_numbers": tf.constant([[8, 1, 1]]),
    ...           "neighbors": tf.constant([[[1, 2], [0, 2], [0, 1]]]),
    ...           "vectors": tf.random.normal((1, 3, 2, 3), stddev=0.1), "mask": tf.ones((1, 3, 2))}
    >>> model(inputs).shape
    TensorShape([1, 3])
    """

    def __init__(
        self,
        elements=DEFAULT_ELEMENTS,
        radial_cutoff: float = 0.6,
        radial_eta: float = 1600.0,
        radial_shifts=tuple(np.round(np.linspace(0.08, 0.56, 16), 4).tolist()),
        angular_cutoff: float = 0.35,
        angular_eta: float = 800.0,
        angular_zeta: float = 16.0,
        angular_shifts=(0.09, 0.15, 0.22, 0.29),
        angle_shifts=tuple(np.round(np.linspace(np.pi / 8, 7 * np.pi / 8, 4), 6).tolist()),
        hidden=(64, 32),
        activation: str = "softplus",
        repulsion_radius: float = REPULSION_RADIUS,
        repulsion_strength: float = REPULSION_STRENGTH,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.elements = tuple(int(z) for z in elements)
        self.radial_cutoff, self.radial_eta = float(radial_cutoff), float(radial_eta)
        self.radial_shifts = tuple(float(x) for x in radial_shifts)
        self.angular_cutoff, self.angular_eta = float(angular_cutoff), float(angular_eta)
        self.angular_zeta = float(angular_zeta)
        self.angular_shifts = tuple(float(x) for x in angular_shifts)
        self.angle_shifts = tuple(float(x) for x in angle_shifts)
        self.hidden, self.activation = tuple(int(h) for h in hidden), activation
        self.repulsion_radius, self.repulsion_strength = float(repulsion_radius), float(repulsion_strength)
        n_el = len(self.elements)
        table = np.full(128, -1, dtype=np.int32)
        table[list(self.elements)] = np.arange(n_el)
        self._element_index = tf.constant(table)
        self.n_pairs = n_el * (n_el + 1) // 2
        self.n_features = n_el * len(self.radial_shifts) + self.n_pairs * len(self.angular_shifts) * len(
            self.angle_shifts
        )
        self.feature_mean = self.add_weight(shape=(self.n_features,), initializer="zeros", trainable=False,
                                            name="feature_mean")
        self.feature_std = self.add_weight(shape=(self.n_features,), initializer="ones", trainable=False,
                                           name="feature_std")
        self.energy_scale = self.add_weight(shape=(), initializer="ones", trainable=False,
                                            name="energy_scale")
        self.energy_shift = self.add_weight(shape=(n_el,), initializer="zeros", trainable=False,
                                            name="energy_shift")
        self.networks = []
        for z in self.elements:
            layers = [keras.layers.Dense(h, activation=activation, name=f"z{z}_dense{i}",
                                         dtype=self.dtype_policy) for i, h in enumerate(self.hidden)]
            layers.append(keras.layers.Dense(1, use_bias=False, name=f"z{z}_out", dtype=self.dtype_policy))
            width = self.n_features
            for layer in layers:
                layer.build((None, width))
                width = layer.units
            self.networks.append(layers)
        self.built = True

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype_policy.name,
            "elements": list(self.elements),
            "radial_cutoff": self.radial_cutoff,
            "radial_eta": self.radial_eta,
            "radial_shifts": list(self.radial_shifts),
            "angular_cutoff": self.angular_cutoff,
            "angular_eta": self.angular_eta,
            "angular_zeta": self.angular_zeta,
            "angular_shifts": list(self.angular_shifts),
            "angle_shifts": list(self.angle_shifts),
            "hidden": list(self.hidden),
            "activation": self.activation,
            "repulsion_radius": self.repulsion_radius,
            "repulsion_strength": self.repulsion_strength,
        }

    @property
    def cutoff(self) -> float:
        """The largest cutoff (nm): the neighbour list must hold every atom within it."""
        return max(self.radial_cutoff, self.angular_cutoff)

    def features(self, atomic_numbers, neighbors, vectors, mask):
        """Standardised symmetry-function features (B, N, n_features) and element indices (B, N)."""
        dtype = vectors.dtype
        species = tf.gather(self._element_index, tf.cast(atomic_numbers, tf.int32))
        species = tf.maximum(species, 0)  # elements outside the model are refused by the ML term
        nbr_species = tf.gather(species, tf.cast(neighbors, tf.int32), batch_dims=1)
        mask = tf.cast(mask, dtype)
        # Padded slots get length 1 (not 0) so sqrt stays differentiable; the mask zeroes them.
        r = tf.sqrt(tf.reduce_sum(vectors * vectors, axis=-1) + (1.0 - mask))
        n_el = len(self.elements)
        nbr_onehot = tf.one_hot(nbr_species, n_el, dtype=dtype)
        fc_r = cosine_cutoff(r, self.radial_cutoff) * mask
        shifts = tf.constant(self.radial_shifts, dtype)
        radial = tf.exp(-self.radial_eta * (r[..., None] - shifts) ** 2) * fc_r[..., None]
        g_radial = tf.einsum("bnkr,bnks->bnsr", radial, nbr_onehot)
        g_radial = tf.reshape(g_radial, tf.concat([tf.shape(r)[:2], [-1]], 0))
        g_angular = self._angular(vectors, r, mask, nbr_species)
        g = tf.concat([g_radial, g_angular], axis=-1)
        return (g - tf.cast(self.feature_mean, dtype)) / tf.cast(self.feature_std, dtype), species

    def _angular(self, vectors, r, mask, nbr_species):
        dtype = vectors.dtype
        fc_a = cosine_cutoff(r, self.angular_cutoff) * mask
        k = tf.shape(r)[-1]
        off_diagonal = 1.0 - tf.eye(k, dtype=dtype)
        weight = fc_a[..., :, None] * fc_a[..., None, :] * off_diagonal  # (B, N, K, K)
        cos = tf.einsum("bnkx,bnlx->bnkl", vectors, vectors) / (r[..., :, None] * r[..., None, :])
        cos = tf.clip_by_value(cos, -1.0, 1.0)
        sin = tf.sqrt(tf.maximum(1.0 - cos * cos, 1e-8))
        theta_s = tf.constant(self.angle_shifts, dtype)
        cos_shifted = cos[..., None] * tf.cos(theta_s) + sin[..., None] * tf.sin(theta_s)  # cos(t - t_s)
        angle = (1.0 + cos_shifted) ** self.angular_zeta
        angle = angle * 2.0 ** (1.0 - self.angular_zeta)  # (B, N, K, K, A)
        mean_r = 0.5 * (r[..., :, None] + r[..., None, :])
        r_s = tf.constant(self.angular_shifts, dtype)
        radial = tf.exp(-self.angular_eta * (mean_r[..., None] - r_s) ** 2)  # (B, N, K, K, R)
        terms = angle[..., :, None] * radial[..., None, :] * weight[..., None, None]
        terms = tf.reshape(terms, tf.concat([tf.shape(weight), [-1]], 0))  # (B, N, K, K, M)
        onehot = tf.one_hot(nbr_species, len(self.elements), dtype=dtype)
        # Contract neighbour l, then k, over elements: cheaper than one-hot element pairs.
        partial = tf.einsum("bnklm,bnlt->bnktm", terms, onehot)
        by_pair = tf.einsum("bnktm,bnks->bnstm", partial, onehot)  # ordered element pairs
        by_pair = by_pair + tf.transpose(by_pair, [0, 1, 3, 2, 4])
        rows, cols = np.triu_indices(len(self.elements))
        g = tf.gather_nd(tf.transpose(by_pair, [2, 3, 0, 1, 4]), np.stack([rows, cols], axis=1))
        g = g * tf.constant(np.where(rows == cols, 0.5, 1.0), dtype)[:, None, None, None]
        g = tf.transpose(g, [1, 2, 0, 3])  # (B, N, pairs, M)
        return tf.reshape(g, tf.concat([tf.shape(r)[:2], [-1]], 0))

    def atomic_energies_from_features(self, features, species):
        """Per-atom energies (kJ/mol) from standardised features: each atom's element network."""
        # Each atom goes through its own element's network only (partition, run, stitch back).
        flat = tf.reshape(features, [-1, self.n_features])
        flat_species = tf.reshape(species, [-1])
        parts = tf.dynamic_partition(flat, flat_species, len(self.elements))
        positions = tf.dynamic_partition(tf.range(tf.size(flat_species)), flat_species, len(self.elements))
        outputs = []
        for layers, h in zip(self.networks, parts, strict=True):
            for layer in layers:
                h = layer(h)
            outputs.append(h[:, 0])
        out = tf.reshape(tf.dynamic_stitch(positions, outputs), tf.shape(species))
        shift = tf.gather(tf.cast(self.energy_shift, out.dtype), species)
        return tf.cast(self.energy_scale, out.dtype) * out + shift

    def call(self, inputs):
        feats, species = self.features(inputs["atomic_numbers"], inputs["neighbors"], inputs["vectors"],
                                       inputs["mask"])
        energies = self.atomic_energies_from_features(feats, species)
        if self.repulsion_strength > 0.0:
            energies = energies + self.guard_energies(inputs["vectors"], inputs["mask"])
        return energies

    def guard_energies(self, vectors, mask):
        """Per-atom share (B, N) of the short-range repulsion guard: half of each close pair."""
        mask = tf.cast(mask, vectors.dtype)
        r = tf.sqrt(tf.reduce_sum(vectors * vectors, axis=-1) + (1.0 - mask))  # padded slots: 1 nm
        pair = repulsion_guard(r, self.repulsion_radius, self.repulsion_strength) * mask
        return 0.5 * tf.reduce_sum(pair, axis=-1)
