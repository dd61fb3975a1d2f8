"""ML potentials as force terms: a Keras model evaluated by a ``tf.function`` compiled once on
fixed-size padded inputs (species, neighbour matrix within a cutoff, periodic images); forces by autodiff.

Two model contracts:

* neighbour models (mstool's :class:`~mstool.toolkit.md.ml_symmetry.SymmetryFunctionPotential`,
  or any Keras model taking a dict ``atomic_numbers`` (B, N) int, ``neighbors`` (B, N, K) int,
  ``vectors`` (B, N, K, 3) nm, ``mask`` (B, N, K) and returning atomic energies (B, N) or a total
  (B,) / (B, 1), kJ/mol);
* position models: positions (1, N, 3) nm -> energy (1,) or (1, 1) kJ/mol (no species, no box).

TensorFlow is imported only when such a term is built (the ``train`` extra).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError

NEIGHBOR_INPUTS = ("atomic_numbers", "neighbors", "vectors", "mask")
# Element from the rounded mass, for topologies without %FLAG ATOMIC_NUMBER (as OpenMM's loader does).
_ELEMENT_BY_MASS = {1: 1, 2: 1, 3: 1, 4: 2, 7: 3, 12: 6, 14: 7, 16: 8, 19: 9, 23: 11, 24: 12, 31: 15, 32: 16,
                    35: 17, 36: 17, 39: 19, 40: 20, 65: 30, 80: 35, 127: 53}


def atomic_numbers_of(system) -> np.ndarray:
    """Atomic numbers from the prmtop's ATOMIC_NUMBER, else from the masses (H-repartitioned masses
    of 2-4 amu still read as hydrogen).

    >>> from mstool.toolkit.md.data import bundled
    >>> from mstool.toolkit.md.amber import load_amber
    >>> atomic_numbers_of(load_amber(*bundled("ala2_vacuum")))[:6].tolist()
    [1, 6, 1, 1, 6, 8]
    """
    if system.atomic_numbers is not None:
        return np.asarray(system.atomic_numbers, dtype=np.int64)
    out = np.zeros(system.n_atoms, dtype=np.int64)
    for i, mass in enumerate(np.asarray(system.masses)):
        z = _ELEMENT_BY_MASS.get(int(round(mass)), 0)
        if z == 0 and mass > 0:
            raise InputError(f"atom {i + 1} ({system.atom_names[i] if system.atom_names else '?'}): no "
                             f"ATOMIC_NUMBER in the topology and mass {mass:g} names no element")
        out[i] = z
    return out


def neighbor_matrix(positions: np.ndarray, box: np.ndarray | None, cutoff: float, capacity: int):
    """Each atom's neighbours within ``cutoff`` (minimum image in an orthorhombic ``box``), padded
    to ``capacity`` slots: indices (N, K), image shifts (N, K, 3) nm, mask (N, K), and the largest count.

    >>> pos = np.array([[0.0, 0, 0], [0.1, 0, 0], [0.9, 0, 0]])
    >>> nbr, shift, mask, need = neighbor_matrix(pos, np.array([1.0, 1, 1]), 0.3, 2)
    >>> nbr[0].tolist(), mask[0].tolist(), (shift[0, 1] + 0.0).tolist(), need
    ([1, 2], [1.0, 1.0], [-1.0, 0.0, 0.0], 2)
    """
    d = positions[None, :, :] - positions[:, None, :]  # d[i, j] = r_j - r_i
    shift = np.zeros_like(d) if box is None else -np.asarray(box) * np.round(d / np.asarray(box))
    r2 = ((d + shift) ** 2).sum(-1)
    np.fill_diagonal(r2, np.inf)
    within = r2 < cutoff * cutoff
    need = int(within.sum(1).max()) if len(positions) else 0
    order = np.argsort(~within, axis=1, kind="stable")[:, :capacity]
    if order.shape[1] < capacity:  # fewer atoms than slots: pad with masked slots pointing at atom 0
        order = np.pad(order, ((0, 0), (0, capacity - order.shape[1])))
    mask = np.take_along_axis(within, order, axis=1).astype(np.float32)
    shifts = np.take_along_axis(shift, order[..., None], axis=1) * mask[..., None]
    return order.astype(np.int32), shifts, mask, need


def load_keras_model(path: str | os.PathLike):
    """Load a ``.keras`` model; mstool's built-in layers are registered first, so no custom objects
    are needed. A missing or unreadable file is an :class:`InputError`."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such ML potential model", where=str(path))
    import tensorflow as tf

    import mstool.toolkit.md.ml_symmetry  # noqa: F401  (registers SymmetryFunctionPotential)

    try:
        return tf.keras.models.load_model(path, compile=False)
    except (OSError, ValueError, TypeError) as err:
        raise InputError(f"cannot load Keras model ({str(err).splitlines()[0]})", where=str(path)) from None


