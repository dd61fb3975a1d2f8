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
gate mcx_140598694648976_140598626402128 q0,q1,q2,q3,q4 { h q4; cp(pi/2) q3,q4; h q4; rcccx q0,q1,q2,q3; h q4; cp(-pi/2) q3,q4; h q4; rcccx_dg q0,q1,q2,q3; c3sqrtx q0,q1,q2,q4; }
gate mcx_140598694648976_140598626392208 q0,q1,q2,q3,q4 { h q4; cp(pi/2) q3,q4; h q4; rcccx q0,q1,q2,q3; h q4; cp(-pi/2) q3,q4; h q4; rcccx_dg q0,q1,q2,q3; c3sqrtx q0,q1,q2,q4; }
qreg q[6];
creg c[6];
h q[0];
x q[4];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
y q[5];
z q[1];
s q[1];
sdg q[4];
t q[3];
tdg q[3];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
sx q[5];
sxdg q[2];
id q[4];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
rx(2.197650013304905) q[0];
ry(-2.1328559549649633) q[2];
rz(-1.628997422878638) q[1];
p(-0.42029776728558055) q[3];
u1(-1.4264266520482396) q[1];
u2(2.2942456186666966,5.913019197595158) q[3];
u3(-0.4995797200410532,3.8508754795304103,3.1606278846781724) q[4];
u(-5.437759199679195,2.3047786526160294,0.9233753927112334) q[1];
cx q[5],q[2];
cy q[4],q[1];
cz q[5],q[0];
ch q[2],q[3];
csx q[4],q[2];
swap q[3],q[1];
crx(-6.0025503509544915) q[3],q[0];
cry(-4.543239932538997) q[4],q[5];
crz(2.4371285264179594) q[5],q[0];
cp(-3.8862434324092177) q[2],q[3];
cu1(-5.406685020769335) q[4],q[5];
cu3(-2.481183165492516,-2.3691746512938994,-3.1789930260186154) q[4],q[1];
cu(-5.958603712738762,-4.257558896846325,-4.902116034919917,-4.739162165982803) q[0],q[2];
rxx(-2.8168719107709874) q[5],q[1];
rzz(-3.9844089960066964) q[5],q[2];
ccx q[4],q[3],q[5];
cswap q[1],q[3],q[2];
rccx q[4],q[3],q[1];
rcccx q[2],q[0],q[5],q[3];
mcx q[2],q[5],q[1],q[3];
c3sqrtx q[0],q[3],q[2],q[5];
mcx_140598694648976 q[5],q[3],q[2],q[1],q[0];
ryy(0.633438852849082) q[2],q[1];
iswap q[1],q[0];
ecr q[2],q[1];
dcx q[2],q[1];
rzx(0.8548694441555034) q[5],q[2];
cs q[5],q[3];
csdg q[1],q[2];
r(1.8664278459187358,5.267159778725254) q[5];
xx_plus_yy(6.265883481418344,5.045207195538209) q[0],q[5];
xx_minus_yy(-0.0461393531016272,0.32118422246860057) q[1],q[0];
crx(0.04862452509014137) q[4],q[0];
rx(-3.300227641905348) q[3];
cu1(-3.809855892455174) q[5],q[3];
y q[3];
ch q[4],q[2];
y q[2];
ch q[0],q[4];
ecr q[5],q[1];
mcx_140598694648976_140598626402128 q[0],q[1],q[3],q[4],q[2];
sdg q[4];
cu3(-5.837134143151411,5.638402101225081,3.7203836489159787) q[4],q[1];
ry(-1.7180653724325738) q[5];
u2(-4.807794861748634,4.415706565743847) q[5];
crx(3.527155683914909) q[0],q[4];
u1(-5.738641577692364) q[0];
cz q[4],q[2];
z q[1];
t q[3];
iswap q[0],q[1];
rzx(-1.7629553146802301) q[4],q[1];
rxx(3.6017498767328178) q[1],q[4];
rx(5.385839575398954) q[0];
u2(1.114848867926411,0.8530057355199219) q[2];
xx_minus_yy(-3.0770714325945248,-4.647634414843823) q[3],q[1];
cu1(1.7343563801259716) q[5],q[1];
sdg q[2];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
cx q[3],q[4];
mcx_140598694648976_140598626392208 q[0],q[2],q[1],q[4],q[3];
t q[0];
dcx q[3],q[2];
rzx(-0.8974536369782804) q[1],q[3];
csdg q[1],q[4];
y q[5];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
rzz(0.8958408636401565) q[5],q[0];
xx_plus_yy(-5.044607728026952,-5.683327376542265) q[5],q[1];
u(-4.367405606499011,1.4986365139667495,-3.9879304925742645) q[2];
csdg q[3],q[4];
ry(1.6768617849019494) q[2];
sxdg q[1];
sdg q[2];
crx(-0.956810485366395) q[0],q[2];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
ry(-0.6600632242902522) q[4];
u1(3.139762311200217) q[5];
rx(0.5446082783852972) q[3];
cp(3.0477036885201976) q[3],q[4];
sx q[5];
ecr q[3],q[1];
cu1(1.7336454249542985) q[2],q[4];
csx q[2],q[1];
sx q[2];
rzz(-2.294794890088455) q[2],q[5];
t q[2];
u(-5.160045313093232,1.0663564762900863,1.8080267601774338) q[3];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];