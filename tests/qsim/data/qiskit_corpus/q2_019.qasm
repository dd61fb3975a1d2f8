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
h q[5];
x q[4];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
y q[2];
z q[3];
s q[5];
sdg q[2];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
t q[1];
tdg q[5];
sx q[0];
sxdg q[5];
id q[2];
rx(0.9050348458596478) q[1];
ry(-1.8911375206488295) q[1];
rz(-5.2275615597446) q[4];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
p(3.453516539360514) q[5];
u1(4.699540958228775) q[4];
u2(-1.679064183742593,-0.24290328445226006) q[1];
u3(2.6550530297751305,1.5843810407532333,-6.178431883599328) q[4];
u(-4.213412761461004,-4.966731695297447,5.929046540088919) q[5];
cx q[5],q[3];
cy q[5],q[2];
cz q[2],q[0];
ch q[1],q[2];
csx q[5],q[0];
swap q[5],q[2];
crx(-1.3071260177647543) q[1],q[0];
cry(0.2670193001720307) q[5],q[1];
crz(-1.5822701817172389) q[0],q[5];
cp(0.5946194861541656) q[5],q[4];
cu1(-2.4651531340929638) q[1],q[3];
cu3(0.6983570957142602,-2.0826000260015887,-3.7666321108255993) q[4],q[3];
cu(-3.6573153191095464,2.981384795239965,3.5712684415340963,-0.15609790979280191) q[5],q[4];
rxx(-3.5334228353074604) q[5],q[4];
rzz(0.7089072070060523) q[1],q[5];
ccx q[2],q[0],q[5];
cswap q[3],q[2],q[5];
rccx q[4],q[3],q[0];
rcccx q[2],q[4],q[1],q[3];
mcx q[5],q[4],q[2],q[3];
c3sqrtx q[0],q[3],q[2],q[5];
mcx_140598694648976 q[0],q[2],q[4],q[1],q[5];
ryy(4.636955917899726) q[4],q[2];
iswap q[3],q[0];
ecr q[4],q[1];
dcx q[4],q[1];
rzx(-4.597623758892466) q[2],q[0];
cs q[0],q[5];
csdg q[3],q[0];
r(-6.027930745364536,-3.335322128346076) q[4];
xx_plus_yy(0.7896755795728945,-4.313489012584769) q[1],q[4];
xx_minus_yy(-4.894260873958155,-0.3353690930748039) q[0],q[5];
ry(0.4552784422561551) q[3];
rccx q[5],q[4],q[1];
rx(-3.334411142060654) q[3];
rz(2.7755676993165483) q[2];
sxdg q[5];
rx(-4.72723699680105) q[1];
rcccx q[1],q[0],q[5],q[2];
cy q[5],q[0];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
u(-4.497094495423481,4.840564828554077,-2.6967956128439448) q[3];
sdg q[5];
sx q[1];
csdg q[1],q[0];
ch q[3],q[4];
rz(2.5769824388202647) q[1];
x q[0];
cu1(-5.6106175907607065) q[0],q[2];
sdg q[3];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];