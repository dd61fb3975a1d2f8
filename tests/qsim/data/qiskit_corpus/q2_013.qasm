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
qreg q[6];
creg c[6];
h q[3];
x q[2];
y q[1];
z q[2];
s q[3];
sdg q[4];
t q[2];
tdg q[0];
sx q[5];
sxdg q[1];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
id q[1];
rx(1.999633237386993) q[2];
ry(-2.0709059776316643) q[1];
rz(0.026341385684577112) q[3];
p(1.8583517900900546) q[0];
u1(3.530909349639451) q[3];
u2(0.09419245081654992,-5.484166481517137) q[2];
u3(5.125951891781012,3.238221998542448,-3.925290001768333) q[0];
u(3.5202839327773194,-0.9183124545089614,-2.0702901911983416) q[3];
cx q[3],q[4];
cy q[0],q[1];
cz q[5],q[2];
ch q[0],q[3];
csx q[5],q[0];
swap q[1],q[5];
crx(3.6696973025266395) q[3],q[2];
cry(-0.7387247570680779) q[2],q[3];
crz(-3.8987064583448734) q[4],q[1];
cp(3.530433777901777) q[4],q[0];
cu1(-3.9102162634057507) q[3],q[0];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
cu3(4.467878590150018,5.542886337103578,3.6529560072374228) q[5],q[3];
cu(-2.0499053959501783,1.3456972860076597,2.298218495041251,0.5567726575016261) q[1],q[5];
rxx(-1.8573129499237346) q[0],q[5];
rzz(-2.6768696659190265) q[2],q[5];
ccx q[5],q[4],q[0];
cswap q[0],q[4],q[1];
rccx q[0],q[1],q[4];
rcccx q[4],q[2],q[0],q[3];
mcx q[2],q[4],q[0],q[1];
c3sqrtx q[1],q[4],q[2],q[0];
mcx_140598694648976 q[1],q[2],q[3],q[5],q[4];
ryy(1.1100782150739166) q[4],q[0];
iswap q[2],q[5];
ecr q[5],q[0];
dcx q[1],q[0];
rzx(-1.7265550629980995) q[1],q[3];
cs q[1],q[0];
csdg q[5],q[1];
r(-3.5582799810749868,-2.481205250786983) q[3];
xx_plus_yy(2.5323373687399986,0.5248305760138283) q[5],q[3];
xx_minus_yy(-1.5217642220710728,5.492990122812495) q[3],q[5];
xx_minus_yy(-1.8059874566061023,-4.888670295819531) q[5],q[4];
crz(-2.4483073779789235) q[1],q[4];
cu3(2.527387202624329,2.800209947814656,3.032214427603712) q[1],q[3];
swap q[0],q[1];
cz q[5],q[2];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];