OPENQASM 3.0;
include "stdgates.inc";
gate sxdg _gate_q_0 {
  s _gate_q_0;
  h _gate_q_0;
  s _gate_q_0;
}
gate cs _gate_q_0, _gate_q_1 {
  t _gate_q_0;
  cx _gate_q_0, _gate_q_1;
  tdg _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  t _gate_q_1;
}
gate csx _gate_q_0, _gate_q_1 {
  h _gate_q_1;
  cs _gate_q_0, _gate_q_1;
  h _gate_q_1;
}
gate cu1(p0) _gate_q_0, _gate_q_1 {
  p(0.5*p0) _gate_q_0;
  cx _gate_q_0, _gate_q_1;
  p((-0.5)*p0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  p(0.5*p0) _gate_q_1;
}
gate cu3(p0, p1, p2) _gate_q_0, _gate_q_1 {
  p(0.5*p2 + 0.5*p1) _gate_q_0;
  p(0.5*p2 - 0.5*p1) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  U((-0.5)*p0, 0, (-0.5)*p1 - 0.5*p2) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  U(0.5*p0, p1, 0) _gate_q_1;
}
gate rxx(p0) _gate_q_0, _gate_q_1 {
  h _gate_q_0;
  h _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  rz(p0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  h _gate_q_1;
  h _gate_q_0;
}
gate rzz(p0) _gate_q_0, _gate_q_1 {
  cx _gate_q_0, _gate_q_1;
  rz(p0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
}
gate rccx _gate_q_0, _gate_q_1, _gate_q_2 {
  h _gate_q_2;
  t _gate_q_2;
  cx _gate_q_1, _gate_q_2;
  tdg _gate_q_2;
  cx _gate_q_0, _gate_q_2;
  t _gate_q_2;
  cx _gate_q_1, _gate_q_2;
  tdg _gate_q_2;
  h _gate_q_2;
}
gate rcccx _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_3 {
  h _gate_q_3;
  t _gate_q_3;
  cx _gate_q_2, _gate_q_3;
  tdg _gate_q_3;
  h _gate_q_3;
  cx _gate_q_0, _gate_q_3;
  t _gate_q_3;
  cx _gate_q_1, _gate_q_3;
  tdg _gate_q_3;
  cx _gate_q_0, _gate_q_3;
  t _gate_q_3;
  cx _gate_q_1, _gate_q_3;
  tdg _gate_q_3;
  h _gate_q_3;
  t _gate_q_3;
  cx _gate_q_2, _gate_q_3;
  tdg _gate_q_3;
  h _gate_q_3;
}
bit[5] c;
qubit[5] q;
h q[3];
x q[3];
y q[4];
z q[2];
s q[3];
sdg q[4];
t q[3];
tdg q[4];
sx q[3];
sxdg q[4];
id q[2];
rx(5.276133293260745) q[1];
ry(-5.541840396041729) q[3];
rz(-2.6580022498032747) q[3];
p(5.750722377378793) q[4];
u1(5.667107041061971) q[4];
u2(6.258474643597911, 2.291535766454368) q[2];
u3(-1.2140578186503008, 0.6010855272135531, -0.0733045317350145) q[4];
U(-5.545589858251686, -0.9828530078014373, -1.3767525588842418) q[2];
cx q[4], q[2];
cy q[3], q[2];
cz q[3], q[4];
ch q[3], q[4];
csx q[3], q[0];
swap q[0], q[1];
crx(4.980475101994946) q[0], q[2];
cry(1.6157030735053572) q[3], q[4];
crz(-1.7741147887797801) q[1], q[3];
cp(-0.6167920763344972) q[4], q[0];
cu1(4.928137188278916) q[1], q[0];
barrier q[0], q[1], q[2], q[3], q[4];
cu3(2.199378139801139, 0.7494926187053519, 3.5456539221348837) q[1], q[4];
cu(2.2448868066741845, -5.509228036286269, -4.228430326775145, 1.5037389206177414) q[2], q[4];
rxx(-2.2185941578831105) q[4], q[0];
rzz(-3.7449268407446112) q[3], q[2];
ccx q[2], q[1], q[4];
cswap q[4], q[3], q[0];
rccx q[1], q[0], q[3];
rcccx q[4], q[1], q[0], q[3];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
