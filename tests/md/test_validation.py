"""Range checks before computing: crafted prmtop/rst7 values end in InputError naming file and flag."""

from __future__ import annotations

import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.md.amber import load_amber, read_prmtop
from mstool.toolkit.md.data import bundled
from tests.conftest import run_cli
from tests.md.amber_edit import set_coordinate, set_entry

RECIPE = "recipes/sponge.yaml"

BAD_PRMTOP_ENTRIES = [
    # (flag, entry, value, message)
    ("ATOM_TYPE_INDEX", 3, "9000000", r"ATOM_TYPE_INDEX: entry 4 is 9000000, outside 1..7"),
    ("ATOM_TYPE_INDEX", 0, "0", r"ATOM_TYPE_INDEX: entry 1 is 0, outside 1..7"),
    ("ATOM_TYPE_INDEX", 0, "-1", r"ATOM_TYPE_INDEX: entry 1 is -1"),
    ("POINTERS", 1, "0", r"POINTERS: NTYPES \(entry 2\) must be at least 1"),
    ("POINTERS", 0, "0", r"POINTERS: NATOM \(entry 1\) must be at least 1"),
    ("POINTERS", 2, "-5", r"POINTERS: entry 3 is -5"),
    ("NUMBER_EXCLUDED_ATOMS", 2, "-3", r"NUMBER_EXCLUDED_ATOMS: entry 3 is -3"),
    ("EXCLUDED_ATOMS_LIST", 1, "9000000", r"EXCLUDED_ATOMS_LIST: entry 2 is 9000000, outside 0..22"),
    ("NONBONDED_PARM_INDEX", 0, "0", r"NONBONDED_PARM_INDEX: entry 1 is 0"),
    ("NONBONDED_PARM_INDEX", 5, "9999", r"NONBONDED_PARM_INDEX: entry 6 is 9999"),
    ("BONDS_INC_HYDROGEN", 0, "27000000", r"BONDS_INC_HYDROGEN: entry 1 is 9000001, outside 1..22"),
    ("BONDS_INC_HYDROGEN", 0, "4", r"BONDS_INC_HYDROGEN: atom entries must be coordinate offsets"),
    ("BONDS_INC_HYDROGEN", 2, "0", r"BONDS_INC_HYDROGEN: entry 1 is 0, outside 1..\d+"),
    ("ANGLES_WITHOUT_HYDROGEN", 3, "500", r"ANGLES_WITHOUT_HYDROGEN: entry 1 is 500"),
    ("DIHEDRALS_INC_HYDROGEN", 4, "-2", r"DIHEDRALS_INC_HYDROGEN: entry 1 is -2"),
    ("RESIDUE_POINTER", 1, "900", r"RESIDUE_POINTER: entry 2 is 900, outside 1..22"),
    ("MASS", 4, "0.0", r"MASS: atom 5 has zero mass"),
    ("MASS", 4, "-12.0", r"MASS: atom 5 has mass -12.0"),
    ("MASS", 4, "NaN", r"MASS: entry 5 is nan, expected a finite number"),
    ("CHARGE", 0, "inf", r"CHARGE: entry 1 is inf, expected a finite number"),
    ("LENNARD_JONES_ACOEF", 0, "nan", r"LENNARD_JONES_ACOEF: entry 1 is nan"),
]


@pytest.mark.parametrize(("flag", "entry", "value", "message"), BAD_PRMTOP_ENTRIES)
def test_bad_prmtop_entry_refused(tmp_path, flag, entry, value, message):
    top, _ = bundled("ala2_vacuum")
    broken = tmp_path / "broken.parm7"
    broken.write_text(set_entry(top.read_text(), flag, entry, value))
    with pytest.raises(InputError, match=message) as err:
        read_prmtop(broken)
    assert err.value.where == str(broken)


def test_out_of_range_type_exits_2_before_any_kernel(tmp_path):
    top, _ = bundled("ala2_vacuum")
    broken = tmp_path / "broken.parm7"
    broken.write_text(set_entry(top.read_text(), "ATOM_TYPE_INDEX", 3, "9000000"))
    result = run_cli("simulate", RECIPE, "--set", f"system.topology={broken}", "--set", "steps=2")
    assert result.exit_code == 2
    assert str(broken) in result.stderr and "ATOM_TYPE_INDEX" in result.stderr


@pytest.mark.parametrize(("index", "value", "message"), [
    (4, "nan", r"atom 2: non-finite coordinate"),
    (0, "inf", r"atom 1: non-finite coordinate"),
])
def test_non_finite_coordinates_refused(tmp_path, index, value, message):
    top, crd = bundled("ala2_vacuum")
    broken = tmp_path / "broken.rst7"
    broken.write_text(set_coordinate(crd.read_text(), index, value))
    with pytest.raises(InputError, match=message) as err:
        load_amber(top, broken)
    assert err.value.where.startswith(str(broken))  # file and line
    result = run_cli("simulate", RECIPE, "--set", f"system.coordinates={broken}", "--set", "steps=2")
    assert result.exit_code == 2 and "non-finite" in result.stderr


@pytest.mark.parametrize("box", ["0.0000000   0.0000000   0.0000000", "20.0000000 nan 20.0000000",
                                 "20.0000000 -20.0000000 20.0000000"])
def test_bad_box_refused(tmp_path, box):
    top, crd = bundled("ala2_vacuum")
    edges = "".join(f"{v:>12}" for v in box.split())
    boxed = tmp_path / "boxed.rst7"
    boxed.write_text(crd.read_text().rstrip("\n") + "\n" + edges + "  90.0000000  90.0000000  90.0000000\n")
    with pytest.raises(InputError, match="box edges .* every edge must be a finite number > 0"):
        load_amber(top, boxed)
    result = run_cli("simulate", RECIPE, "--set", f"system.coordinates={boxed}",
                     "--set", "nonbonded.method=pme", "--set", "nonbonded.cutoff=0.5", "--set", "steps=0")
    assert result.exit_code == 2 and "box edges" in result.stderr


def test_bundled_system_still_loads():
    system = load_amber(*bundled("ala2_vacuum"))
    assert system.n_atoms == 22 and system.atom_types.max() < system.lj_a.shape[0]
