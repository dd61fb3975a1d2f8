"""Amber parm7/prmtop and inpcrd/rst7 readers producing a :class:`~mstool.toolkit.md.system.System`.

Units are converted on reading: nm, kJ/mol, radians, elementary charges.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.box import box_vectors
from mstool.toolkit.md.system import System
from mstool.toolkit.md.units import AMBER_CHARGE_SCALE, ANGSTROM, KCAL
from mstool.toolkit.md.validation import check_coordinates, check_prmtop_sections
from mstool.toolkit.md.virtual_sites import find_virtual_sites

# (10I8), (5E16.8), (20a4), and the nested form CMAP uses: (8(F9.5))
_FORMAT = re.compile(r"\((\d+)\(?([aAiIeEfF])(\d+)(?:\.\d+)?\)?\)")

REQUIRED_FLAGS = (
    "POINTERS",
    "ATOM_NAME",
    "CHARGE",
    "MASS",
    "ATOM_TYPE_INDEX",
    "NUMBER_EXCLUDED_ATOMS",
    "NONBONDED_PARM_INDEX",
    "RESIDUE_LABEL",
    "RESIDUE_POINTER",
    "BOND_FORCE_CONSTANT",
    "BOND_EQUIL_VALUE",
    "ANGLE_FORCE_CONSTANT",
    "ANGLE_EQUIL_VALUE",
    "DIHEDRAL_FORCE_CONSTANT",
    "DIHEDRAL_PERIODICITY",
    "DIHEDRAL_PHASE",
    "LENNARD_JONES_ACOEF",
    "LENNARD_JONES_BCOEF",
    "BONDS_INC_HYDROGEN",
    "BONDS_WITHOUT_HYDROGEN",
    "ANGLES_INC_HYDROGEN",
    "ANGLES_WITHOUT_HYDROGEN",
    "DIHEDRALS_INC_HYDROGEN",
    "DIHEDRALS_WITHOUT_HYDROGEN",
    "EXCLUDED_ATOMS_LIST",
)


def _parse_section(path: str, flag: str, fmt: str, lines: list[str], line_no: int) -> list:
    match = _FORMAT.search(fmt)
    if match is None and "," in fmt:  # a mixed record such as FORCE_FIELD_TYPE's (i2,a78): kept as text
        return [line.rstrip("\n") for line in lines]
    if match is None:
        raise InputError(f"%FLAG {flag}: unreadable %FORMAT '{fmt.strip()}'", where=f"{path}:{line_no}")
    kind, width = match.group(2).lower(), int(match.group(3))
    values: list = []
    for offset, line in enumerate(lines):
        text = line.rstrip("\n")
        for start in range(0, len(text), width):
            field = text[start : start + width]
            if kind == "a":
                values.append(field.strip())
                continue
            if not field.strip():
                continue
            try:
                values.append(int(field) if kind == "i" else float(field))
            except ValueError:
                raise InputError(
                    f"%FLAG {flag}: expected {'an integer' if kind == 'i' else 'a number'}, "
                    f"got '{field.strip()}'",
                    where=f"{path}:{line_no + 1 + offset}",
                ) from None
    return values


def read_prmtop_sections(path: str | os.PathLike) -> dict[str, list]:
    """Every ``%FLAG`` section of a prmtop as a list of ints, floats or strings.

    >>> import tempfile
    >>> p = tempfile.mktemp(suffix=".parm7")
    >>> _ = open(p, "w").write("%FLAG MASS\\n%FORMAT(5E16.8)\\n  1.00800000E+00\\n")
    >>> read_prmtop_sections(p)["MASS"]
    [1.008]
    """
    path = str(path)
    if not Path(path).is_file():
        raise InputError("no such topology file", where=path)
    with open(path, errors="replace") as handle:
        lines = handle.readlines()
    sections: dict[str, list] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("%FLAG"):
            i += 1
            continue
        flag = line[5:].strip()
        while i + 1 < len(lines) and lines[i + 1].startswith("%COMMENT"):
            i += 1
        if i + 1 >= len(lines) or not lines[i + 1].startswith("%FORMAT"):
            raise InputError(f"%FLAG {flag}: expected a %FORMAT line after it", where=f"{path}:{i + 2}")
        start = i + 2
        end = start
        while end < len(lines) and not lines[end].startswith("%"):
            end += 1
        sections[flag] = _parse_section(path, flag, lines[i + 1], lines[start:end], start)
        i = end
    if not sections:
        raise InputError("not an Amber prmtop (no %FLAG sections)", where=path)
    return sections


def _need(sections: dict, path: str, flag: str, count: int | None = None) -> list:
    if flag not in sections:
        raise InputError(f"missing required %FLAG {flag}", where=path)
    values = sections[flag]
    if count is not None and len(values) < count:
        raise InputError(f"%FLAG {flag}: expected {count} values, found {len(values)}", where=path)
    return values


def _triples(values: list, width: int, path: str, flag: str) -> np.ndarray:
    if len(values) % width:
        raise InputError(f"%FLAG {flag}: length {len(values)} is not a multiple of {width}", where=path)
    return np.asarray(values, dtype=np.int64).reshape(-1, width)


def _bonded_terms(sec: dict, path: str, system: System) -> None:
    bonds = np.vstack(
        [_triples(_need(sec, path, f), 3, path, f) for f in ("BONDS_INC_HYDROGEN", "BONDS_WITHOUT_HYDROGEN")]
    )
    kb = np.asarray(_need(sec, path, "BOND_FORCE_CONSTANT"))
    rb = np.asarray(_need(sec, path, "BOND_EQUIL_VALUE"))
    idx = bonds[:, 2] - 1
    system.bond_atoms = (bonds[:, :2] // 3).astype(np.int64)
    system.bond_k = kb[idx] * KCAL / ANGSTROM**2
    system.bond_r0 = rb[idx] * ANGSTROM
    system.n_bonds_with_h = len(sec["BONDS_INC_HYDROGEN"]) // 3
    angles = np.vstack(
        [
            _triples(_need(sec, path, f), 4, path, f)
            for f in ("ANGLES_INC_HYDROGEN", "ANGLES_WITHOUT_HYDROGEN")
        ]
    )
    ka = np.asarray(_need(sec, path, "ANGLE_FORCE_CONSTANT"))
    ta = np.asarray(_need(sec, path, "ANGLE_EQUIL_VALUE"))
    idx = angles[:, 3] - 1
    system.angle_atoms = (angles[:, :3] // 3).astype(np.int64)
    system.angle_k = ka[idx] * KCAL
    system.angle_theta0 = ta[idx]
    _torsions(sec, path, system)
    _urey_bradley(sec, path, system)
    _charmm_impropers(sec, path, system)
    _cmap(sec, path, system)


def _torsions(sec: dict, path: str, system: System) -> None:
    dih = np.vstack(
        [
            _triples(_need(sec, path, f), 5, path, f)
            for f in ("DIHEDRALS_INC_HYDROGEN", "DIHEDRALS_WITHOUT_HYDROGEN")
        ]
    )
    kd = np.asarray(_need(sec, path, "DIHEDRAL_FORCE_CONSTANT"))
    pn = np.asarray(_need(sec, path, "DIHEDRAL_PERIODICITY"))
    ph = np.asarray(_need(sec, path, "DIHEDRAL_PHASE"))
    n_types = len(kd)
    scee = np.asarray(sec.get("SCEE_SCALE_FACTOR") or [1.2] * n_types, dtype=float)
    scnb = np.asarray(sec.get("SCNB_SCALE_FACTOR") or [2.0] * n_types, dtype=float)
    idx = dih[:, 4] - 1
    atoms = np.abs(dih[:, :4]) // 3
    system.torsion_atoms = atoms.astype(np.int64)
    system.torsion_k = kd[idx] * KCAL
    system.torsion_periodicity = np.abs(pn[idx]).astype(np.int64)
    system.torsion_phase = ph[idx]
    # A negative third index marks a torsion whose 1-4 pair is counted elsewhere.
    has_14 = dih[:, 2] >= 0
    seen: dict[tuple[int, int], tuple[float, float]] = {}
    for (a, _, _, d), t, ok in zip(atoms, idx, has_14, strict=True):
        if not ok:
            continue
        key = (min(a, d), max(a, d))
        if key not in seen:
            seen[key] = (scee[t] if scee[t] else 1.2, scnb[t] if scnb[t] else 2.0)
    pairs = np.array(sorted(seen), dtype=np.int64).reshape(-1, 2)
    system.pair14_atoms = pairs
    system.pair14_scee = np.array([seen[tuple(p)][0] for p in pairs], dtype=float)
    system.pair14_scnb = np.array([seen[tuple(p)][1] for p in pairs], dtype=float)


def _urey_bradley(sec: dict, path: str, system: System) -> None:
    if "CHARMM_UREY_BRADLEY" not in sec:
        return
    ub = _triples(sec["CHARMM_UREY_BRADLEY"], 3, path, "CHARMM_UREY_BRADLEY")
    coef = np.asarray(_need(sec, path, "CHARMM_UREY_BRADLEY_FORCE_CONSTANT"))
    r0 = np.asarray(_need(sec, path, "CHARMM_UREY_BRADLEY_EQUIL_VALUE"))
    idx = ub[:, 2] - 1
    system.ub_atoms = ub[:, :2] - 1
    system.ub_k = coef[idx] * KCAL / ANGSTROM**2
    system.ub_r0 = r0[idx] * ANGSTROM


def _charmm_impropers(sec: dict, path: str, system: System) -> None:
    """Chamber's harmonic impropers E = k (psi - psi0)^2 (1-based atoms; psi0 in degrees)."""
    if not sec.get("CHARMM_IMPROPERS"):
        return
    terms = _triples(sec["CHARMM_IMPROPERS"], 5, path, "CHARMM_IMPROPERS")
    k = np.asarray(_need(sec, path, "CHARMM_IMPROPER_FORCE_CONSTANT"))
    psi0 = np.asarray(_need(sec, path, "CHARMM_IMPROPER_PHASE"))
    idx = terms[:, 4] - 1
    system.improper_atoms = terms[:, :4] - 1
    system.improper_k = k[idx] * KCAL
    system.improper_psi0 = np.radians(psi0[idx])


