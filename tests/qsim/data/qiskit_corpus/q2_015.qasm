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
x work[2];
y anc[0];
z work[1];
s work[2];
sdg work[3];
barrier anc[0],anc[1],work[0],work[1],work[2],work[3];
t work[2];
tdg work[0];
sx work[1];
sxdg work[0];
id anc[1];
rx(-3.5057412073098715) work[1];
ry(1.1041963087751707) work[2];
rz(-3.7809320822926007) anc[1];
p(1.9324819018172832) work[1];
u1(2.977781483687142) work[3];
u2(-5.73255611867029,1.156374971868659) work[2];
u3(-0.14598525134604756,3.0130359839727774,-3.7267984707469872) work[3];
u(-0.5081111816260595,5.05307501581661,-3.1348281304856247) work[0];
barrier anc[0],anc[1],work[0],work[1],work[2],work[3];
cx work[3],work[2];
barrier anc[0],anc[1],work[0],work[1],work[2],work[3];
cy anc[1],work[3];
cz work[1],anc[1];
ch work[3],anc[1];
csx work[0],anc[1];
swap work[1],work[2];
crx(5.736762970914471) work[1],work[2];
cry(-4.353473097337567) work[0],anc[1];
crz(2.0759245565569877) anc[0],work[3];
cp(5.277382507973954) anc[1],anc[0];
cu1(2.7314182144137167) work[1],work[3];
cu3(-4.344745584782519,-5.255757596255123,3.762662611704508) work[1],work[2];
cu(2.8804819170241647,-5.384340039552939,2.7722423207669262,-5.685634554046406) work[3],work[0];
rxx(-3.654815061167364) work[2],anc[1];
rzz(5.14503933500346) anc[0],work[2];
ccx work[0],work[1],anc[0];
cswap work[0],work[3],work[2];
rccx work[3],work[0],anc[0];
rcccx work[0],anc[0],work[1],anc[1];
mcx work[3],work[0],anc[0],work[2];
c3sqrtx anc[1],work[3],anc[0],work[2];
mcx_140598694648976 anc[1],work[1],work[0],work[3],work[2];
barrier anc[0],anc[1],work[0],work[1],work[2],work[3];
ryy(1.60544300264789) work[0],work[2];
iswap work[2],anc[1];
ecr work[2],work[0];
dcx work[0],work[2];
rzx(0.14902609640141673) work[2],work[1];
cs work[0],anc[1];
csdg work[1],work[3];
r(2.638276004908061,-3.582597808951333) work[2];
xx_plus_yy(3.3562842857057653,4.4904798282546725) work[0],work[1];
xx_minus_yy(3.820574882281921,1.4153184354923685) anc[1],work[3];
cy anc[1],work[2];
cu3(5.276218407418229,3.3458725424057825,3.677360498282484) work[2],anc[0];
xx_minus_yy(4.880710348449703,-2.941849980933272) anc[1],anc[0];
u2(-1.356100129066597,-3.085095505014547) anc[0];
mcx anc[0],work[2],anc[1],work[3];
cy work[1],anc[1];
rx(-5.702866943231869) work[0];
x work[3];
cu3(2.581847292403374,-4.381419691238326,-4.833444008070143) work[0],work[2];
measure anc[0] -> meas[0];
measure anc[1] -> meas[1];
measure work[0] -> meas[2];
measure work[1] -> meas[3];
measure work[2] -> meas[4];
measure work[3] -> meas[5];