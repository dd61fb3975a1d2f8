OPENQASM 2.0;
include "qelib1.inc";
gate rcccx q0,q1,q2,q3 { h q3; t q3; cx q2,q3; tdg q3; h q3; cx q0,q3; t q3; cx q1,q3; tdg q3; cx q0,q3; t q3; cx q1,q3; tdg q3; h q3; t q3; cx q2,q3; tdg q3; h q3; }
gate mcx q0,q1,q2,q3 { h q3; p(pi/8) q0; p(pi/8) q1; p(pi/8) q2; p(pi/8) q3; cx q0,q1; p(-pi/8) q1; cx q0,q1; cx q1,q2; p(-pi/8) q2; cx q0,q2; p(pi/8) q2; cx q1,q2; p(-pi/8) q2; cx q0,q2; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; h q3; }
gate rcccx_dg q0,q1,q2,q3 { h q3; t q3; cx q2,q3; tdg q3; h q3; t q3; cx q1,q3; tdg q3; cx q0,q3; t q3; cx q1,q3; tdg q3; cx q0,q3; h q3; t q3; cx q2,q3; tdg q3; h q3; }
gate mcx_140598694648976 q0,q1,q2,q3,q4 { h q4; cp(pi/2) q3,q4; h q4; rcccx q0,q1,q2,q3; h q4; cp(-pi/2) q3,q4; h q4; rcccx_dg q0,q1,q2,q3; c3sqrtx q0,q1,q2,q4; }
gate ryy(param0) q0,q1 { sxdg q0; sxdg q1; cx q0,q1; rz(param0) q1; cx q0,q1; sx q0; sx q1; }
gate iswap q0,q1 { s q0; s q1; h q0; cx q0,q1; cx q1,q0; h q1; }
gate ecr q0,q1 { s q0; sx q1; cx q0,q1; x q0; }
qreg q[6];
creg c[6];
h q[3];
x q[1];
y q[0];
z q[4];
s q[4];
sdg q[4];
t q[2];
tdg q[1];
sx q[1];
sxdg q[1];
id q[2];
rx(-6.226801448186576) q[4];
ry(-4.934603265838872) q[1];
rz(-4.075998139612164) q[4];
p(1.8273528668149197) q[1];
u1(3.033888093280808) q[3];
u2(-3.3146521535353783,-0.7484712096292396) q[3];
u3(3.9773597670793315,-3.97727001266714,-4.21235131277794) q[2];
u(-6.204824219508774,1.160818426195667,-3.356996727099559) q[4];
cx q[4],q[3];
cy q[5],q[0];
cz q[0],q[1];
ch q[3],q[5];
csx q[4],q[1];
swap q[3],q[1];
crx(5.472577521884332) q[0],q[1];
cry(2.5120351882237895) q[1],q[3];
crz(4.71975244624185) q[5],q[2];
cp(1.0455876997574283) q[1],q[5];
cu1(-4.46072394110246) q[1],q[5];
cu3(-4.757866172659781,0.883639154539086,-2.866165410526771) q[1],q[4];
cu(-2.7285688081335397,1.8914965012101916,4.362149043610849,-5.30100654540434) q[5],q[2];
rxx(1.8881846575685284) q[3],q[5];
rzz(-4.033066808102947) q[0],q[3];
ccx q[3],q[4],q[1];
cswap q[0],q[1],q[4];
rccx q[3],q[1],q[5];
rcccx q[4],q[3],q[5],q[0];
mcx q[5],q[4],q[1],q[2];
c3sqrtx q[3],q[1],q[2],q[4];
mcx_140598694648976 q[2],q[3],q[4],q[5],q[1];
ryy(1.2694826347750228) q[5],q[1];
iswap q[0],q[2];
ecr q[3],q[0];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];