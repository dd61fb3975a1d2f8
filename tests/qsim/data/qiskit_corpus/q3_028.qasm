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
h q[0];
x q[4];
y q[2];
z q[2];
s q[4];
sdg q[1];
t q[0];
tdg q[0];
sx q[3];
sxdg q[3];
id q[4];
rx(4.982075383848361) q[1];
ry(-1.7464081318080282) q[4];
rz(-5.375374839242373) q[0];
p(-5.746822183864401) q[3];
u1(-3.5649484792655795) q[3];
u2(5.823128700568562, -0.8132901488158355) q[1];
u3(-4.673441933265108, -3.57268948854835, -2.448599965404775) q[3];
U(-0.017213077369366836, 6.219320777268225, -4.4777337585882755) q[4];
cx q[2], q[0];
cy q[0], q[1];
cz q[0], q[4];
ch q[3], q[0];
barrier q[0], q[1], q[2], q[3], q[4];
csx q[1], q[2];
swap q[0], q[1];
barrier q[0], q[1], q[2], q[3], q[4];
crx(-3.0329200830364216) q[4], q[1];
cry(-2.806906022801055) q[1], q[0];
crz(1.2222765157497752) q[4], q[1];
cp(3.1681000706094444) q[0], q[4];
cu1(0.798276483537995) q[0], q[3];
cu3(5.157010028056833, 2.711003632035464, -0.03301448358364212) q[1], q[3];
cu(-5.608177145707679, -1.6378057032537408, 2.1617845753140195, 6.23066913859911) q[3], q[4];
rxx(4.354399298216141) q[0], q[4];
rzz(-0.27217412503611715) q[3], q[1];
ccx q[4], q[2], q[1];
cswap q[2], q[1], q[4];
rccx q[1], q[2], q[3];
rcccx q[3], q[0], q[1], q[2];
mcx q[4], q[1], q[3], q[0];
c3sx q[1], q[0], q[4], q[3];
mcx_0 q[1], q[3], q[0], q[4], q[2];
crx(1.9875973879890871) q[3], q[0];
u3(1.740995111258428, 3.875054013054241, -3.251194829402126) q[2];
U(-3.3579025641258453, 0.12222803478308641, -5.9389182601467345) q[1];
u3(3.221838931280578, -2.277281653488484, 5.188685605755579) q[0];
cy q[0], q[3];
c3sx q[1], q[4], q[0], q[2];
sdg q[2];
swap q[0], q[2];
z q[3];
sxdg q[2];
cp(-3.3461088249057327) q[2], q[4];
h q[1];
u1(0.9469689275338542) q[2];
u2(-1.1684004699937853, -2.8682641641639046) q[2];
cswap q[2], q[1], q[4];
sdg q[0];
x q[0];
cu3(3.015532357627176, 2.4425678786857503, 0.8128688459797173) q[4], q[1];
c3sx q[1], q[3], q[0], q[2];
c3sx q[2], q[4], q[1], q[3];
cz q[3], q[1];
x q[1];
csx q[2], q[0];
cu(3.030138017720402, 0.7683321669368697, 4.729660561758045, 5.34312914107965) q[2], q[1];
U(-3.8949314248012965, 4.009903318766833, 4.403038261746058) q[4];
p(0.574093100519951) q[1];
ccx q[0], q[4], q[1];
cu3(-6.262496856526218, -1.8284665350555471, 2.733381204620743) q[1], q[0];
ccx q[3], q[2], q[0];
sx q[0];
tdg q[2];
u2(4.5612258065528835, 0.3606146127772307) q[2];
t q[3];
tdg q[1];
cswap q[3], q[0], q[4];
barrier q[0], q[1], q[2], q[3], q[4];
cx q[2], q[1];
id q[4];
h q[2];
rzz(5.225133628936399) q[4], q[2];
z q[2];
cswap q[4], q[0], q[3];
ccx q[3], q[0], q[2];
tdg q[4];
mcx_0 q[1], q[3], q[4], q[0], q[2];
z q[4];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
