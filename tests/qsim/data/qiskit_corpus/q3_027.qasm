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
gate ryy(p0) _gate_q_0, _gate_q_1 {
  sxdg _gate_q_0;
  sxdg _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  rz(p0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  sx _gate_q_0;
  sx _gate_q_1;
}
gate iswap _gate_q_0, _gate_q_1 {
  s _gate_q_0;
  s _gate_q_1;
  h _gate_q_0;
  cx _gate_q_0, _gate_q_1;
  cx _gate_q_1, _gate_q_0;
  h _gate_q_1;
}
gate ecr _gate_q_0, _gate_q_1 {
  s _gate_q_0;
  sx _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  x _gate_q_0;
}
gate dcx _gate_q_0, _gate_q_1 {
  cx _gate_q_0, _gate_q_1;
  cx _gate_q_1, _gate_q_0;
}
gate rzx(p0) _gate_q_0, _gate_q_1 {
  h _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  rz(p0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  h _gate_q_1;
}
gate csdg _gate_q_0, _gate_q_1 {
  tdg _gate_q_0;
  cx _gate_q_0, _gate_q_1;
  t _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  tdg _gate_q_1;
}
gate r(p0, p1) _gate_q_0 {
  U(p0, -pi/2 + p1, pi/2 - p1) _gate_q_0;
}
gate xx_plus_yy(p0, p1) _gate_q_0, _gate_q_1 {
  rz(p1) _gate_q_0;
  sdg _gate_q_1;
  sx _gate_q_1;
  s _gate_q_1;
  s _gate_q_0;
  cx _gate_q_1, _gate_q_0;
  ry((-0.5)*p0) _gate_q_1;
  ry((-0.5)*p0) _gate_q_0;
  cx _gate_q_1, _gate_q_0;
  sdg _gate_q_0;
  sdg _gate_q_1;
  sxdg _gate_q_1;
  s _gate_q_1;
  rz(-p1) _gate_q_0;
}
gate xx_minus_yy(p0, p1) _gate_q_0, _gate_q_1 {
  rz(-p1) _gate_q_1;
  sdg _gate_q_0;
  sx _gate_q_0;
  s _gate_q_0;
  s _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  ry(0.5*p0) _gate_q_0;
  ry((-0.5)*p0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  sdg _gate_q_1;
  sdg _gate_q_0;
  sxdg _gate_q_0;
  s _gate_q_0;
  rz(p1) _gate_q_1;
}
bit[6] meas;
qubit[2] anc;
qubit[4] work;
h anc[0];
x work[1];
y work[1];
z anc[0];
s anc[0];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
sdg work[2];
t work[3];
tdg work[3];
sx anc[1];
sxdg work[2];
id anc[0];
rx(-3.3484364131793347) work[3];
ry(-0.8569215724117258) work[1];
rz(4.844153863482463) anc[0];
p(-1.9120524805531431) anc[0];
u1(5.299592125739766) work[1];
u2(1.9948556873420387, 6.237223007617926) work[1];
u3(-5.674948311123515, -1.1508968542277538, -1.857204583663588) work[3];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
U(0.954494082220199, -5.411807695669529, 0.24331602389220564) work[3];
cx anc[0], work[2];
cy work[3], work[0];
cz anc[0], work[2];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
ch work[1], anc[0];
csx anc[1], work[1];
swap anc[0], work[0];
crx(1.6601851437512982) work[2], anc[0];
cry(4.191620181843954) work[2], anc[1];
crz(-4.201893342213817) anc[0], work[0];
cp(3.722260807475058) work[2], anc[0];
cu1(-2.0949442449755553) anc[1], work[3];
cu3(1.1983668907670015, -0.5029446395139665, -4.7635199203007526) work[1], anc[0];
cu(-5.229251511102781, 4.055305284795088, 2.248144628856135, -0.6332552289252629) work[2], work[3];
rxx(-4.437649310186599) work[0], work[3];
rzz(-1.6665771907977645) work[1], work[2];
ccx anc[0], work[3], work[2];
cswap work[2], work[0], work[1];
rccx anc[0], work[3], work[2];
rcccx anc[0], anc[1], work[3], work[1];
mcx anc[1], work[1], work[0], anc[0];
c3sx anc[0], anc[1], work[1], work[3];
mcx_0 work[0], work[2], work[1], work[3], anc[1];
ryy(3.710969802360891) anc[0], work[1];
iswap work[0], work[3];
ecr work[0], anc[0];
dcx work[3], work[2];
rzx(-0.867593550792046) anc[0], work[0];
cs anc[1], work[2];
csdg anc[0], work[1];
r(-5.195395911769382, -1.8847798645876894) anc[0];
xx_plus_yy(-5.298798267926475, 0.764484625469855) work[0], anc[0];
xx_minus_yy(4.629652611103168, -3.48783773095512) work[1], anc[1];
rcccx anc[1], anc[0], work[3], work[0];
xx_minus_yy(-2.753740818040896, 3.2225056766792637) work[0], anc[0];
cx work[1], anc[0];
t anc[0];
rcccx anc[0], anc[1], work[0], work[3];
rccx work[3], anc[1], anc[0];
rz(1.5734346274067725) work[2];
csx work[3], anc[0];
rxx(1.7999167549239345) anc[0], work[2];
cx work[3], work[2];
cu3(-4.381891932234202, 4.2465794650749, 1.044649310485612) work[2], anc[1];
cz work[1], work[3];
ecr anc[1], work[3];
c3sx anc[0], anc[1], work[3], work[1];
crz(-1.8943164942209147) work[1], work[2];
r(2.9662252181051496, 4.360455249809371) anc[1];
rcccx work[1], anc[1], anc[0], work[3];
swap work[1], anc[0];
u3(5.908627517071491, 6.033294613036617, 4.855826895034939) work[2];
U(0.45340746660476494, 4.263205701626788, 3.013377946861148) work[1];
mcx_0 anc[1], work[0], work[2], work[1], work[3];
u1(-2.252776643338123) anc[0];
sx anc[0];
cu3(-3.2530542654658117, -4.517142608149146, 3.29187130517416) anc[1], work[2];
sx work[2];
cz work[3], work[1];
s anc[0];
z work[0];
u2(4.481825588234868, -5.9617561226196285) work[3];
rx(-2.385447816414817) anc[1];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
rzz(1.4358105661523473) work[3], work[1];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
u2(-4.404518481123313, 0.4704017081569809) anc[0];
cy work[1], work[3];
meas[0] = measure anc[0];
meas[1] = measure anc[1];
meas[2] = measure work[0];
meas[3] = measure work[1];
meas[4] = measure work[2];
meas[5] = measure work[3];
