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
bit[5] meas;
qubit[2] anc;
qubit[3] work;
h anc[0];
x anc[1];
y work[2];
z work[1];
s anc[0];
sdg anc[1];
t anc[0];
tdg work[1];
sx work[2];
sxdg anc[0];
id anc[0];
rx(-5.554770979060394) anc[1];
ry(5.60061783549965) work[0];
rz(2.962647502175555) work[2];
p(2.0940958728924546) anc[1];
u1(-4.475764604626981) work[1];
u2(0.039007112452783765, 3.3964402288260533) work[2];
u3(3.2234147400220827, -1.8511121216244515, 1.9314359746300784) work[0];
U(-0.8328075424166066, -4.732602216446045, 5.340371794332855) anc[1];
cx work[2], work[1];
cy work[0], anc[0];
cz work[0], work[1];
ch anc[1], work[1];
csx anc[0], work[1];
swap work[1], anc[1];
crx(-0.7974297564819484) anc[0], work[0];
cry(-2.780581319109329) work[1], anc[1];
crz(2.471589988698776) work[0], work[1];
cp(1.2774519128122597) anc[1], anc[0];
cu1(0.23675774536967165) anc[0], anc[1];
meas[0] = measure anc[0];
meas[1] = measure anc[1];
meas[2] = measure work[0];
meas[3] = measure work[1];
meas[4] = measure work[2];
