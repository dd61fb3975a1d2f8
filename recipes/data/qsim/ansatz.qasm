// A 4-qubit H2 trial state: Hartree-Fock plus rotations (for `mstool qsim expect`).
OPENQASM 2.0;
include "qelib1.inc";
qreg q[4];
x q[0];
x q[1];
ry(0.1) q[0];
ry(-0.2) q[2];
rz(0.3) q[3];
