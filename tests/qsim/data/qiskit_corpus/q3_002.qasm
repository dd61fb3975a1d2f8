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
bit[5] c;
qubit[5] q;
h q[0];
x q[1];
y q[4];
z q[3];
s q[3];
sdg q[4];
t q[4];
tdg q[1];
sx q[2];
sxdg q[4];
id q[2];
rx(3.2373979627894) q[4];
ry(5.632297874034554) q[0];
rz(-2.988285677425769) q[2];
p(-2.7021929529226765) q[0];
u1(4.147851943132865) q[2];
u2(-5.894760965897813, -0.884029016049312) q[2];
u3(2.7014553220192674, -1.5478923708643544, 3.3385342433529868) q[3];
barrier q[0], q[1], q[2], q[3], q[4];
U(-0.46381384249644775, -3.292580204040853, 0.32994859567837853) q[0];
cx q[2], q[1];
cy q[1], q[2];
cz q[3], q[1];
ch q[0], q[2];
csx q[1], q[2];
swap q[4], q[3];
crx(1.3262425758033745) q[3], q[1];
cry(-2.4867434102852504) q[4], q[0];
crz(-1.1570293501549873) q[1], q[4];
cp(-3.0650666733564287) q[3], q[0];
cu1(5.127990229195037) q[0], q[1];
cu3(-0.6275916648840987, -1.2629341706411958, 3.4181571323857476) q[1], q[4];
cu(-0.45275781611265664, 6.199973426169787, -0.5537432782559604, 3.560317137897144) q[2], q[1];
rxx(3.987706539981483) q[3], q[4];
rzz(-0.8087293374848299) q[0], q[1];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
c[3] = measure q[3];
c[4] = measure q[4];
