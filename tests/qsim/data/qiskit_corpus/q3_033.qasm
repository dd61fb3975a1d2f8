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
h work[2];
x work[1];
y anc[1];
z work[1];
s work[3];
sdg work[2];
t work[3];
tdg work[1];
sx work[1];
sxdg work[2];
id work[2];
rx(2.1985515881501545) anc[0];
ry(-4.37562506303881) work[0];
rz(-0.5114067526691715) work[0];
p(2.137033687915718) work[2];
u1(3.302237739989854) work[3];
u2(-0.5888364400425381, -2.9798475219445204) anc[1];
u3(6.109672469508352, -0.6694447792294911, 3.0643044946532374) anc[0];
U(1.0151351722148183, 5.627161855198679, -5.435968437667473) work[1];
cx anc[0], work[2];
cy work[0], work[3];
cz work[1], work[0];
ch work[0], anc[0];
csx work[2], work[1];
swap anc[1], work[0];
crx(-2.55108373913666) work[1], work[2];
cry(-6.219089291226237) anc[1], anc[0];
crz(4.7364071503775005) work[1], work[0];
cp(-0.4620129839018077) anc[1], anc[0];
cu1(3.8134221496816725) work[3], anc[0];
cu3(1.4618861832814405, -3.447116955094039, -3.722594409560907) anc[1], work[3];
cu(-3.461198123241151, 3.7089446116185467, 0.7959543247856731, 4.784010989876871) work[1], work[2];
rxx(5.054876229251484) anc[1], work[3];
rzz(-5.804394009583008) work[0], work[2];
ccx work[0], work[2], work[3];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
cswap anc[1], work[3], work[2];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
rccx anc[1], work[3], work[1];
rcccx anc[0], work[3], work[0], anc[1];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
mcx anc[0], work[2], work[3], work[0];
c3sx work[0], work[2], anc[1], work[3];
mcx_0 work[1], work[0], anc[0], work[3], anc[1];
ryy(-5.263858947974975) work[2], work[1];
iswap anc[0], work[3];
ecr work[0], anc[0];
dcx work[1], anc[0];
rzx(-4.125531452708206) anc[1], work[2];
cs work[2], anc[0];
csdg work[3], work[2];
r(3.352896465121427, 0.4236321502380287) work[0];
xx_plus_yy(-4.121447048669626, 4.970564296628925) anc[1], work[3];
xx_minus_yy(-1.4935310491601204, -6.213095203032499) anc[0], work[0];
crz(-0.6585573658682167) work[0], work[2];
ch work[0], work[3];
cu3(-0.9281423565705307, -1.4106471311442972, 1.2443383132853132) anc[1], work[0];
cu1(-0.8130033401899333) work[2], work[3];
xx_minus_yy(2.4519242129432115, -4.121317523917938) anc[0], work[3];
ry(-0.241099334819169) work[2];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
c3sx work[1], work[2], anc[0], anc[1];
xx_plus_yy(0.8634080273924818, -5.006910895712894) anc[0], anc[1];
ry(-1.5016607241424929) work[0];
tdg work[0];
cp(2.9328864297050643) work[3], anc[0];
cx anc[0], work[1];
p(-5.22142336709069) anc[1];
ccx work[3], anc[0], anc[1];
u2(-2.1509586481345613, 2.5495028270118905) work[1];
u2(0.6090137340050497, -2.901626969765858) work[0];
ccx anc[0], work[0], anc[1];
u3(4.449434755933856, 2.5606744336994964, -5.876139288560563) anc[0];
crz(6.033872009862021) work[1], anc[0];
rx(-0.9495651829596614) work[0];
csx work[2], work[1];
id anc[1];
rz(4.695848959829817) work[2];
crz(-1.342923358270916) anc[1], work[2];
xx_minus_yy(-2.834355669890984, -6.261961262680574) work[2], work[3];
cx anc[1], work[3];
dcx work[0], work[1];
cp(-1.3881774696350258) work[3], work[2];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
crx(-3.7390845642494073) anc[0], work[1];
ryy(-0.46120749043503473) anc[1], work[1];
id anc[1];
cu1(1.488960306180168) anc[1], anc[0];
id work[1];
cy work[1], work[2];
cz work[3], work[1];
t work[1];
swap work[1], anc[0];
cry(2.7763528074113335) anc[1], anc[0];
rcccx work[3], anc[0], work[2], work[1];
rxx(6.127783806860048) work[2], work[3];
t work[3];
ryy(4.821616341542686) work[3], anc[0];
cy anc[1], work[2];
ry(-1.1775562695526398) work[0];
u1(0.9441444206827327) work[2];
meas[0] = measure anc[0];
meas[1] = measure anc[1];
meas[2] = measure work[0];
meas[3] = measure work[1];
meas[4] = measure work[2];
meas[5] = measure work[3];
