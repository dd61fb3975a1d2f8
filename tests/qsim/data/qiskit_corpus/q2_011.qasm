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
barrier q[0],q[1],q[2],q[3],q[4],q[5];
x q[5];
y q[1];
z q[3];
s q[1];
sdg q[4];
t q[0];
tdg q[1];
sx q[2];
sxdg q[4];
id q[5];
rx(6.181592312674512) q[3];
ry(5.114728953904384) q[3];
rz(2.491020336047624) q[1];
p(4.232679260602595) q[5];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
u1(2.5742480255981874) q[3];
u2(1.1202728166385656,4.440535030584341) q[4];
u3(0.9910843134110632,-1.0642841583456955,3.084376675368027) q[5];
u(-4.189857046299582,-2.79031200181407,0.7798527497720356) q[0];
cx q[1],q[3];
cy q[2],q[0];
cz q[0],q[5];
ch q[4],q[3];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
csx q[5],q[0];
swap q[3],q[1];
crx(-0.018228434952112238) q[5],q[3];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
cry(-5.542951983413266) q[5],q[1];
crz(0.6359126059793345) q[2],q[5];
cp(-3.468188837066485) q[0],q[1];
cu1(1.6555839304275155) q[2],q[5];
cu3(2.227776058295259,-6.1322373385872595,-2.0988961501616483) q[0],q[3];
cu(0.6170735443083872,-4.476829052820904,-2.2811001598462664,-2.5943832909871327) q[3],q[5];
rxx(-2.384661042359357) q[3],q[0];
rzz(-1.7392048637584505) q[2],q[3];
ccx q[0],q[1],q[4];
cswap q[2],q[5],q[4];
rccx q[4],q[2],q[1];
rcccx q[3],q[2],q[4],q[0];
mcx q[5],q[4],q[1],q[3];
c3sqrtx q[5],q[1],q[3],q[0];
mcx_140598694648976 q[5],q[4],q[2],q[3],q[0];
ryy(2.39932558813196) q[0],q[3];
iswap q[0],q[3];
ecr q[2],q[1];
dcx q[4],q[1];
rzx(-5.249266250852025) q[4],q[5];
cs q[3],q[5];
csdg q[5],q[0];
r(1.5099176649502812,3.9705505602988094) q[0];
xx_plus_yy(5.94920569499404,3.177819657492144) q[2],q[4];
xx_minus_yy(5.392942417086109,3.7226055529005038) q[1],q[2];
cry(1.861648843552258) q[5],q[2];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];