def _cmap(sec: dict, path: str, system: System) -> None:
    prefix = "CHARMM_CMAP_" if "CHARMM_CMAP_COUNT" in sec else "CMAP_"
    if prefix + "COUNT" not in sec:
        return
    _, n_maps = sec[prefix + "COUNT"][:2]
    sizes = _need(sec, path, prefix + "RESOLUTION", n_maps)
    grids = []
    for k in range(n_maps):
        flag = f"{prefix}PARAMETER_{k + 1:02d}"
        values = _need(sec, path, flag, sizes[k] * sizes[k])
        grids.append(np.asarray(values[: sizes[k] ** 2]).reshape(sizes[k], sizes[k]) * KCAL)
    terms = _triples(_need(sec, path, prefix + "INDEX"), 6, path, prefix + "INDEX")
    system.cmap_atoms = terms[:, :5] - 1
    system.cmap_map = terms[:, 5] - 1
    system.cmap_grids = grids


def _nonbonded(sec: dict, path: str, system: System, n_atoms: int, n_types: int) -> None:
    system.charges = np.asarray(_need(sec, path, "CHARGE", n_atoms)[:n_atoms]) / AMBER_CHARGE_SCALE
    types = np.asarray(_need(sec, path, "ATOM_TYPE_INDEX", n_atoms)[:n_atoms], dtype=np.int64) - 1
    nb_index = np.asarray(_need(sec, path, "NONBONDED_PARM_INDEX", n_types * n_types), dtype=np.int64)
    acoef = np.asarray(_need(sec, path, "LENNARD_JONES_ACOEF"))
    bcoef = np.asarray(_need(sec, path, "LENNARD_JONES_BCOEF"))
    table = nb_index[: n_types * n_types].reshape(n_types, n_types)
    hbond = table < 0  # 10-12 pairs: accepted only when their coefficients are all zero
    if hbond.any() and any(
        sec.get(f) and np.any(np.asarray(sec[f]) != 0) for f in ("HBOND_ACOEF", "HBOND_BCOEF")
    ):
        raise InputError(
            "%FLAG NONBONDED_PARM_INDEX: non-zero 10-12 hydrogen-bond terms are not supported", where=path
        )
    table = np.where(hbond, 0, table - 1)
    system.atom_types = types
    # A/B in kJ/mol nm^12 and kJ/mol nm^6: E = A/r^12 - B/r^6.
    system.lj_a = np.where(hbond, 0.0, acoef[table]) * KCAL * ANGSTROM**12
    system.lj_b = np.where(hbond, 0.0, bcoef[table]) * KCAL * ANGSTROM**6
    if sec.get("LENNARD_JONES_14_ACOEF"):  # chamber: CHARMM's own 1-4 LJ parameters
        a14 = np.asarray(_need(sec, path, "LENNARD_JONES_14_ACOEF"))
        b14 = np.asarray(_need(sec, path, "LENNARD_JONES_14_BCOEF"))
        system.lj14_a = np.where(hbond, 0.0, a14[table]) * KCAL * ANGSTROM**12
        system.lj14_b = np.where(hbond, 0.0, b14[table]) * KCAL * ANGSTROM**6
    if sec.get("LENNARD_JONES_CCOEF"):  # 12-6-4 ion terms: E = -C / r^4
        ccoef = np.asarray(sec["LENNARD_JONES_CCOEF"])
        if len(ccoef) < int(table.max()) + 1:
            raise InputError(f"%FLAG LENNARD_JONES_CCOEF: expected {int(table.max()) + 1} values", where=path)
        lj_c = np.where(hbond, 0.0, ccoef[table]) * KCAL * ANGSTROM**4
        system.lj_c = lj_c if np.any(lj_c != 0.0) else None
    counts = np.asarray(_need(sec, path, "NUMBER_EXCLUDED_ATOMS", n_atoms)[:n_atoms], dtype=np.int64)
    flat = np.asarray(_need(sec, path, "EXCLUDED_ATOMS_LIST", int(counts.sum())), dtype=np.int64)
    pairs = []
    start = 0
    for i, count in enumerate(counts):
        for j in flat[start : start + count]:
            if j > 0:  # 0 is Amber's placeholder for "no exclusions"
                pairs.append((i, j - 1))
        start += count
    excl = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    system.set_exclusions(excl)


