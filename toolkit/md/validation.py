"""Range checks on Amber inputs before any array is indexed or any kernel runs.

Every index a Numba kernel will follow (atoms, types, parameter slots) is checked
against its range here, and every number that feeds the dynamics must be finite,
so a crafted prmtop/rst7 ends in an :class:`InputError` naming the file and flag.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.errors import InputError

# POINTERS slots (Amber file format): counts that must be >= 0, and the ones read here.
NATOM, NTYPES, IFBOX, NUMEXTRA = 0, 1, 27, 30

# (flag, entries per term, atom columns, parameter flags the last column indexes)
BONDED_LISTS = (
    ("BONDS_INC_HYDROGEN", 3, 2, ("BOND_FORCE_CONSTANT", "BOND_EQUIL_VALUE")),
    ("BONDS_WITHOUT_HYDROGEN", 3, 2, ("BOND_FORCE_CONSTANT", "BOND_EQUIL_VALUE")),
    ("ANGLES_INC_HYDROGEN", 4, 3, ("ANGLE_FORCE_CONSTANT", "ANGLE_EQUIL_VALUE")),
    ("ANGLES_WITHOUT_HYDROGEN", 4, 3, ("ANGLE_FORCE_CONSTANT", "ANGLE_EQUIL_VALUE")),
    ("DIHEDRALS_INC_HYDROGEN", 5, 4,
     ("DIHEDRAL_FORCE_CONSTANT", "DIHEDRAL_PERIODICITY", "DIHEDRAL_PHASE")),
    ("DIHEDRALS_WITHOUT_HYDROGEN", 5, 4,
     ("DIHEDRAL_FORCE_CONSTANT", "DIHEDRAL_PERIODICITY", "DIHEDRAL_PHASE")),
)

FINITE_FLAGS = (
    "CHARGE", "BOND_FORCE_CONSTANT", "BOND_EQUIL_VALUE", "ANGLE_FORCE_CONSTANT",
    "ANGLE_EQUIL_VALUE", "DIHEDRAL_FORCE_CONSTANT", "DIHEDRAL_PERIODICITY", "DIHEDRAL_PHASE",
    "SCEE_SCALE_FACTOR", "SCNB_SCALE_FACTOR", "LENNARD_JONES_ACOEF", "LENNARD_JONES_BCOEF",
    "HBOND_ACOEF", "HBOND_BCOEF", "CHARMM_UREY_BRADLEY_FORCE_CONSTANT",
    "CHARMM_UREY_BRADLEY_EQUIL_VALUE", "BOX_DIMENSIONS",
)


def _fail(path: str, flag: str, message: str) -> InputError:
    return InputError(f"%FLAG {flag}: {message}", where=path)


def _ints(sec: dict, path: str, flag: str) -> np.ndarray:
    values = sec.get(flag) or []
    if any(not isinstance(v, int) for v in values):
        raise _fail(path, flag, "expected integers (%FORMAT with I fields)")
    try:
        return np.asarray(values, dtype=np.int64)
    except OverflowError:
        raise _fail(path, flag, "an integer is too large") from None


def _in_range(values: np.ndarray, low: int, high: int, path: str, flag: str, what: str) -> None:
    """Every value in low..high (inclusive), else name the first offender."""
    bad = np.flatnonzero((values < low) | (values > high))
    if len(bad):
        at = int(bad[0])
        raise _fail(path, flag, f"entry {at + 1} is {int(values[at])}, outside {low}..{high} ({what})")


def _finite(sec: dict, path: str, flag: str) -> np.ndarray:
    try:
        values = np.asarray(sec.get(flag) or [], dtype=float)
    except (TypeError, ValueError):
        raise _fail(path, flag, "expected numbers (%FORMAT with E or F fields)") from None
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise _fail(path, flag, f"entry {int(bad[0]) + 1} is {values[bad[0]]}, expected a finite number")
    return values


def _pointers(sec: dict, path: str) -> np.ndarray:
    pointers = _ints(sec, path, "POINTERS")
    if len(pointers) < 28:
        raise _fail(path, "POINTERS", f"expected at least 28 values, found {len(pointers)}")
    _in_range(pointers, 0, 2**31 - 1, path, "POINTERS", "counts cannot be negative")
    if pointers[NATOM] < 1:
        raise _fail(path, "POINTERS", "NATOM (entry 1) must be at least 1")
    if pointers[NTYPES] < 1:
        raise _fail(path, "POINTERS", "NTYPES (entry 2) must be at least 1")
    return pointers


def _check_masses(sec: dict, path: str, pointers: np.ndarray) -> None:
    masses = _finite(sec, path, "MASS")[: pointers[NATOM]]
    if len(masses) and masses.min() < 0:
        at = int(np.argmin(masses))
        raise _fail(path, "MASS", f"atom {at + 1} has mass {masses[at]}; masses cannot be negative")
    massless = int(np.count_nonzero(masses == 0))
    extra_points = int(pointers[NUMEXTRA]) if len(pointers) > NUMEXTRA else 0
    if massless > extra_points:
        at = int(np.flatnonzero(masses == 0)[0])
        raise _fail(path, "MASS", f"atom {at + 1} has zero mass and the file declares "
                    f"{extra_points} massless extra points (POINTERS NUMEXTRA)")


def _check_nonbonded(sec: dict, path: str, n_atoms: int, n_types: int) -> None:
    types = _ints(sec, path, "ATOM_TYPE_INDEX")[:n_atoms]
    _in_range(types, 1, n_types, path, "ATOM_TYPE_INDEX", f"NTYPES is {n_types}")
    slots = _ints(sec, path, "NONBONDED_PARM_INDEX")[: n_types * n_types]
    n_lj = min(len(sec.get("LENNARD_JONES_ACOEF") or []), len(sec.get("LENNARD_JONES_BCOEF") or []))
    # a negative slot names a 10-12 term (refused later unless its coefficients are zero);
    # 0 names nothing and would wrap to the last Lennard-Jones entry
    bad = np.flatnonzero((slots == 0) | (slots > n_lj))
    if len(bad):
        at = int(bad[0])
        raise _fail(path, "NONBONDED_PARM_INDEX", f"entry {at + 1} is {int(slots[at])}, outside 1..{n_lj} "
                    f"({n_lj} Lennard-Jones coefficients; negative for 10-12 terms)")
    counts = _ints(sec, path, "NUMBER_EXCLUDED_ATOMS")[:n_atoms]
    _in_range(counts, 0, n_atoms, path, "NUMBER_EXCLUDED_ATOMS", "exclusions per atom")
    excluded = _ints(sec, path, "EXCLUDED_ATOMS_LIST")[: int(counts.sum())]
    _in_range(excluded, 0, n_atoms, path, "EXCLUDED_ATOMS_LIST", f"0 or an atom number up to {n_atoms}")


def _check_bonded_lists(sec: dict, path: str, n_atoms: int) -> None:
    for flag, width, n_atom_columns, parameter_flags in BONDED_LISTS:
        terms = _ints(sec, path, flag)
        if len(terms) % width:
            raise _fail(path, flag, f"length {len(terms)} is not a multiple of {width}")
        terms = terms.reshape(-1, width)
        # atoms are stored as 3*(index); dihedrals mark flags with a sign on the 3rd/4th atom
        atoms = np.abs(terms[:, :n_atom_columns]).ravel()
        if np.any(atoms % 3):
            raise _fail(path, flag, "atom entries must be coordinate offsets (multiples of 3)")
        _in_range(atoms // 3 + 1, 1, n_atoms, path, flag, f"atom numbers, NATOM is {n_atoms}")
        # the 1-4 scale factors, when present, are indexed by the dihedral type as well
        extra = [f for f in ("SCEE_SCALE_FACTOR", "SCNB_SCALE_FACTOR") if width == 5 and sec.get(f)]
        n_params = min(len(sec.get(p) or []) for p in (*parameter_flags, *extra))
        _in_range(terms[:, -1], 1, n_params, path, flag, f"{n_params} parameter sets in {parameter_flags[0]}")


def _check_residues(sec: dict, path: str, n_atoms: int) -> None:
    starts = _ints(sec, path, "RESIDUE_POINTER")
    _in_range(starts, 1, n_atoms, path, "RESIDUE_POINTER", f"atom numbers, NATOM is {n_atoms}")
    if len(starts) and (starts[0] != 1 or np.any(np.diff(starts) <= 0)):
        raise _fail(path, "RESIDUE_POINTER", "residues must start at atom 1 and increase")
    per_molecule = _ints(sec, path, "ATOMS_PER_MOLECULE")
    _in_range(per_molecule, 0, n_atoms, path, "ATOMS_PER_MOLECULE", f"NATOM is {n_atoms}")


def _check_charmm(sec: dict, path: str, n_atoms: int) -> None:
    if "CHARMM_UREY_BRADLEY" in sec:
        ub = _ints(sec, path, "CHARMM_UREY_BRADLEY")
        if len(ub) % 3:
            raise _fail(path, "CHARMM_UREY_BRADLEY", f"length {len(ub)} is not a multiple of 3")
        ub = ub.reshape(-1, 3)
        _in_range(ub[:, :2].ravel(), 1, n_atoms, path, "CHARMM_UREY_BRADLEY", f"NATOM is {n_atoms}")
        n_ub = min(len(sec.get(f) or []) for f in ("CHARMM_UREY_BRADLEY_FORCE_CONSTANT",
                                                   "CHARMM_UREY_BRADLEY_EQUIL_VALUE"))
        _in_range(ub[:, 2], 1, n_ub, path, "CHARMM_UREY_BRADLEY", f"{n_ub} Urey-Bradley parameter sets")
    prefix = "CHARMM_CMAP_" if "CHARMM_CMAP_COUNT" in sec else "CMAP_"
    if prefix + "COUNT" not in sec:
        return
    count = _ints(sec, path, prefix + "COUNT")
    if len(count) < 2:
        raise _fail(path, prefix + "COUNT", "expected two values (terms, maps)")
    n_maps = int(count[1])
    _in_range(count, 0, 10**6, path, prefix + "COUNT", "counts")
    sizes = _ints(sec, path, prefix + "RESOLUTION")[:n_maps]
    _in_range(sizes, 1, 1024, path, prefix + "RESOLUTION", "grid points per side")
    for k in range(n_maps):
        _finite(sec, path, f"{prefix}PARAMETER_{k + 1:02d}")
    terms = _ints(sec, path, prefix + "INDEX")
    if len(terms) % 6:
        raise _fail(path, prefix + "INDEX", f"length {len(terms)} is not a multiple of 6")
    terms = terms.reshape(-1, 6)
    _in_range(terms[:, :5].ravel(), 1, n_atoms, path, prefix + "INDEX", f"NATOM is {n_atoms}")
    _in_range(terms[:, 5], 1, max(n_maps, 0), path, prefix + "INDEX", f"{n_maps} maps")


def _check_box(sec: dict, path: str, pointers: np.ndarray) -> None:
    if pointers[IFBOX] > 0 and "BOX_DIMENSIONS" in sec:
        box = _finite(sec, path, "BOX_DIMENSIONS")
        if len(box) < 4:
            raise _fail(path, "BOX_DIMENSIONS", f"expected 4 values, found {len(box)}")
        if not 0 < box[0] < 180 or np.any(box[1:4] <= 0):
            raise _fail(path, "BOX_DIMENSIONS", f"box {box[1:4].tolist()} with angle {box[0]}: "
                        "edges must be > 0 and the angle between 0 and 180")


def check_prmtop_sections(sec: dict, path: str) -> None:
    """Check every count, index and number of a parsed prmtop against its range.

    Flags that are missing are left to the reader, which names them.

    >>> from mstool.toolkit.md.amber import read_prmtop_sections
    >>> from mstool.toolkit.md.data import bundled
    >>> sec = read_prmtop_sections(bundled("ala2_vacuum")[0])
    >>> check_prmtop_sections(sec, "ala2.parm7")
    >>> sec["ATOM_TYPE_INDEX"][0] = 0
    >>> try:
    ...     check_prmtop_sections(sec, "ala2.parm7")
    ... except InputError as err:
    ...     print(err)
    ala2.parm7: %FLAG ATOM_TYPE_INDEX: entry 1 is 0, outside 1..7 (NTYPES is 7)
    """
    if "POINTERS" not in sec:
        return
    pointers = _pointers(sec, path)
    n_atoms, n_types = int(pointers[NATOM]), int(pointers[NTYPES])
    for flag in FINITE_FLAGS:
        _finite(sec, path, flag)
    _check_masses(sec, path, pointers)
    _check_nonbonded(sec, path, n_atoms, n_types)
    _check_bonded_lists(sec, path, n_atoms)
    _check_residues(sec, path, n_atoms)
    _check_charmm(sec, path, n_atoms)
    _check_box(sec, path, pointers)


def check_coordinates(coords: dict, path: str) -> None:
    """Positions and velocities finite; a box, when given, finite with edges > 0.

    >>> check_coordinates({"positions": np.zeros((2, 3)), "velocities": None, "box": None}, "x.rst7")
    >>> try:
    ...     check_coordinates({"positions": np.zeros((1, 3)), "box": np.zeros(3)}, "x.rst7")
    ... except InputError as err:
    ...     print(err)
    x.rst7: box edges [0.0, 0.0, 0.0] nm: every edge must be a finite number > 0
    """
    for name in ("positions", "velocities"):
        values = coords.get(name)
        if values is not None and not np.all(np.isfinite(values)):
            atom = int(np.flatnonzero(~np.isfinite(values).all(axis=-1))[0]) + 1
            raise InputError(f"{name}: atom {atom} has a non-finite value (NaN or inf)", where=path)
    box = coords.get("box")
    if box is not None and not (np.all(np.isfinite(box)) and np.all(np.asarray(box) > 0)):
        raise InputError(f"box edges {np.asarray(box).tolist()} nm: every edge must be a finite number > 0",
                         where=path)
    angles = coords.get("box_angles")
    if angles is not None and not (np.all(np.isfinite(angles)) and np.all((angles > 0) & (angles < 180))):
        raise InputError(f"box angles {np.asarray(angles).tolist()}: expected degrees between 0 and 180",
                         where=path)