def build_ml_potential(section, system, base_dir, constraints: str = "none"):
    """The ML term a recipe's ``ml_potential`` section describes, and the system whose classical
    terms go with it (without the selection's internal terms in ``replace`` mode with a selection).
    The term is evaluated once here, so a bad model stops the run before anything is written."""
    from mstool.toolkit.extras import require
    from mstool.toolkit.io.recipes import resolve_path
    from mstool.toolkit.md.constraints import constraints_for
    from mstool.toolkit.md.ml_mixed import check_constraints_kept_whole, classical_outside
    from mstool.toolkit.md.selection import select_atoms

    require("tensorflow", "train", "ML potentials (ml_potential.model)")
    path = resolve_path(section.model, base_dir)
    model = load_keras_model(path)
    field = "ml_potential.selection"
    atoms = select_atoms(system, section.selection, field) if section.selection.strip() else None
    numbers = atomic_numbers_of(system) if _is_neighbor_model(model) else None
    term = MLPotentialForce(model, atomic_numbers=numbers, atoms=atoms, cutoff=section.cutoff,
                            jit_compile=section.jit_compile, where=str(path))
    term.energy_forces(system.positions, system.box)
    classical = system
    if section.mode == "replace" and atoms is not None:
        check_constraints_kept_whole(constraints_for(system, constraints).pairs, atoms, field)
        classical = classical_outside(system, atoms)
    return term, classical


def _is_neighbor_model(model) -> bool:
    names = getattr(model, "input_names", None) or []
    inputs = getattr(model, "inputs", None)
    if isinstance(inputs, dict):
        names = list(inputs)
    return hasattr(model, "features") or set(NEIGHBOR_INPUTS) <= set(names)


