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
x q[0];
y q[0];
z q[3];
s q[2];
sdg q[3];
t q[0];
tdg q[4];
sx q[2];
sxdg q[5];
id q[0];
rx(3.125856585176095) q[0];
ry(5.027909918535885) q[2];
rz(-6.112314611719794) q[2];
p(-2.2784670037493564) q[2];
u1(2.0898891657101366) q[4];
u2(-2.3338866778334983,-0.6744825838709207) q[4];
u3(3.4934055818065364,5.62643387095796,-0.8183585911466293) q[2];
u(5.47558166007417,-1.0828023161875961,0.22080403873742238) q[2];
cx q[3],q[1];
cy q[1],q[3];
cz q[3],q[5];
ch q[0],q[4];
csx q[4],q[1];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
swap q[2],q[5];
crx(4.101998948596977) q[0],q[3];
cry(-1.2625946856383257) q[3],q[1];
crz(-2.635691878753521) q[4],q[1];
cp(1.0688194408739138) q[5],q[2];
cu1(-2.1930234620499816) q[2],q[3];
cu3(-2.6398929065627748,3.1468330513999625,-2.6181863293593164) q[1],q[2];
cu(-3.8815591956204134,-4.948550001369053,-2.9549330657960753,-4.706668499410724) q[4],q[2];
rxx(4.954418609980465) q[1],q[4];
rzz(2.6335377956053687) q[0],q[5];
ccx q[3],q[5],q[2];
cswap q[0],q[3],q[4];
rccx q[5],q[4],q[2];
rcccx q[5],q[2],q[1],q[4];
mcx q[3],q[1],q[2],q[5];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
c3sqrtx q[1],q[5],q[3],q[2];
mcx_140598694648976 q[2],q[3],q[0],q[5],q[4];
ryy(5.748087988011308) q[4],q[5];
iswap q[3],q[5];
ecr q[0],q[4];
dcx q[1],q[5];
rzx(1.6694192628117754) q[4],q[0];
cs q[0],q[3];
csdg q[0],q[4];
r(0.38048836635034977,-5.007396709680906) q[4];
xx_plus_yy(-4.986698088503664,-0.04805745105849013) q[3],q[2];
xx_minus_yy(0.042962666032029695,2.188512524925331) q[4],q[0];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
u3(5.443911812099705,-3.852246124505126,0.6848347005800601) q[2];
csdg q[5],q[0];
cu3(0.7720767706253726,-1.6157745970473956,-5.482894063889209) q[3],q[0];
cu1(2.534066745765898) q[0],q[4];
cu1(4.373909135901501) q[4],q[5];
rccx q[0],q[1],q[5];
cry(-1.7353762587242594) q[2],q[0];
ryy(-4.027236896423034) q[4],q[5];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
ry(5.545002145253763) q[3];
csdg q[3],q[4];
rzz(4.5509959217159) q[4],q[2];
cu3(-3.687134202995018,-0.12417869935072545,-6.028605434339487) q[1],q[3];
u3(-2.261988957404135,4.724006293681706,-5.98458553941358) q[3];
crx(-5.968649720656768) q[1],q[3];
crz(5.214484381118394) q[2],q[5];
x q[1];
crx(5.906388381270409) q[5],q[0];
cx q[3],q[1];
rccx q[5],q[2],q[1];
rz(-2.7129425639042437) q[3];
u1(0.9287503580627794) q[1];
u3(0.5389628721842303,-3.5147293359435547,2.567106865197161) q[3];
ry(-3.4631659662568515) q[3];
sxdg q[0];
rzz(0.33110196104498346) q[4],q[1];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];