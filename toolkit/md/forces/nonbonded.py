"""Lennard-Jones + Coulomb: NoCutoff, cutoff with reaction field, or PME; 1-4 pairs with
SCEE/SCNB scaling; exclusions; long-range dispersion correction; optional switching.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mstool.toolkit.backend import resolve_device, use_parallel
from mstool.toolkit.errors import InputError
from mstool.toolkit.md.box import box_volume, box_widths, is_triclinic
from mstool.toolkit.md.forces.pme import PMEReciprocal, pme_parameters
from mstool.toolkit.md.kernels import PARALLEL_MIN_ATOMS, corrections
from mstool.toolkit.md.kernels import nonbonded as kernels
from mstool.toolkit.md.kernels import triclinic as triclinic_kernels
from mstool.toolkit.md.kernels.pairs import pair_settings
from mstool.toolkit.md.neighbors import NeighborList
from mstool.toolkit.md.system import System
from mstool.toolkit.md.units import COULOMB

METHODS = ("nocutoff", "cutoff", "pme")
EWALD_TABLE_SPACING = 2e-4  # nm; cubic Hermite table of erfc(alpha r) / r
CORRECTIONS_PARALLEL_MIN = 5000  # 1-4 and excluded pairs


@dataclass
class NonbondedSettings:
    """How long-range interactions are treated (lengths in nm)."""

    method: str = "nocutoff"
    cutoff: float = 1.0
    switch_distance: float | None = None
    ewald_tolerance: float = 5e-4
    pme_order: int = 5
    dispersion_correction: bool = True
    reaction_field_dielectric: float = 78.3
    skin: float = 0.2


def dispersion_coefficient(system: System, cutoff: float) -> float:
    """C such that the long-range LJ correction is C / V (OpenMM's averaging over all pairs).

    >>> from mstool.toolkit.md.builders import lj_fluid
    >>> dispersion_coefficient(lj_fluid(8, 1.0), 1.0) < 0
    True
    """
    n = system.n_atoms
    counts = np.bincount(system.atom_types, minlength=system.lj_a.shape[0]).astype(float)
    pair_counts = np.outer(counts, counts)
    pair_counts[np.diag_indices_from(pair_counts)] = counts * (counts + 1) / 2.0
    upper = np.triu(np.ones_like(pair_counts, dtype=bool))
    n_pairs = n * (n + 1) / 2.0
    mean_a = float(np.sum((pair_counts * system.lj_a)[upper])) / n_pairs
    mean_b = float(np.sum((pair_counts * system.lj_b)[upper])) / n_pairs
    return 2.0 * math.pi * n * n * (mean_a / (9.0 * cutoff**9) - mean_b / (3.0 * cutoff**3))


class NonbondedForce:
    """All LJ + Coulomb interactions of a :class:`System`; ``last_terms`` holds the split."""

    energy_groups = ("nonbonded",)

    def __init__(self, system: System, settings: NonbondedSettings, device: str = "cpu") -> None:
        if settings.method not in METHODS:
            raise InputError(f"nonbonded.method: unknown method '{settings.method}'; use one of {METHODS}")
        self.settings = settings
        self.system = system
        self.periodic = settings.method != "nocutoff"
        self.charges = np.ascontiguousarray(system.charges, dtype=float)
        # Constant per system: the squared charges and the net charge of the Ewald self term.
        self.charge_square_sum = float(np.sum(self.charges * self.charges))
        self.net_charge = float(self.charges.sum())
        self.types = np.ascontiguousarray(system.atom_types, dtype=np.int64)
        self.lj_a = np.ascontiguousarray(system.lj_a)
        self.lj_b = np.ascontiguousarray(system.lj_b)
        # CHARMM (chamber) files give 1-4 pairs their own LJ table.
        self.lj14_a = self.lj_a if system.lj14_a is None else np.ascontiguousarray(system.lj14_a)
        self.lj14_b = self.lj_b if system.lj14_b is None else np.ascontiguousarray(system.lj14_b)
        self.pairs14 = np.ascontiguousarray(system.pair14_atoms, dtype=np.int64)
        self.excluded = np.ascontiguousarray(system.all_excluded_pairs())
        # Parallel once the pairs (about 50 ns each) are worth waking a second thread: DHFR's
        # 41,000 and trpzip2's 7,000 are, ala2_tip3p's 2,300 are not.
        n_corrections = len(self.pairs14) + len(self.excluded)
        self._corrections = (
            corrections.pair_corrections_parallel
            if use_parallel(n_corrections, CORRECTIONS_PARALLEL_MIN)
            else corrections.pair_corrections_serial
        )
        self._correction_work = corrections.correction_work(len(self.pairs14), len(self.excluded))
        cutoff = settings.cutoff if self.periodic else 0.0
        if self.periodic:
            check_box(system.box, settings.cutoff, system.box_angles, system.source)
        self.pme: PMEReciprocal | None = None
        self.alpha = 0.0
        self.ewald_tables = (np.zeros(2), np.zeros(2))
        self.triclinic = self.periodic and is_triclinic(system.box)
        if settings.method == "pme":
            widths = box_widths(system.box)
            self.alpha, grid = pme_parameters(settings.cutoff, widths, settings.ewald_tolerance)
            self.pme = PMEReciprocal(self.alpha, grid, settings.pme_order, COULOMB)
            self.ewald_tables = kernels.ewald_table(self.alpha, settings.cutoff + 0.01, EWALD_TABLE_SPACING)
        if self.triclinic:  # half list with the reduced-vector minimum image, on the CPU
            self.pair_kernel, half = _cpu_half_kernel(system.n_atoms, triclinic_kernels), True
        else:
            self.pair_kernel, half = select_pair_kernel(device, system.n_atoms)
        self.pair_kernel_adds = half
        self._unit_box = np.ones(3)
        # The CPU half-list kernel reads the table as Hermite rows; the full-list ones as (g, dg).
        self.pair_tables = (kernels.hermite_knots(*self.ewald_tables),) if half else self.ewald_tables
        self.neighbors = NeighborList(
            system.n_atoms,
            cutoff if self.periodic else 1e6,
            settings.skin if self.periodic else 1e6,
            self.excluded,
            half=half,
            # Column-ordered rows pay off once the atoms' records outgrow the caches (DHFR,
            # 23,558 atoms: pair sum 84 -> 70 ms); on ala2_tip3p (2,269) the reordering costs more.
            sorted_numbering=half and not self.triclinic and system.n_atoms >= 10_000,
        )
        if half and not self.triclinic:  # the kernel reads the table's atom numbering too
            by_index = self.pair_kernel
            self.pair_kernel = lambda *args: by_index(*args, self.neighbors.numbering)
        self.dispersion = (
            dispersion_coefficient(system, settings.cutoff)
            if self.periodic and settings.dispersion_correction
            else 0.0
        )
        self.params = self._kernel_params()
        self.last_terms: dict[str, float] = {}

    def _kernel_params(self) -> np.ndarray:
        s = self.settings
        k_rf = c_rf = 0.0
        mode = {"nocutoff": kernels.PLAIN, "cutoff": kernels.REACTION_FIELD, "pme": kernels.EWALD}[s.method]
        if s.method == "cutoff":
            eps = s.reaction_field_dielectric
            k_rf = (eps - 1.0) / ((2.0 * eps + 1.0) * s.cutoff**3)
            c_rf = 1.0 / s.cutoff + k_rf * s.cutoff**2
        rswitch = s.switch_distance if (s.switch_distance and self.periodic) else 0.0
        cutoff = s.cutoff if self.periodic else 0.0
        return pair_settings(
            cutoff,
            mode,
            COULOMB,
            alpha=self.alpha,
            rf_k=k_rf,
            rf_c=c_rf,
            switch_distance=rswitch,
            table_spacing=EWALD_TABLE_SPACING,
        )

    def energy_forces(self, positions: np.ndarray, box: np.ndarray | None) -> tuple[float, np.ndarray]:
        forces = np.zeros_like(positions)
        return self.add_forces(positions, box, forces), forces

    def add_forces(self, positions: np.ndarray, box: np.ndarray | None, forces: np.ndarray) -> float:
        """Energy; every part's forces are added into ``forces`` (no per-part arrays)."""
        box_arr = np.asarray(box, dtype=float) if (self.periodic and box is not None) else self._unit_box
        nl_box = box_arr if self.periodic else None
        table, counts = self.neighbors.get(positions, nl_box)
        # The CPU half-list kernel adds into ``forces``; the full-list (CUDA) ones overwrite.
        pair_out = forces if self.pair_kernel_adds else np.zeros_like(positions)
        e_coul, e_lj = self.pair_kernel(
            positions,
            box_arr,
            self.periodic,
            table,
            counts,
            self.charges,
            self.types,
            self.lj_a,
            self.lj_b,
            self.params,
            *self.pair_tables,
            pair_out,
        )
        if pair_out is not forces:
            forces += pair_out
        # 1-4 and excluded pairs are bonded neighbours inside one (whole) molecule, as the bonded
        # terms assume; in a triclinic cell they are taken as they stand.
        c14, lj14, e_excl = self._corrections(
            positions,
            self._unit_box if self.triclinic else box_arr,
            self.periodic and not self.triclinic,
            self.pairs14,
            self.charges,
            self.types,
            self.lj14_a,
            self.lj14_b,
            self.system.pair14_scee,
            self.system.pair14_scnb,
            COULOMB,
            self.excluded,
            self.alpha if self.pme is not None else 0.0,
            self._correction_work,
            forces,
        )
        terms = {"coulomb": e_coul, "lj": e_lj, "coulomb_14": c14, "lj_14": lj14}
        if self.pme is not None:
            terms["ewald_exclusion"] = e_excl
            terms["ewald_self"] = self.self_energy(box_arr)
            terms["reciprocal"] = self.pme.energy_forces(positions, box_arr, self.charges, forces)
        if self.dispersion:
            terms["dispersion_correction"] = self.dispersion / box_volume(box_arr)
        self.last_terms = terms
        return float(sum(terms.values()))

    def self_energy(self, box: np.ndarray) -> float:
        """Ewald self term plus the neutralising-background term for a net charge."""
        e_self = -COULOMB * self.alpha / math.sqrt(math.pi) * self.charge_square_sum
        net = self.net_charge
        return e_self - COULOMB * math.pi * net * net / (2.0 * box_volume(box) * self.alpha**2)


def _cpu_half_kernel(n_atoms: int, module=kernels):
    import numba

    if n_atoms >= PARALLEL_MIN_ATOMS and numba.get_num_threads() > 1:
        chunks = numba.get_num_threads()
        kernel = module.pair_forces_half_parallel
    else:
        chunks, kernel = 1, module.pair_forces_half_serial

    def pair_forces(*args):
        return kernel(*args, chunks)

    return pair_forces


def select_pair_kernel(device: str, n_atoms: int = 0):
    """(pair-force function, wants a half list) for ``device``.

    CPU: a half neighbour list with per-thread force buffers; CUDA (when asked and
    present): one thread per atom over a full list.
    """
    if resolve_device(device, where="device") == "cuda":
        from mstool.toolkit.md.kernels import cuda as cuda_kernels

        return cuda_kernels.pair_forces, False
    return _cpu_half_kernel(n_atoms), True


def check_box(box: np.ndarray | None, cutoff: float, angles: np.ndarray | None, where: str) -> None:
    """Refuse a missing box, or a cutoff longer than half its smallest width (the edges of an
    orthorhombic box, a_x, b_y, c_z of reduced triclinic vectors)."""
    if box is None:
        raise InputError(
            "nonbonded.method needs a periodic box but the system has none (use nonbonded.method=nocutoff)",
            where=where,
        )
    if angles is not None and np.any(np.abs(np.asarray(angles) - 90.0) > 1e-3) and not is_triclinic(box):
        raise InputError(f"box angles {np.round(angles, 3).tolist()} given without box vectors", where=where)
    half = 0.5 * float(np.min(box_widths(box)))
    if cutoff > half:
        raise InputError(
            f"nonbonded.cutoff {cutoff} nm is longer than half the smallest box width ({half:.4f} nm)",
            where=where,
        )
