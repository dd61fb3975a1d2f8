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
h anc[1];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
x anc[1];
y work[3];
z work[1];
s work[2];
sdg anc[1];
t anc[0];
tdg work[0];
sx work[0];
sxdg work[1];
id work[1];
rx(-4.463844477226663) work[2];
ry(-0.30144439454767724) anc[0];
rz(1.0382866178538919) anc[1];
p(-1.286903162214017) work[2];
u1(0.20721784425082923) work[1];
u2(-5.251790917342563, -4.031869088996615) anc[1];
u3(5.730662697607778, -1.3652044914366988, -1.8043514329613188) anc[0];
U(-6.23652728358272, 0.5511510810406044, -1.11582461270757) work[2];
cx work[3], work[1];
cy work[2], anc[1];
cz work[3], anc[1];
ch anc[0], work[1];
csx work[3], anc[1];
swap anc[0], work[2];
crx(2.138095270058205) work[3], anc[1];
cry(-0.7372696824350866) anc[1], work[1];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
crz(1.4611463530039508) anc[1], work[2];
cp(1.287900055822007) anc[1], work[2];
cu1(3.669786347302038) work[3], anc[1];
cu3(2.1743141147596248, -6.234962402130833, 5.121195672950215) work[2], anc[1];
cu(-3.8641656577027117, 2.8893009566286434, -0.8316516824151146, 6.183715621205643) work[0], anc[0];
rxx(-0.5320004982554529) anc[1], work[3];
rzz(0.6492486670406485) work[0], anc[0];
ccx work[0], work[1], work[2];
cswap work[0], work[3], work[2];
rccx work[3], work[0], work[2];
rcccx work[0], work[2], anc[0], work[1];
mcx anc[0], work[2], work[0], work[1];
c3sx work[2], work[1], work[3], work[0];
mcx_0 work[3], anc[0], work[2], work[1], work[0];
ryy(-5.0433479375999415) work[1], anc[1];
iswap anc[0], work[2];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
ecr anc[1], work[3];
dcx work[2], work[3];
rzx(-4.211317530568515) work[2], work[0];
cs anc[1], work[2];
csdg anc[1], work[1];
r(-5.3234366183346955, -2.16456089312595) work[3];
xx_plus_yy(-2.062164148601563, 5.891679565108827) work[3], work[1];
xx_minus_yy(-4.105663938980685, -1.0780713712621903) work[1], work[0];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
rzz(-1.4867817724544858) work[3], anc[1];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
cswap work[0], anc[1], work[2];
z work[0];
u3(0.15104677466305994, -4.355516750444981, 3.0063161326783465) work[0];
x anc[0];
p(-6.105825842314828) anc[0];
iswap work[2], anc[0];
xx_plus_yy(-0.6393888894802258, 4.813868763842322) work[2], anc[0];
ryy(4.8720920690354035) work[0], work[1];
x anc[0];
cu1(4.3514053961151244) work[0], work[2];
cs work[3], work[0];
U(3.8566704312792943, 4.2447021476061515, 5.285051306367354) work[2];
rz(-2.1535357070313736) work[0];
u2(-4.37685078922837, 5.541593676685251) anc[0];
ryy(-5.351046314297582) anc[1], work[1];
t work[3];
rxx(1.9552404774376484) work[0], work[1];
rxx(0.032659045392037456) work[3], anc[1];
csx work[0], anc[0];
u3(-4.4345754406381, -2.9734773639550296, -5.541970883596845) work[0];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
s anc[1];
csdg anc[1], work[3];
id work[1];
p(5.381364200890729) work[3];
ry(0.20056762264964423) work[2];
tdg anc[0];
ecr anc[1], work[2];
u3(4.994946471119869, 4.114113086319698, 2.6130201895954013) work[0];
cu1(-2.879697081258725) work[2], work[1];
h work[2];
cu1(-4.5202194580187385) work[1], work[0];
rcccx anc[1], work[0], work[3], anc[0];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
cx anc[1], work[0];
u3(3.578571652749284, -6.10511536379094, -0.1345899010193241) anc[1];
U(-3.024755997814092, -3.734464854166404, 0.6929620416490625) work[0];
ryy(6.117946179878675) work[3], work[1];
rx(5.11263421575695) work[1];
rcccx work[2], work[0], anc[0], work[3];
crz(1.3683940752308565) work[2], anc[0];
U(5.454268834289779, -1.4826155599215811, 1.160164414765907) work[3];
s work[2];
ccx work[0], work[2], anc[0];
s work[1];
ccx work[0], work[3], work[2];
xx_plus_yy(-1.4898122793865491, -4.888495107072325) anc[0], work[0];
cy work[3], work[0];
crz(5.335665707361306) work[2], work[1];
rcccx work[2], work[1], work[0], anc[0];
rcccx anc[1], work[3], anc[0], work[1];
xx_plus_yy(-5.275663845275734, -3.115228614389857) work[0], anc[0];
cry(-4.306577615555079) anc[1], anc[0];
id work[1];
rcccx work[3], work[2], work[1], anc[0];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
cu(-4.369043601814646, -0.7809823553744151, 0.8260764801002383, 0.16082676004991825) work[2], work[3];
z work[3];
rx(-0.34092081913123984) work[0];
meas[0] = measure anc[0];
meas[1] = measure anc[1];
meas[2] = measure work[0];
meas[3] = measure work[1];
meas[4] = measure work[2];
meas[5] = measure work[3];
