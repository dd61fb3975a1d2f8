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
x q[4];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
y q[5];
z q[1];
s q[1];
sdg q[4];
t q[3];
tdg q[3];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
sx q[5];
sxdg q[2];
id q[4];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
rx(2.197650013304905) q[0];
ry(-2.1328559549649633) q[2];
rz(-1.628997422878638) q[1];
p(-0.42029776728558055) q[3];
u1(-1.4264266520482396) q[1];
u2(2.2942456186666966, 5.913019197595158) q[3];
u3(-0.4995797200410532, 3.8508754795304103, 3.1606278846781724) q[4];
U(-5.437759199679195, 2.3047786526160294, 0.9233753927112334) q[1];
cx q[5], q[2];
cy q[4], q[1];
cz q[5], q[0];
ch q[2], q[3];
csx q[4], q[2];
swap q[3], q[1];
crx(-6.0025503509544915) q[3], q[0];
cry(-4.543239932538997) q[4], q[5];
crz(2.4371285264179594) q[5], q[0];
cp(-3.8862434324092177) q[2], q[3];
cu1(-5.406685020769335) q[4], q[5];
cu3(-2.481183165492516, -2.3691746512938994, -3.1789930260186154) q[4], q[1];
cu(-5.958603712738762, -4.257558896846325, -4.902116034919917, -4.739162165982803) q[0], q[2];
rxx(-2.8168719107709874) q[5], q[1];
rzz(-3.9844089960066964) q[5], q[2];
ccx q[4], q[3], q[5];
cswap q[1], q[3], q[2];
rccx q[4], q[3], q[1];
rcccx q[2], q[0], q[5], q[3];
mcx q[2], q[5], q[1], q[3];
c3sx q[0], q[3], q[2], q[5];
mcx_0 q[5], q[3], q[2], q[1], q[0];
ryy(0.633438852849082) q[2], q[1];
iswap q[1], q[0];
ecr q[2], q[1];
dcx q[2], q[1];
rzx(0.8548694441555034) q[5], q[2];
cs q[5], q[3];
csdg q[1], q[2];
r(1.8664278459187358, 5.267159778725254) q[5];
xx_plus_yy(6.265883481418344, 5.045207195538209) q[0], q[5];
xx_minus_yy(-0.0461393531016272, 0.32118422246860057) q[1], q[0];
crx(0.04862452509014137) q[4], q[0];
rx(-3.300227641905348) q[3];
cu1(-3.809855892455174) q[5], q[3];
y q[3];
ch q[4], q[2];
y q[2];
ch q[0], q[4];
ecr q[5], q[1];
mcx_0 q[0], q[1], q[3], q[4], q[2];
sdg q[4];
cu3(-5.837134143151411, 5.638402101225081, 3.7203836489159787) q[4], q[1];
ry(-1.7180653724325738) q[5];
u2(-4.807794861748634, 4.415706565743847) q[5];
crx(3.527155683914909) q[0], q[4];
u1(-5.738641577692364) q[0];
cz q[4], q[2];
z q[1];
t q[3];
iswap q[0], q[1];
rzx(-1.7629553146802301) q[4], q[1];
rxx(3.6017498767328178) q[1], q[4];
rx(5.385839575398954) q[0];
u2(1.114848867926411, 0.8530057355199219) q[2];
xx_minus_yy(-3.0770714325945248, -4.647634414843823) q[3], q[1];
cu1(1.7343563801259716) q[5], q[1];
sdg q[2];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
cx q[3], q[4];
mcx_0 q[0], q[2], q[1], q[4], q[3];
t q[0];
dcx q[3], q[2];
rzx(-0.8974536369782804) q[1], q[3];
csdg q[1], q[4];
y q[5];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
rzz(0.8958408636401565) q[5], q[0];
xx_plus_yy(-5.044607728026952, -5.683327376542265) q[5], q[1];
U(-4.367405606499011, 1.4986365139667495, -3.9879304925742645) q[2];
csdg q[3], q[4];
ry(1.6768617849019494) q[2];
sxdg q[1];
sdg q[2];
crx(-0.956810485366395) q[0], q[2];
barrier q[0], q[1], q[2], q[3], q[4], q[5];
ry(-0.6600632242902522) q[4];
u1(3.139762311200217) q[5];
rx(0.5446082783852972) q[3];
cp(3.0477036885201976) q[3], q[4];
sx q[5];
ecr q[3], q[1];
cu1(1.7336454249542985) q[2], q[4];
csx q[2], q[1];
sx q[2];
rzz(-2.294794890088455) q[2], q[5];
t q[2];
U(-5.160045313093232, 1.0663564762900863, 1.8080267601774338) q[3];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
c[5] = measure q[5];
