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
h q[4];
x q[1];
y q[4];
z q[0];
s q[4];
sdg q[1];
t q[5];
tdg q[1];
sx q[1];
sxdg q[4];
id q[3];
rx(6.033116773797033) q[3];
ry(-6.067656342711796) q[5];
rz(3.5151399303317774) q[1];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
p(5.748759139757029) q[0];
u1(5.814276617736812) q[3];
u2(-1.7303562409401545,-1.9262585125437672) q[4];
u3(6.127071969132688,1.6252167994782907,-4.70167425283614) q[4];
u(-5.192973070293471,3.857528002534817,4.888542134354436) q[2];
cx q[3],q[0];
cy q[0],q[5];
cz q[5],q[3];
ch q[1],q[0];
csx q[3],q[4];
swap q[5],q[1];
crx(3.7931255114096825) q[5],q[0];
cry(5.3585925942823245) q[5],q[4];
crz(-2.470816958883396) q[5],q[3];
cp(2.068786103167625) q[4],q[5];
cu1(-0.7887882499283485) q[2],q[0];
cu3(-5.731933723974611,-2.611697859539122,-0.15593517919071953) q[3],q[2];
cu(-5.089925083442264,3.2736953109849978,1.347506903125491,4.6665104409090095) q[1],q[4];
rxx(5.026463819480295) q[2],q[3];
rzz(1.275055220891364) q[5],q[2];
ccx q[3],q[0],q[1];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
cswap q[0],q[5],q[2];
rccx q[1],q[5],q[3];
rcccx q[3],q[5],q[2],q[0];
mcx q[5],q[0],q[2],q[1];
c3sqrtx q[4],q[0],q[2],q[5];
mcx_140598694648976 q[2],q[4],q[5],q[3],q[0];
ryy(3.305720111624824) q[2],q[1];
iswap q[4],q[0];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
ecr q[3],q[2];
dcx q[0],q[4];
rzx(-2.7821957194761993) q[1],q[4];
cs q[3],q[2];
csdg q[0],q[2];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
r(4.260535951227585,2.3783032520621976) q[1];
xx_plus_yy(2.425155747336712,0.7270513348638401) q[3],q[1];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
xx_minus_yy(2.7776929158404506,-2.488241005279525) q[2],q[1];
r(-2.1554554495168645,-5.485479668499408) q[1];
cu1(4.961293291604779) q[2],q[4];
rx(-5.9861485756221935) q[1];
swap q[3],q[5];
tdg q[1];
cs q[5],q[3];
cp(5.137964736078649) q[3],q[4];
cu1(-5.177059871011541) q[3],q[2];
xx_plus_yy(-4.94641401733677,4.134144541841744) q[1],q[0];
u(5.797702387155715,-3.601179498971386,2.6809136633404407) q[3];
cu(3.72135800060817,4.952541078574271,3.8445960091589484,3.4121846226610835) q[2],q[1];
cry(-1.4938230038246108) q[2],q[3];
rzx(0.6411206757482173) q[0],q[2];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];