def _box_and_solvent(sec: dict, system: System, pointers: list) -> None:
    if pointers[27] > 0 and "BOX_DIMENSIONS" in sec:
        # Used only when the coordinates carry no box. IFBOX=2 is a truncated octahedron.
        beta, a, b, c = sec["BOX_DIMENSIONS"][:4]
        system.box = np.array([a, b, c]) * ANGSTROM
        angles = np.full(3, beta) if pointers[27] == 2 else np.array([90.0, beta, 90.0])
        system.box_angles = angles if abs(beta - 90.0) > 1e-3 else None
        if system.box_angles is not None:
            system.box = box_vectors(system.box, angles)
    if "SOLVENT_POINTERS" in sec:
        system.solvent_pointers = tuple(int(v) for v in sec["SOLVENT_POINTERS"][:3])
    if sec.get("RADII") and sec.get("SCREEN"):
        system.gb_radii = np.asarray(sec["RADII"][: system.n_atoms], dtype=float) * ANGSTROM
        system.gb_screen = np.asarray(sec["SCREEN"][: system.n_atoms], dtype=float)
    if sec.get("ATOMIC_NUMBER"):
        system.atomic_numbers = np.asarray(sec["ATOMIC_NUMBER"][: system.n_atoms], dtype=np.int64)
    if "ATOMS_PER_MOLECULE" in sec:
        system.atoms_per_molecule = np.asarray(sec["ATOMS_PER_MOLECULE"], dtype=np.int64)


