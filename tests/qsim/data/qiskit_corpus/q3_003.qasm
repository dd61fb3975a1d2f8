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
bit[6] meas;
qubit[2] anc;
qubit[4] work;
h anc[1];
x work[2];
y anc[1];
z work[2];
s anc[0];
sdg anc[0];
t anc[1];
tdg anc[1];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
sx work[2];
sxdg anc[0];
id work[3];
barrier anc[0], anc[1], work[0], work[1], work[2], work[3];
rx(-0.004287297259276457) anc[0];
ry(-0.6690187488278836) anc[0];
rz(5.513205605580827) work[1];
p(5.076832606769612) anc[1];
u1(1.5810003882655845) work[0];
u2(1.1036811493894891, -6.032003859231765) work[3];
u3(-3.1395296909827892, -1.2123043010273378, 4.963878426331934) anc[0];
U(2.3307445625300662, -3.0758371596684344, 0.1269402827251893) anc[0];
cx work[2], work[3];
cy work[0], work[1];
cz work[1], anc[1];
ch work[2], work[3];
csx anc[0], work[3];
swap anc[0], work[1];
crx(4.742198163595983) work[0], work[1];
cry(3.3313012481530375) anc[0], work[0];
crz(0.9711078596829879) work[1], anc[1];
cp(-6.270297457220203) work[3], work[1];
cu1(6.142337389741952) work[2], work[0];
cu3(5.745404567340275, -4.066380380481477, -3.5645609681954604) work[2], anc[0];
cu(-2.639658979795241, -0.933273103724586, 2.988715740909516, 2.634385230100065) work[2], work[0];
rxx(-4.52669598890309) anc[0], anc[1];
rzz(2.9754486434214638) anc[0], work[0];
ccx anc[0], work[3], anc[1];
cswap work[0], anc[1], work[3];
meas[0] = measure anc[0];
meas[1] = measure anc[1];
meas[2] = measure work[0];
meas[3] = measure work[1];
meas[4] = measure work[2];
meas[5] = measure work[3];
