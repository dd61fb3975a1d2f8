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
bit[6] c;
qubit[6] q;
h q[5];
x q[1];
y q[5];
z q[1];
s q[3];
sdg q[5];
t q[5];
tdg q[5];
sx q[5];
sxdg q[2];
id q[3];
rx(-1.5514723219974158) q[2];
ry(4.003088043475881) q[4];
rz(4.706337835034882) q[0];
p(1.8598590116824525) q[0];
u1(-4.517682169328627) q[5];
u2(-5.8038524320021665, -2.279562729823253) q[4];
u3(-3.8769833504630395, -5.024900268917353, -4.557017408426697) q[0];
U(-0.5289699191119261, -5.684274827416806, -0.038083407817931736) q[3];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
cx q[2], q[3];
cy q[4], q[1];
cz q[2], q[4];
ch q[1], q[3];
csx q[5], q[0];
swap q[0], q[2];
crx(-2.4289431207361414) q[3], q[1];
cry(5.666271876689393) q[0], q[5];
crz(-1.4112555186700222) q[1], q[0];
cp(2.2848911612579172) q[3], q[5];
cu1(3.9012578672843947) q[5], q[3];
cu3(-2.811118611263572, 2.4359785473522333, 6.0670813844455385) q[4], q[1];
cu(2.3914479222147875, 4.725597105707642, 4.437808072712695, 4.9211973652111975) q[0], q[2];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
c[5] = measure q[5];