def refuse_unsupported(sec: dict, path: str) -> None:
    """Raise :class:`InputError` naming the flag of a topology feature the engine cannot honour."""
    if "LES_NTYP" in sec or "LES_TYPE" in sec:
        raise InputError(
            "%FLAG LES_NTYP: locally enhanced sampling (LES) topologies are not supported; "
            "build the plain (non-LES) topology",
            where=path,
        )
    amoeba = sorted(f for f in sec if f.startswith("AMOEBA_"))
    if amoeba:
        raise InputError(f"%FLAG {amoeba[0]}: AMOEBA (polarisable) topologies are not supported", where=path)
    for flag in ("POLARIZABILITY", "IPOL"):
        if any(isinstance(v, (int, float)) and v != 0 for v in sec.get(flag, [])):
            raise InputError(f"%FLAG {flag}: polarisable parameters are not supported", where=path)
    pointers = sec.get("POINTERS", [])
    if len(pointers) > 20 and pointers[20]:
        raise InputError("%FLAG POINTERS: IFPERT=1 (perturbation topology) is not supported", where=path)


def read_prmtop(path: str | os.PathLike) -> System:
    """Read an Amber parm7/prmtop into a :class:`System` (no coordinates yet).

    Raises :class:`InputError` naming the file and the flag for a malformed or
    incomplete file.
    """
    path = str(path)
    sec = read_prmtop_sections(path)
    check_prmtop_sections(sec, path)
    for flag in REQUIRED_FLAGS:
        _need(sec, path, flag)
    refuse_unsupported(sec, path)
    pointers = _need(sec, path, "POINTERS", 28)
    n_atoms, n_types = int(pointers[0]), int(pointers[1])
    residue_pointer = np.asarray(_need(sec, path, "RESIDUE_POINTER"), dtype=np.int64) - 1
    names = _need(sec, path, "ATOM_NAME", n_atoms)[:n_atoms]
    system = System(
        n_atoms=n_atoms,
        masses=np.asarray(_need(sec, path, "MASS", n_atoms)[:n_atoms], dtype=float),
        atom_names=list(names),
        residue_names=list(sec["RESIDUE_LABEL"]),
        residue_starts=residue_pointer,
        source=path,
    )
    _nonbonded(sec, path, system, n_atoms, n_types)
    _bonded_terms(sec, path, system)
    system.virtual_sites = find_virtual_sites(system, path)
    _box_and_solvent(sec, system, pointers)
    system.validate(path)
    return system


