OPENQASM 3.0;
include "stdgates.inc";
input float[64] phi;
input float[64] theta;
qubit[3] q;
h q[0];
rx(4*theta) q[1];
crz(phi - theta) q[0], q[2];
cu(theta, phi, 0.3, 0.1) q[1], q[2];
