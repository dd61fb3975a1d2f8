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
qreg anc[2];
qreg work[4];
creg meas[6];
h work[1];
x work[0];
y work[2];
z work[1];
s anc[1];
sdg work[3];
t work[0];
tdg work[1];
sx work[0];
sxdg work[3];
id work[2];
rx(-5.084796776795058) work[0];
ry(-4.367626175084564) work[2];
rz(2.2644978330217906) work[0];
p(-0.20956019718475538) work[1];
u1(-3.6354218723611766) work[3];
u2(-5.053271501377004,-4.245400464520838) work[0];
u3(-5.096420552394098,-5.497149919637029,-6.178259932693406) work[0];
u(-3.611017394400433,0.3266442254564632,3.7625253313154516) anc[0];
cx work[0],work[3];
cy work[3],work[2];
cz anc[0],anc[1];
ch work[0],work[3];
csx work[3],work[0];
swap work[0],work[3];
crx(-5.704832593716585) work[0],anc[0];
cry(2.8704381292500436) anc[0],anc[1];
crz(-3.9219575085025355) work[3],work[1];
barrier anc[0],anc[1],work[0],work[1],work[2],work[3];
cp(-6.2139556500915525) work[2],anc[1];
cu1(-3.166487883458688) work[0],anc[0];
cu3(-0.10649825949246239,6.065885127122163,5.3290754396104365) work[1],work[0];
cu(-1.0694832362128492,5.725727991477482,1.5878338154632052,0.3006055337864888) anc[1],anc[0];
rxx(3.647721458096795) anc[0],anc[1];
rzz(-1.6270394457834403) work[2],anc[1];
ccx work[0],work[1],anc[1];
cswap work[3],anc[0],work[0];
rccx work[0],work[1],work[3];
rcccx anc[0],work[1],work[3],work[0];
mcx work[1],work[2],anc[0],work[3];
c3sqrtx work[3],anc[1],work[0],work[1];
mcx_140598694648976 work[1],anc[1],work[3],anc[0],work[2];
ryy(1.623154825892061) work[0],work[3];
iswap work[3],anc[1];
ecr work[3],work[0];
dcx anc[1],anc[0];
rzx(0.3884943450172438) work[0],anc[1];
cs work[2],anc[0];
csdg work[3],work[0];
measure anc[0] -> meas[0];
measure anc[1] -> meas[1];
measure work[0] -> meas[2];
measure work[1] -> meas[3];
measure work[2] -> meas[4];
measure work[3] -> meas[5];