def read_coordinates(path: str | os.PathLike, n_atoms: int | None = None) -> dict:
    """Read an ASCII inpcrd/rst7: ``positions`` (nm), optional ``velocities`` (nm/ps), ``box`` (nm).

    ``n_atoms`` (from the topology) is checked against the file's count.
    """
    path = str(path)
    if not Path(path).is_file():
        raise InputError("no such coordinate file", where=path)
    with open(path, "rb") as handle:
        if handle.read(3) == b"CDF":
            return _read_netcdf_restart(path, n_atoms)
    with open(path, errors="replace") as handle:
        lines = handle.read().splitlines()
    if len(lines) < 2 or not lines[1].split():
        raise InputError("expected a title line and an atom-count line", where=f"{path}:2")
    try:
        count = int(lines[1].split()[0])
    except ValueError:
        raise InputError(f"expected the atom count, got '{lines[1].strip()}'", where=f"{path}:2") from None
    if n_atoms is not None and count != n_atoms:
        raise InputError(f"has {count} atoms but the topology has {n_atoms}", where=f"{path}:2")
    values = []
    for offset, line in enumerate(lines[2:]):
        for start in range(0, len(line.rstrip()), 12):
            field = line[start : start + 12]
            try:
                values.append(float(field))
            except ValueError:
                raise InputError(
                    f"expected a number, got '{field.strip()}'", where=f"{path}:{offset + 3}"
                ) from None
    n = 3 * count
    if len(values) < n:
        raise InputError(f"expected {n} coordinates, found {len(values)}", where=path)
    bad = np.flatnonzero(~np.isfinite(values[:n]))
    if len(bad):  # six values per line after the title and count lines
        raise InputError(f"atom {bad[0] // 3 + 1}: non-finite coordinate", where=f"{path}:{bad[0] // 6 + 3}")
    out: dict = {
        "positions": np.asarray(values[:n]).reshape(count, 3) * ANGSTROM,
        "velocities": None,
        "box": None,
    }
    rest = values[n:]
    if len(rest) >= n:
        # Amber velocities are in A per (1/20.455 ps).
        out["velocities"] = np.asarray(rest[:n]).reshape(count, 3) * ANGSTROM * 20.455
        rest = rest[n:]
    if len(rest) >= 6:
        out["box"] = np.asarray(rest[:3]) * ANGSTROM
        angles = np.asarray(rest[3:6])
        if np.any(np.abs(angles - 90.0) > 1e-3):
            out["box_angles"] = angles
    elif rest and not math.isclose(len(rest), 0):
        raise InputError(f"{len(rest)} trailing values: expected velocities and/or a 6-value box", where=path)
    return out


