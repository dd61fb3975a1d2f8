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
h q[2];
x q[3];
y q[3];
z q[2];
s q[1];
sdg q[1];
t q[2];
tdg q[2];
sx q[0];
sxdg q[4];
id q[3];
rx(6.202378555756338) q[5];
ry(-1.1216598509977151) q[0];
rz(-2.6075578746955888) q[1];
p(4.1090454621186385) q[0];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
u1(0.29957200414176377) q[4];
u2(3.4543513535394528, 4.163577960013942) q[2];
u3(-5.203121707699658, -2.2160377853337243, -2.3208577228234453) q[0];
U(3.0724971558589633, -0.17623409388442823, 0.8713344230042628) q[3];
cx q[2], q[5];
cy q[3], q[0];
cz q[0], q[4];
ch q[5], q[2];
csx q[1], q[2];
swap q[4], q[1];
crx(0.06629743096808571) q[5], q[1];
cry(-2.3899574481696235) q[1], q[3];
crz(5.618651266886033) q[3], q[0];
cp(-3.3441561376576785) q[1], q[4];
cu1(4.077469734833983) q[5], q[2];
cu3(0.5568336004926495, 2.2967569654236666, -0.6618248013690984) q[1], q[4];
cu(-1.127474241572183, -3.898301432812295, 6.001370942852642, -1.0200472475238245) q[4], q[3];
rxx(-5.348198865068678) q[2], q[4];
rzz(2.6624449676704423) q[2], q[3];
ccx q[0], q[3], q[2];
cswap q[1], q[4], q[0];
rccx q[4], q[5], q[0];
rcccx q[0], q[2], q[4], q[5];
mcx q[5], q[2], q[1], q[4];
c3sx q[5], q[4], q[0], q[1];
mcx_0 q[1], q[0], q[3], q[2], q[4];
ryy(1.3061410563838205) q[2], q[3];
iswap q[5], q[2];
ecr q[2], q[3];
dcx q[4], q[3];
rzx(-2.2327676022278267) q[0], q[4];
cs q[5], q[1];
csdg q[1], q[2];
r(4.903207861347614, 6.234248102272138) q[4];
xx_plus_yy(-1.3689431885559467, -2.826052245188108) q[2], q[4];
xx_minus_yy(-1.9773269915313794, 1.864813005021066) q[5], q[1];
rzx(-3.765283505579712) q[4], q[0];
s q[3];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
u3(0.6410434830446841, 5.442935827996028, 0.09770925178082024) q[1];
rzz(5.498034832012884) q[5], q[0];
cu3(-0.5123480955883633, 2.1934785031379818, 0.6544813637427778) q[2], q[0];
csx q[1], q[0];
u2(5.010082207535019, -1.772834865240437) q[1];
tdg q[2];
u3(4.283243016076396, 0.8110899073151288, 5.241279698190636) q[2];
mcx q[1], q[3], q[5], q[0];
rz(3.1080340254568437) q[1];
csdg q[4], q[1];
csdg q[3], q[1];
c3sx q[0], q[1], q[5], q[4];
p(4.319430533979295) q[2];
h q[1];
dcx q[0], q[3];
sxdg q[4];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
xx_minus_yy(-1.7893113012251245, -0.10487929427081699) q[3], q[1];
dcx q[2], q[3];
U(5.4798773074548475, 3.8410602825664792, 4.132863456637645) q[5];
crz(-0.7525418842926168) q[3], q[0];
rxx(4.779910362255864) q[0], q[1];
swap q[5], q[1];
cswap q[2], q[4], q[5];
cy q[2], q[4];
cz q[0], q[4];
rxx(-2.3509751975822386) q[5], q[3];
ry(-1.7581247840319056) q[4];
rz(2.781056767902827) q[2];
rz(0.06208984512978244) q[1];
rzz(-5.870127807335286) q[1], q[0];
rxx(-0.732205172514047) q[5], q[3];
u1(-4.692596384694455) q[3];
r(-1.696365036823976, -2.2857083011809993) q[4];
cu1(3.810175829322578) q[3], q[2];
cx q[4], q[2];
c3sx q[2], q[0], q[5], q[4];
cs q[0], q[3];
xx_minus_yy(0.3881544741300731, -2.45005034890472) q[4], q[2];
x q[2];
ccx q[3], q[1], q[5];
c3sx q[3], q[4], q[1], q[5];
dcx q[2], q[1];
y q[5];
ry(4.1294470108019805) q[2];
u1(5.918779104924493) q[2];
u1(1.218099104492457) q[5];
cy q[2], q[0];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
c[5] = measure q[5];