class MLPotentialForce:
    """Energy and forces of an ML model on ``atoms`` (default: all), compiled once.

    >>> from mstool.toolkit.md.ml_symmetry import SymmetryFunctionPotential
    >>> term = MLPotentialForce(SymmetryFunctionPotential(hidden=(4,)), atomic_numbers=np.array([8, 1, 1]))
    >>> pos = np.array([[0.0, 0, 0], [0.096, 0, 0], [-0.024, 0.093, 0]])
    >>> energy, forces = term.energy_forces(pos, None)
    >>> forces.shape, bool(abs(forces.sum(0)).max() < 1e-4)  # no net force on the molecule
    ((3, 3), True)
    """

    energy_groups = ("ml",)

    def __init__(self, model, atomic_numbers: np.ndarray | None = None, atoms: np.ndarray | None = None,
                 cutoff: float | None = None, jit_compile: bool = False,
                 where: str = "ml_potential.model") -> None:
        import tensorflow as tf

        self.tf, self.model, self.where = tf, model, where
        self.atoms = None if atoms is None else np.asarray(atoms, dtype=np.int64)
        self.neighbor_model = _is_neighbor_model(model)
        self.cutoff = float(cutoff if cutoff is not None else getattr(model, "cutoff", 0.0) or 0.0)
        self.capacity, self._checked = 0, False
        if self.neighbor_model:
            if atomic_numbers is None:
                raise InputError("a neighbour ML model needs the atoms' atomic numbers", where=where)
            self.atomic_numbers = np.asarray(atomic_numbers, dtype=np.int32)
            if self.atoms is not None:
                self.atomic_numbers = self.atomic_numbers[self.atoms]
            if self.cutoff <= 0:
                raise InputError("the model names no cutoff: set ml_potential.cutoff (nm)", where=where)
            self._check_elements()
        self._compiled = tf.function(self._energy_and_grad, jit_compile=jit_compile, reduce_retracing=True)

    @classmethod
    def from_file(cls, path: str | os.PathLike, **kwargs) -> MLPotentialForce:
        """A term from a ``.keras`` file (see :func:`load_keras_model`)."""
        return cls(load_keras_model(path), where=str(path), **kwargs)

    def _check_elements(self) -> None:
        covered = getattr(self.model, "elements", None)
        if covered is None:
            return
        missing = sorted(set(self.atomic_numbers.tolist()) - set(covered))
        if missing:
            first = int(np.flatnonzero(self.atomic_numbers == missing[0])[0])
            atom = first if self.atoms is None else int(self.atoms[first])
            raise InputError(f"atom {atom + 1} has element Z={missing[0]}, not covered by the model "
                             f"(it knows Z={', '.join(map(str, covered))})", where=self.where)

    def check_box(self, box: np.ndarray | None) -> None:
        """A periodic box must be orthorhombic and at least twice the ML cutoff on every edge."""
        if box is None or not self.neighbor_model:
            return
        box = np.asarray(box, dtype=float)
        if box.ndim != 1:
            raise InputError("ML potentials need an orthorhombic box", where=self.where)
        if box.min() < 2 * self.cutoff:
            raise InputError(f"box edge {box.min():.3f} nm is smaller than twice the ML cutoff "
                             f"({self.cutoff:g} nm)", where=self.where)

    def _model_energy(self, positions, neighbors, shifts, mask):
        """Total energy (kJ/mol, float64) from positions (N, 3); the model runs in its own dtype."""
        tf = self.tf
        if not self.neighbor_model:
            out = self.model(tf.cast(positions[None], tf.float32))
            if out.shape.rank is not None and out.shape.num_elements() not in (None, 1):
                raise InputError(f"the model returns shape {tuple(out.shape)}; a position model must return "
                                 "one energy, shape (1,) or (1, 1)", where=self.where)
            return tf.reduce_sum(tf.cast(out, tf.float64))
        vectors = tf.gather(positions, neighbors) - positions[:, None, :] + shifts
        inputs = {
            "atomic_numbers": tf.constant(self.atomic_numbers[None]),
            "neighbors": neighbors[None],
            "vectors": tf.cast(vectors[None], getattr(self.model, "compute_dtype", "float32")),
            "mask": mask[None],
        }
        out = self.model(inputs)
        n = len(self.atomic_numbers)
        if tuple(out.shape) not in ((1, n), (1, n, 1), (1,), (1, 1)):
            raise InputError(f"the model returns shape {tuple(out.shape)}; expected atomic energies (1, {n}) "
                             "or a total energy (1,) / (1, 1)", where=self.where)
        return tf.reduce_sum(tf.cast(out, tf.float64))

    def _energy_and_grad(self, positions, neighbors, shifts, mask):
        tf = self.tf
        with tf.GradientTape() as tape:
            tape.watch(positions)
            energy = self._model_energy(positions, neighbors, shifts, mask)
        return energy, -tape.gradient(energy, positions)

    def padded_inputs(self, positions: np.ndarray, box: np.ndarray | None):
        """The compiled function's inputs for ``positions`` of all atoms: (x, neighbors, shifts, mask)."""
        x = positions if self.atoms is None else positions[self.atoms]
        x = np.ascontiguousarray(x, dtype=np.float64)
        if not self.neighbor_model:
            empty = np.zeros((0, 0), np.int32)
            return x, empty, np.zeros((0, 0, 3)), np.zeros((0, 0), np.float32)
        self.check_box(box)
        nbr, shifts, mask, need = neighbor_matrix(x, box, self.cutoff, max(self.capacity, 1))
        if need > self.capacity:  # grow in steps of 8 slots (a new trace each time: rare)
            self.capacity = min(len(x) - 1, -(-need // 8) * 8) if len(x) > 1 else 1
            nbr, shifts, mask, need = neighbor_matrix(x, box, self.cutoff, self.capacity)
        return x, nbr, shifts, mask

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        x, nbr, shifts, mask = self.padded_inputs(positions, box)
        if not self._checked:  # once, eagerly: a wrong output shape is an InputError, not a trace error
            self._model_energy(self.tf.constant(x), nbr, shifts, mask)
            self._checked = True
        energy, grad = self._compiled(x, nbr, shifts, mask)
        forces = np.asarray(grad.numpy(), dtype=float)
        if self.atoms is None:
            return float(energy.numpy()), forces
        full = np.zeros_like(positions, dtype=float)
        full[self.atoms] = forces
        return float(energy.numpy()), full

    def energy(self, positions, box: np.ndarray | None = None):
        """The energy as a TensorFlow scalar, differentiable with respect to ``positions`` (a tensor of
        all atoms) and the model's ``trainable_variables``: for fitting parameters in Python."""
        tf = self.tf
        positions = tf.convert_to_tensor(positions, dtype=tf.float64)
        x_np, nbr, shifts, mask = self.padded_inputs(positions.numpy(), box)
        x = positions if self.atoms is None else tf.gather(positions, self.atoms)
        return self._model_energy(x, nbr, shifts, mask)
