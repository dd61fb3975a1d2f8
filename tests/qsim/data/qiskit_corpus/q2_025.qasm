OPENQASM 2.0;
include "qelib1.inc";
gate rcccx q0,q1,q2,q3 { h q3; t q3; cx q2,q3; tdg q3; h q3; cx q0,q3; t q3; cx q1,q3; tdg q3; cx q0,q3; t q3; cx q1,q3; tdg q3; h q3; t q3; cx q2,q3; tdg q3; h q3; }
gate mcx q0,q1,q2,q3 { h q3; p(pi/8) q0; p(pi/8) q1; p(pi/8) q2; p(pi/8) q3; cx q0,q1; p(-pi/8) q1; cx q0,q1; cx q1,q2; p(-pi/8) q2; cx q0,q2; p(pi/8) q2; cx q1,q2; p(-pi/8) q2; cx q0,q2; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; h q3; }
gate rcccx_dg q0,q1,q2,q3 { h q3; t q3; cx q2,q3; tdg q3; h q3; t q3; cx q1,q3; tdg q3; cx q0,q3; t q3; cx q1,q3; tdg q3; cx q0,q3; h q3; t q3; cx q2,q3; tdg q3; h q3; }
gate mcx_140598694648976 q0,q1,q2,q3,q4 { h q4; cp(pi/2) q3,q4; h q4; rcccx q0,q1,q2,q3; h q4; cp(-pi/2) q3,q4; h q4; rcccx_dg q0,q1,q2,q3; c3sqrtx q0,q1,q2,q4; }
gate ryy(param0) q0,q1 { sxdg q0; sxdg q1; cx q0,q1; rz(param0) q1; cx q0,q1; sx q0; sx q1; }
gate iswap q0,q1 { s q0; s q1; h q0; cx q0,q1; cx q1,q0; h q1; }
gate ecr q0,q1 { s q0; sx q1; cx q0,q1; x q0; }
gate dcx q0,q1 { cx q0,q1; cx q1,q0; }
gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
gate cs q0,q1 { t q0; cx q0,q1; tdg q1; cx q0,q1; t q1; }
gate csdg q0,q1 { tdg q0; cx q0,q1; t q1; cx q0,q1; tdg q1; }
gate r(param0,param1) q0 { u(param0,-pi/2 + param1,pi/2 - param1) q0; }
gate xx_plus_yy(param0,param1) q0,q1 { rz(param1) q0; sdg q1; sx q1; s q1; s q0; cx q1,q0; ry((-0.5)*param0) q1; ry((-0.5)*param0) q0; cx q1,q0; sdg q0; sdg q1; sxdg q1; s q1; rz(-param1) q0; }
gate xx_minus_yy(param0,param1) q0,q1 { rz(-param1) q1; sdg q0; sx q0; s q0; s q1; cx q0,q1; ry(0.5*param0) q0; ry((-0.5)*param0) q1; cx q0,q1; sdg q1; sdg q0; sxdg q0; s q0; rz(param1) q1; }
gate mcx_140598694648976_140598626303888 q0,q1,q2,q3,q4 { h q4; cp(pi/2) q3,q4; h q4; rcccx q0,q1,q2,q3; h q4; cp(-pi/2) q3,q4; h q4; rcccx_dg q0,q1,q2,q3; c3sqrtx q0,q1,q2,q4; }
qreg q[6];
creg c[6];
h q[1];
x q[3];
y q[1];
z q[2];
s q[3];
sdg q[5];
t q[2];
tdg q[1];
sx q[0];
sxdg q[0];
id q[0];
rx(-3.623193816902153) q[0];
ry(-1.400899778799296) q[0];
rz(3.2407349649131696) q[5];
p(-6.266008839131769) q[0];
u1(-3.491650547088181) q[1];
u2(3.7225142633322292,4.350181687224817) q[0];
u3(0.6630322537449445,5.347641882550434,-1.031117695926902) q[3];
u(-5.402403784858097,1.2374937298919244,4.204436624070528) q[5];
cx q[1],q[2];
cy q[4],q[1];
cz q[1],q[4];
ch q[3],q[0];
csx q[3],q[5];
swap q[3],q[5];
crx(3.4052961524042367) q[4],q[3];
cry(-1.8807151124342285) q[5],q[2];
crz(-0.12310080655620403) q[0],q[1];
cp(-1.8861626460729113) q[4],q[0];
cu1(-0.035129741296136) q[5],q[4];
cu3(-1.2810595083955638,-2.703132073113503,-5.647113132308625) q[5],q[3];
cu(-1.0401101548727052,5.617953164932988,-0.1743497841982542,5.511537542015676) q[2],q[4];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
rxx(1.0464263135689986) q[3],q[0];
rzz(-5.372879829361016) q[2],q[5];
ccx q[5],q[1],q[4];
cswap q[2],q[1],q[5];
rccx q[2],q[5],q[3];
rcccx q[3],q[2],q[5],q[4];
mcx q[0],q[5],q[1],q[4];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
c3sqrtx q[1],q[3],q[2],q[0];
mcx_140598694648976 q[3],q[1],q[5],q[0],q[2];
ryy(-2.065246585509601) q[2],q[3];
iswap q[3],q[1];
ecr q[3],q[2];
dcx q[1],q[5];
rzx(1.3626244476206555) q[3],q[1];
cs q[2],q[0];
csdg q[5],q[1];
r(-6.180192425189341,0.1202957099604367) q[0];
xx_plus_yy(-2.33811347362611,4.997142880259995) q[0],q[1];
xx_minus_yy(-4.702584057984202,4.656739048972005) q[5],q[2];
rz(-2.4860542626071997) q[3];
ch q[5],q[3];
x q[5];
s q[0];
tdg q[0];
cz q[4],q[3];
y q[4];
cx q[0],q[1];
cry(5.235519735184482) q[0],q[1];
rcccx q[1],q[5],q[0],q[2];
ch q[2],q[3];
dcx q[2],q[0];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
csdg q[1],q[3];
ccx q[5],q[0],q[3];
cs q[1],q[0];
cu1(-1.8939470974771124) q[4],q[3];
rx(-2.831757444616741) q[5];
dcx q[5],q[4];
sdg q[0];
cx q[5],q[3];
ch q[0],q[3];
rccx q[3],q[4],q[5];
h q[2];
cx q[4],q[2];
mcx q[1],q[4],q[5],q[0];
mcx_140598694648976_140598626303888 q[0],q[5],q[1],q[2],q[3];
ch q[5],q[3];
rxx(-1.2221440197667368) q[2],q[1];
c3sqrtx q[0],q[5],q[3],q[2];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];