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
x q[4];
y q[4];
z q[1];
s q[1];
sdg q[2];
t q[0];
tdg q[2];
sx q[2];
sxdg q[0];
id q[4];
rx(-4.457052987656194) q[0];
ry(-4.0358699238751115) q[0];
rz(4.329083366251936) q[2];
p(-5.875948321918065) q[3];
u1(-0.9522358157554232) q[3];
u2(-5.096318232460533, -4.034670185888649) q[4];
u3(2.002690767366616, 2.0231028421641053, 5.458457401940363) q[4];
U(-5.6906441166358945, 1.9574452819178454, -5.32580521104744) q[0];
cx q[0], q[3];
cy q[2], q[3];
cz q[1], q[2];
ch q[0], q[1];
csx q[3], q[1];
swap q[2], q[0];
crx(3.5643461914020094) q[3], q[2];
cry(-4.715758105711105) q[0], q[1];
barrier q[0], q[1], q[2], q[3], q[4];
crz(-3.9159567317976647) q[3], q[0];
cp(-3.823585287974564) q[3], q[4];
cu1(2.4324348626063923) q[3], q[0];
cu3(-2.5253796881802275, 3.4802835970167383, -2.591259259153748) q[1], q[3];
cu(6.175992186759048, 0.3104854481661601, -1.386240857629251, -4.870076038534624) q[1], q[2];
rxx(0.95633284389893) q[2], q[1];
rzz(-6.077041760707972) q[2], q[1];
barrier q[0], q[1], q[2], q[3], q[4];
ccx q[4], q[3], q[0];
cswap q[2], q[0], q[4];
rccx q[2], q[1], q[4];
rcccx q[4], q[1], q[0], q[3];
mcx q[1], q[2], q[4], q[0];
c3sx q[3], q[4], q[0], q[1];
mcx_0 q[2], q[0], q[1], q[3], q[4];
cy q[0], q[2];
rccx q[0], q[4], q[3];
ch q[2], q[0];
cu3(5.120582959371244, 4.728208219935336, -1.8666636695589522) q[2], q[4];
id q[4];
t q[1];
u3(1.2504753733661396, -4.588869682052067, 5.172640137961048) q[4];
sxdg q[3];
h q[4];
cu3(-0.24745831708018873, -3.664562463061502, 1.776249155263077) q[4], q[0];
u2(0.8787878632681432, -0.8611984570325841) q[4];
cx q[1], q[2];
cswap q[0], q[2], q[1];
U(-6.025585515705997, -0.7622822712492372, -2.259403178876833) q[3];
barrier q[0], q[1], q[2], q[3], q[4];
cu1(-6.008713126887354) q[2], q[0];
h q[3];
rccx q[2], q[0], q[1];
ccx q[0], q[1], q[2];
u3(-4.824141864428213, -4.072965099104369, 2.2183461601804932) q[1];
cu(-0.6344730314430809, 6.109446521177826, -2.8741921368627104, -4.896792213229233) q[4], q[3];
U(2.5420249422621506, 0.14298886439362946, 2.2293508569206644) q[4];
rxx(-6.187050816731448) q[3], q[0];
rx(3.0689123315439577) q[1];
x q[1];
cx q[0], q[4];
u3(-5.876035801448209, -0.42200307817022953, -6.082578286310377) q[1];
c3sx q[1], q[4], q[3], q[0];
cswap q[2], q[4], q[1];
cu3(-2.629434877849801, 0.16140515355344487, 1.9857808274671012) q[2], q[3];
h q[3];
cry(-4.317054098685926) q[1], q[2];
cu3(3.3150769058294802, 4.700809955875485, -3.270158468740477) q[2], q[3];
mcx q[0], q[2], q[4], q[3];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
