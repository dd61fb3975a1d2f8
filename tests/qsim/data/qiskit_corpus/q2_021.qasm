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
qreg anc[2];
qreg work[4];
creg meas[6];
h anc[0];
x work[3];
y work[1];
z anc[0];
s work[2];
sdg work[2];
t work[0];
tdg anc[0];
sx work[2];
sxdg work[3];
id work[2];
rx(-4.5423444968021975) work[2];
ry(1.9109791067152884) work[3];
rz(-4.01519039543923) anc[1];
p(-3.7976560015527157) work[0];
u1(-2.9802510111337375) anc[0];
u2(-4.153154927626882,4.29882009791616) work[3];
u3(-6.050616816888133,5.390108645995536,0.17523978121917771) anc[1];
u(4.329633946348983,0.12408224941216783,-3.9749470840948096) work[2];
cx work[0],work[2];
cy anc[0],anc[1];
cz work[2],work[3];
ch anc[0],work[3];
csx anc[0],work[0];
swap work[0],anc[1];
crx(5.4092560387883655) work[1],anc[0];
cry(0.2834449282484801) anc[0],work[3];
crz(-3.473960078169413) work[1],work[3];
cp(4.851989060839204) anc[0],work[3];
cu1(2.871886588144603) work[1],work[3];
cu3(-5.343623900951535,2.348640602402009,6.258115406170816) work[0],anc[0];
cu(0.7163116483065775,-2.461024558172339,2.1031962152642247,-0.9521705334963269) work[0],anc[0];
rxx(1.1940774010781547) anc[0],work[3];
rzz(4.898876816097767) anc[1],work[0];
ccx work[0],work[1],anc[1];
cswap work[0],anc[0],work[1];
rccx anc[0],anc[1],work[3];
rcccx anc[1],work[3],work[1],work[2];
mcx work[3],anc[0],work[1],work[2];
c3sqrtx anc[1],work[0],work[2],work[1];
mcx_140598694648976 work[2],work[3],work[1],anc[1],work[0];
ryy(5.868199410656716) work[0],anc[1];
iswap anc[1],anc[0];
ecr anc[0],work[1];
dcx work[3],work[1];
rzx(5.406911292049513) work[0],work[2];
cs anc[0],work[3];
csdg work[3],anc[0];
r(5.410204386778,0.6668507824452892) work[3];
xx_plus_yy(1.7097304525840018,3.0347485719106686) work[1],work[0];
xx_minus_yy(4.102273017565491,5.458260946597116) work[2],anc[1];
cu3(-3.328543993453428,5.919711048281421,-0.718586548165888) work[2],anc[0];
xx_minus_yy(-0.5847430350442187,2.5207482341479306) work[3],work[2];
h work[0];
sdg work[1];
rzx(-1.5949869808940749) work[1],work[3];
crx(3.592161159177163) work[1],anc[0];
dcx anc[1],anc[0];
iswap work[1],work[3];
ryy(-4.171390244566701) anc[1],work[2];
ecr work[1],work[3];
cry(-4.588383288607867) anc[0],work[3];
rcccx anc[1],work[1],work[0],work[3];
rcccx work[3],work[0],work[2],anc[1];
cu1(2.204240447860835) anc[0],anc[1];
barrier anc[0],anc[1],work[0],work[1],work[2],work[3];
dcx work[3],work[1];
xx_minus_yy(3.0340805393206587,-4.234841991503266) work[2],anc[1];
id work[3];
rzz(4.433807875674807) work[1],work[2];
csdg anc[0],work[0];
dcx anc[0],work[0];
rcccx work[0],work[3],work[2],work[1];
barrier anc[0],anc[1],work[0],work[1],work[2],work[3];
measure anc[0] -> meas[0];
measure anc[1] -> meas[1];
measure work[0] -> meas[2];
measure work[1] -> meas[3];
measure work[2] -> meas[4];
measure work[3] -> meas[5];