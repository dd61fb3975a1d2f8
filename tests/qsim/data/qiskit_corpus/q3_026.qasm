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
gate mcx _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_3 {
  h _gate_q_3;
  p(pi/8) _gate_q_0;
  p(pi/8) _gate_q_1;
  p(pi/8) _gate_q_2;
  p(pi/8) _gate_q_3;
  cx _gate_q_0, _gate_q_1;
  p(-pi/8) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  cx _gate_q_1, _gate_q_2;
  p(-pi/8) _gate_q_2;
  cx _gate_q_0, _gate_q_2;
  p(pi/8) _gate_q_2;
  cx _gate_q_1, _gate_q_2;
  p(-pi/8) _gate_q_2;
  cx _gate_q_0, _gate_q_2;
  cx _gate_q_2, _gate_q_3;
  p(-pi/8) _gate_q_3;
  cx _gate_q_1, _gate_q_3;
  p(pi/8) _gate_q_3;
  cx _gate_q_2, _gate_q_3;
  p(-pi/8) _gate_q_3;
  cx _gate_q_0, _gate_q_3;
  p(pi/8) _gate_q_3;
  cx _gate_q_2, _gate_q_3;
  p(-pi/8) _gate_q_3;
  cx _gate_q_1, _gate_q_3;
  p(pi/8) _gate_q_3;
  cx _gate_q_2, _gate_q_3;
  p(-pi/8) _gate_q_3;
  cx _gate_q_0, _gate_q_3;
  h _gate_q_3;
}
gate c3sx _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_3 {
  h _gate_q_3;
  cp(pi/8) _gate_q_0, _gate_q_3;
  h _gate_q_3;
  cx _gate_q_0, _gate_q_1;
  h _gate_q_3;
  cp(-pi/8) _gate_q_1, _gate_q_3;
  h _gate_q_3;
  cx _gate_q_0, _gate_q_1;
  h _gate_q_3;
  cp(pi/8) _gate_q_1, _gate_q_3;
  h _gate_q_3;
  cx _gate_q_1, _gate_q_2;
  h _gate_q_3;
  cp(-pi/8) _gate_q_2, _gate_q_3;
  h _gate_q_3;
  cx _gate_q_0, _gate_q_2;
  h _gate_q_3;
  cp(pi/8) _gate_q_2, _gate_q_3;
  h _gate_q_3;
  cx _gate_q_1, _gate_q_2;
  h _gate_q_3;
  cp(-pi/8) _gate_q_2, _gate_q_3;
  h _gate_q_3;
  cx _gate_q_0, _gate_q_2;
  h _gate_q_3;
  cp(pi/8) _gate_q_2, _gate_q_3;
  h _gate_q_3;
}
gate rcccx_dg _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_3 {
  h _gate_q_3;
  t _gate_q_3;
  cx _gate_q_2, _gate_q_3;
  tdg _gate_q_3;
  h _gate_q_3;
  t _gate_q_3;
  cx _gate_q_1, _gate_q_3;
  tdg _gate_q_3;
  cx _gate_q_0, _gate_q_3;
  t _gate_q_3;
  cx _gate_q_1, _gate_q_3;
  tdg _gate_q_3;
  cx _gate_q_0, _gate_q_3;
  h _gate_q_3;
  t _gate_q_3;
  cx _gate_q_2, _gate_q_3;
  tdg _gate_q_3;
  h _gate_q_3;
}
gate mcx_0 _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_3, _gate_q_4 {
  h _gate_q_4;
  cp(pi/2) _gate_q_3, _gate_q_4;
  h _gate_q_4;
  rcccx _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_3;
  h _gate_q_4;
  cp(-pi/2) _gate_q_3, _gate_q_4;
  h _gate_q_4;
  rcccx_dg _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_3;
  c3sx _gate_q_0, _gate_q_1, _gate_q_2, _gate_q_4;
}
bit[5] c;
qubit[5] q;
h q[2];
x q[2];
y q[3];
z q[1];
s q[2];
sdg q[2];
t q[0];
tdg q[4];
sx q[0];
sxdg q[0];
id q[2];
rx(-0.6241085642861517) q[1];
ry(1.0955791633200427) q[1];
rz(-5.40958297602225) q[3];
p(5.675854236077775) q[2];
u1(3.39173315285589) q[1];
u2(2.306242769108609, -1.8155556517146474) q[3];
u3(-3.8178343750149764, 2.2053189112767306, -0.7062815763540158) q[4];
U(-5.0994092746109, 1.2203030953655691, 3.6005024030091928) q[1];
cx q[4], q[0];
cy q[3], q[2];
cz q[2], q[4];
ch q[2], q[4];
csx q[4], q[2];
swap q[0], q[4];
crx(4.019577816958229) q[2], q[3];
cry(-2.5769990029569163) q[2], q[3];
crz(-4.897709541701165) q[0], q[2];
cp(4.36394235186196) q[3], q[2];
cu1(3.618036711214293) q[0], q[4];
cu3(-3.0968507303317936, -0.9130971969375699, -5.154760783424949) q[3], q[1];
cu(-2.6559264917180534, 6.0404738286856166, -3.8603631233437468, 4.8898962441181215) q[0], q[2];
rxx(0.6108362471253646) q[3], q[2];
rzz(-0.530091673621258) q[2], q[3];
ccx q[0], q[3], q[2];
cswap q[1], q[4], q[3];
rccx q[0], q[4], q[3];
rcccx q[2], q[0], q[4], q[1];
mcx q[0], q[1], q[4], q[3];
c3sx q[3], q[0], q[4], q[1];
mcx_0 q[1], q[3], q[4], q[2], q[0];
mcx_0 q[3], q[2], q[1], q[0], q[4];
csx q[4], q[2];
u2(1.662475211622744, 1.699035967844745) q[3];
s q[4];
rzz(-2.0127285209640835) q[3], q[1];
u2(3.3445074927026077, 1.0714837035804177) q[4];
rx(2.4172184171684172) q[0];
mcx_0 q[0], q[2], q[1], q[3], q[4];
cx q[0], q[2];
u2(-5.7230150476182855, -5.968758325138087) q[3];
crz(-1.0048690726162501) q[3], q[4];
swap q[2], q[3];
rccx q[2], q[4], q[3];
t q[3];
u1(5.395891104700739) q[4];
id q[3];
ry(2.503246486029454) q[2];
s q[4];
cu(3.2687921120010337, -2.692753308270872, 3.648499779100341, 0.4033470290428749) q[0], q[4];
cu(-1.7418671971023487, 4.511396160429351, -1.8226909878175022, -5.683430938265497) q[2], q[0];
cswap q[3], q[4], q[0];
id q[2];
s q[1];
ry(-4.599785595170281) q[2];
id q[0];
barrier q[0], q[1], q[2], q[3], q[4];
id q[2];
y q[3];
sx q[1];
crx(1.2203828230033125) q[1], q[2];
cu(5.694098355268487, -1.987133215799382, -2.381288858558261, 3.6633339457745944) q[1], q[2];
u3(-3.056713302681379, 4.945568566432414, -4.738329864225887) q[1];
x q[1];
cswap q[0], q[4], q[1];
sdg q[1];
barrier q[0], q[1], q[2], q[3], q[4];
z q[3];
cz q[2], q[3];
z q[4];
cp(1.4413267769979123) q[1], q[0];
rz(-3.6655176965010967) q[0];
mcx q[2], q[4], q[1], q[3];
u1(2.3331428705711463) q[4];
barrier q[0], q[1], q[2], q[3], q[4];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
