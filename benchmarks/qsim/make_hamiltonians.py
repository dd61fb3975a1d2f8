"""Generate the bundled molecular Hamiltonians (run once; needs pyscf + openfermion).

    .venv-bench-qsim/bin/python benchmarks/qsim/make_hamiltonians.py recipes/data/qsim

H2 at 0.735 A and LiH at 1.6 A in STO-3G: RHF orbitals from pyscf, integrals in the MO
basis, second quantization and Jordan-Wigner with openfermion. The FCI energy from
pyscf is printed next to the exact ground state of the qubit Hamiltonian as a check.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import openfermion as of
from pyscf import ao2mo, fci, gto, scf
from scipy.sparse.linalg import eigsh

MOLECULES = {
    "h2": "H 0 0 0; H 0 0 0.735",
    "lih": "Li 0 0 0; H 0 0 1.6",
}


def qubit_hamiltonian(geometry: str) -> tuple[of.QubitOperator, float, int]:
    mol = gto.M(atom=geometry, basis="sto-3g", unit="Angstrom", verbose=0)
    mf = scf.RHF(mol).run()
    coeff = mf.mo_coeff
    n_orb = coeff.shape[1]
    h1 = coeff.T @ mf.get_hcore() @ coeff
    eri = ao2mo.restore(1, ao2mo.kernel(mol, coeff), n_orb)  # chemists' (pq|rs)
    e_fci = fci.FCI(mf).kernel()[0]
    # openfermion wants <pq|rs>-style two-body terms: h[p,q,r,s] = (ps|qr)
    two_body = np.asarray(eri.transpose(0, 2, 3, 1), order="C")
    one_so, two_so = of.chem.molecular_data.spinorb_from_spatial(h1, two_body)
    op = of.InteractionOperator(mol.energy_nuc(), one_so, 0.5 * two_so)
    qubit_op = of.jordan_wigner(op)
    qubit_op.compress(1e-12)
    return qubit_op, e_fci, mol.nelectron


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, geometry in MOLECULES.items():
        qubit_op, e_fci, n_electrons = qubit_hamiltonian(geometry)
        n_qubits = of.count_qubits(qubit_op)
        ground = eigsh(of.get_sparse_operator(qubit_op, n_qubits), k=1, which="SA")[0][0]
        text = str(qubit_op)
        (out / f"{name}.txt").write_text(text + "\n")
        print(f"{name}: {n_qubits} qubits, {len(qubit_op.terms)} terms, {n_electrons} electrons, "
              f"FCI {e_fci:.10f}, qubit ground state {ground:.10f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "recipes/data/qsim")
