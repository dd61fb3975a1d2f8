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
bit[5] meas;
qubit[2] anc;
qubit[3] work;
h anc[0];
x work[1];
y work[0];
z work[0];
s work[1];
sdg work[0];
t anc[0];
tdg anc[0];
sx work[2];
sxdg work[2];
id work[0];
rx(-2.5345396125255024) anc[0];
ry(-2.308041754765944) work[1];
rz(0.9631524161442977) work[2];
p(-0.05132070424960666) work[0];
u1(-5.607582984943107) work[2];
u2(1.1676190325188198, 3.452406071557439) work[0];
u3(3.906626644234521, -2.945033415520259, -0.3529847326304134) work[0];
U(0.7139837610724014, 4.545114222325505, -3.7356751352201765) anc[0];
cx anc[1], work[0];
cy anc[0], work[1];
cz work[0], anc[1];
ch work[0], anc[1];
csx anc[1], work[1];
swap work[1], anc[0];
crx(2.0566334188527833) anc[0], anc[1];
cry(5.7396781970997885) work[1], work[2];
crz(3.503528445121585) anc[1], work[0];
cp(0.6793779890589189) anc[0], anc[1];
barrier anc[0], anc[1], work[0], work[1], work[2];
cu1(-2.558079712240795) work[1], anc[1];
cu3(-2.376252705503452, -2.133756327488478, 6.0478557489414) anc[1], work[2];
barrier anc[0], anc[1], work[0], work[1], work[2];
cu(2.3071045971906816, -0.7992830962960413, 0.5730439756431087, -3.7098547161558195) anc[1], anc[0];
rxx(3.586809768859748) work[0], work[1];
rzz(-3.5953331874231997) work[0], anc[1];
barrier anc[0], anc[1], work[0], work[1], work[2];
ccx work[0], anc[1], work[1];
cswap anc[0], work[2], work[0];
rccx work[2], anc[1], work[0];
rcccx work[2], work[1], anc[0], work[0];
mcx work[0], anc[1], work[1], work[2];
c3sx anc[1], work[2], work[1], anc[0];
mcx_0 work[1], anc[1], work[0], anc[0], work[2];
cswap anc[1], anc[0], work[1];
cry(1.9457707666228252) work[0], anc[0];
cy anc[0], anc[1];
U(3.4527249677474696, 2.868687644832006, -1.4614267831884789) work[2];
cz anc[1], work[2];
t work[1];
rz(-4.533957534564954) work[2];
h work[1];
ry(-0.823980635975265) anc[0];
ry(5.644042950225447) anc[0];
rz(-1.9217212000651003) work[2];
cswap work[1], anc[1], anc[0];
u3(2.86135764899187, 0.10531885227694637, 1.179062159684773) anc[1];
y anc[0];
cx anc[0], work[2];
ch work[2], work[0];
rx(5.8160575394283835) work[2];
cu(3.720672618326951, 5.232775011360834, 6.148220902748783, -5.398328035388339) anc[0], work[1];
sdg anc[0];
y work[2];
sdg anc[0];
t work[2];
mcx_0 work[2], anc[0], work[0], anc[1], work[1];
cz anc[0], work[2];
x anc[0];
cswap work[2], work[0], anc[1];
h work[2];
h anc[1];
rx(1.4626205032002684) work[2];
barrier anc[0], anc[1], work[0], work[1], work[2];
cy work[1], anc[1];
rccx work[0], anc[0], work[2];
cswap work[0], anc[1], anc[0];
barrier anc[0], anc[1], work[0], work[1], work[2];
ccx work[2], work[1], work[0];
h work[2];
c3sx anc[0], work[1], work[2], work[0];
barrier anc[0], anc[1], work[0], work[1], work[2];
sxdg work[0];
sxdg work[1];
meas[0] = measure anc[0];
meas[1] = measure anc[1];
meas[2] = measure work[0];
meas[3] = measure work[1];
meas[4] = measure work[2];
