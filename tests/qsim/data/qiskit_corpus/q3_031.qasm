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
bit[6] c;
qubit[6] q;
h q[0];
x q[0];
y q[3];
z q[2];
s q[1];
sdg q[2];
t q[2];
tdg q[3];
sx q[4];
sxdg q[5];
id q[5];
rx(-4.170859513794217) q[1];
ry(-4.914223686897352) q[5];
rz(-4.397460605248442) q[5];
p(-1.5534953283107305) q[2];
u1(-1.6796505656701708) q[3];
u2(-5.383660730388655, -3.524705766585003) q[5];
u3(-2.747039760486207, 1.4102296973036426, -2.118918958948538) q[2];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
U(4.77188207063972, -2.8258366100740475, -6.0492583713474914) q[5];
cx q[5], q[4];
cy q[4], q[2];
cz q[4], q[3];
ch q[3], q[5];
csx q[1], q[2];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
swap q[4], q[1];
crx(-0.5417641252904808) q[0], q[3];
cry(1.8161756593496179) q[0], q[2];
crz(1.0117853182099683) q[2], q[1];
cp(3.0885309903226705) q[1], q[4];
cu1(-1.0238099475835885) q[2], q[4];
cu3(-2.4366932317042247, 3.7887569626349435, 4.771599507554294) q[0], q[4];
cu(-2.970474293564858, 3.92011204032959, 3.626773614986723, 3.4502073980721146) q[3], q[1];
rxx(1.3784602751774848) q[1], q[0];
rzz(-0.21502417005779595) q[4], q[5];
ccx q[3], q[1], q[0];
cswap q[3], q[0], q[4];
rccx q[5], q[4], q[2];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
rcccx q[3], q[0], q[1], q[4];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
mcx q[0], q[3], q[5], q[1];
c3sx q[5], q[2], q[4], q[1];
mcx_0 q[5], q[2], q[1], q[0], q[3];
ryy(3.908582255920594) q[4], q[2];
iswap q[4], q[2];
ecr q[0], q[2];
dcx q[2], q[5];
rzx(5.877469683560623) q[5], q[1];
cs q[5], q[3];
csdg q[4], q[2];
r(4.586560838287882, -1.5717761947125437) q[1];
xx_plus_yy(-4.591594579080072, 3.09186296817151) q[1], q[0];
xx_minus_yy(-3.8258588298748895, -3.190379325156739) q[2], q[5];
dcx q[4], q[5];
cy q[5], q[4];
cy q[5], q[4];
cu3(1.3684436075540445, -0.9226703181381497, 4.786082971472007) q[2], q[4];
rcccx q[1], q[5], q[2], q[0];
ccx q[3], q[2], q[1];
ecr q[5], q[1];
csdg q[4], q[5];
xx_plus_yy(2.7693347275143925, -4.115471832304479) q[0], q[4];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
cu1(-1.3039423776059271) q[2], q[4];
z q[1];
cu3(-0.8449159194255564, 0.6508049873058885, -0.9522258358177478) q[5], q[4];
rzz(-2.134656794089322) q[4], q[0];
xx_plus_yy(-4.099050516429024, 3.0786129161325952) q[2], q[4];
ryy(1.4793154451825208) q[1], q[2];
ry(-2.4859827922103452) q[1];
iswap q[1], q[4];
crx(-3.2410698075930138) q[1], q[2];
rzx(4.5786139270118795) q[0], q[1];
t q[1];
rxx(1.153341068070426) q[3], q[2];
cry(-0.8396923451748775) q[3], q[5];
u2(-1.6372323207296224, 1.662681585786661) q[4];
xx_plus_yy(1.808731933260587, 5.038979185683807) q[2], q[0];
csdg q[0], q[1];
cry(3.454803765776358) q[1], q[5];
sx q[1];
u1(-4.886037161749356) q[5];
cry(-5.756973567744401) q[5], q[3];
tdg q[0];
t q[1];
u2(1.6023322473843935, 0.0026915928765856023) q[2];
rxx(4.0667270888340035) q[1], q[4];
t q[5];
rcccx q[3], q[1], q[2], q[0];
mcx q[2], q[1], q[5], q[0];
cu3(-1.4328857241470896, 0.8664515538215367, 2.6241533003134485) q[5], q[0];
cs q[4], q[0];
x q[5];
cswap q[5], q[0], q[2];
ry(2.8715865408392105) q[2];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
c[5] = measure q[5];