def _read_netcdf_restart(path: str, n_atoms: int | None) -> dict:
    from scipy.io import netcdf_file

    try:
        with netcdf_file(path, "r", mmap=False) as handle:
            variables = {
                k: np.array(v.data, dtype=float)
                for k, v in handle.variables.items()
                if v.data.dtype.kind in "fiu"
            }
    except (OSError, ValueError, TypeError) as err:
        raise InputError(f"unreadable NetCDF restart ({err})", where=path) from None
    if "coordinates" not in variables:
        raise InputError("NetCDF restart has no 'coordinates' variable", where=path)
    pos = variables["coordinates"].reshape(-1, 3)
    if not np.all(np.isfinite(pos)):
        atom = int(np.flatnonzero(~np.all(np.isfinite(pos), axis=1))[0]) + 1
        raise InputError(f"atom {atom}: non-finite coordinate", where=path)
    if n_atoms is not None and len(pos) != n_atoms:
        raise InputError(f"has {len(pos)} atoms but the topology has {n_atoms}", where=path)
    out: dict = {"positions": pos * ANGSTROM, "velocities": None, "box": None}
    if "velocities" in variables:
        out["velocities"] = variables["velocities"].reshape(-1, 3) * ANGSTROM * 20.455
    if "cell_lengths" in variables:
        out["box"] = variables["cell_lengths"] * ANGSTROM
        angles = variables.get("cell_angles", np.full(3, 90.0))
        if np.any(np.abs(angles - 90.0) > 1e-3):
            out["box_angles"] = angles
    return out


def load_amber(topology: str | os.PathLike, coordinates: str | os.PathLike) -> System:
    """Read a prmtop and its coordinates into one :class:`System` with positions and box.

    >>> from mstool.toolkit.md.data import bundled
    >>> s = load_amber(*bundled("ala2_vacuum"))
    >>> s.n_atoms, s.positions.shape
    (22, (22, 3))
    """
    system = read_prmtop(topology)
    coords = read_coordinates(coordinates, system.n_atoms)
    check_coordinates(coords, str(coordinates))
    system.positions = coords["positions"]
    system.velocities = coords["velocities"]
    if coords["box"] is not None:
        # The box always comes from the coordinates: prmtops often carry a stale BOX_DIMENSIONS.
        system.box = coords["box"]
        system.box_angles = coords.get("box_angles")
        if system.box_angles is not None:
            system.box = box_vectors(coords["box"], system.box_angles)
    return system
