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
h q[1];
x q[1];
y q[4];
z q[1];
s q[0];
sdg q[1];
t q[0];
tdg q[5];
sx q[5];
sxdg q[1];
id q[2];
rx(1.7069392429572812) q[2];
ry(-5.752199748093926) q[1];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
rz(-1.6573430281735977) q[3];
p(-1.787471323525045) q[2];
u1(-1.041296283694157) q[5];
u2(-1.6777039669983704,-2.41679532491477) q[0];
u3(-6.1935382690942316,-5.842950467884701,-4.0379235627595556) q[0];
u(-0.3462138182388603,2.963743429040088,-4.607094742760413) q[4];
cx q[4],q[3];
cy q[0],q[5];
cz q[4],q[5];
ch q[0],q[2];
csx q[1],q[0];
swap q[1],q[4];
crx(5.74837765118026) q[4],q[3];
cry(-4.211190294340477) q[1],q[5];
crz(4.846601666210194) q[1],q[2];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
cp(5.70908984556157) q[4],q[5];
cu1(-1.9535209832936697) q[3],q[5];
cu3(3.2704322730553734,3.271773508259608,5.2858385985628775) q[1],q[2];
cu(3.2290844442343385,-2.594731732398576,-0.9845823784954684,-2.333487564128558) q[0],q[1];
rxx(-1.4685540657399212) q[2],q[4];
rzz(3.9269076373794753) q[4],q[1];
ccx q[0],q[1],q[5];
cswap q[1],q[4],q[0];
rccx q[0],q[1],q[2];
rcccx q[0],q[3],q[5],q[4];
mcx q[0],q[2],q[4],q[5];
c3sqrtx q[5],q[0],q[3],q[2];
mcx_140598694648976 q[4],q[0],q[1],q[5],q[3];
ryy(-1.356575992382166) q[1],q[5];
iswap q[4],q[5];
ecr q[4],q[3];
dcx q[1],q[2];
rzx(-2.80469093957138) q[3],q[4];
cs q[4],q[1];
csdg q[5],q[2];
r(-0.2257964504508685,1.9008851842364791) q[1];
xx_plus_yy(-5.189612445057109,-3.6783132030528156) q[4],q[0];
xx_minus_yy(5.935795314236039,5.568692942534943) q[0],q[2];
h q[2];
p(-5.368406360897077) q[3];
sdg q[3];
cu(-2.9038938476121436,-2.8174057067439477,-5.319437800519291,5.796289384414173) q[2],q[0];
u(3.0773948893869765,3.8810046569871144,-5.549960610782494) q[2];
ryy(6.1059526897908984) q[0],q[2];
dcx q[3],q[0];
r(1.784855780511899,3.342806049913314) q[0];
u(-1.636533767150647,-0.5510123876303892,2.779177747510701) q[2];
sdg q[2];
ecr q[3],q[0];
u2(2.203856378720502,4.038071716291826) q[2];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
rz(1.9443897963703858) q[4];
xx_minus_yy(3.501928310404784,2.2850161581793973) q[0],q[4];
xx_minus_yy(-5.820436360844022,-1.7741740576795273) q[4],q[1];
z q[4];
sxdg q[4];
ryy(4.745308726934487) q[2],q[5];
u3(3.749921194176853,2.9893214063569573,-3.2102224830447046) q[0];
id q[5];
rcccx q[1],q[4],q[2],q[0];
cu1(0.023516033499908495) q[0],q[4];
rx(-2.681046812865091) q[4];
sx q[5];
tdg q[1];
tdg q[0];
xx_plus_yy(-3.402640569430077,-4.369554665661818) q[0],q[4];
mcx q[3],q[4],q[5],q[0];
cz q[3],q[4];
t q[1];
rcccx q[1],q[0],q[4],q[2];
barrier q[0],q[1],q[2],q[3],q[4],q[5];
rzx(-3.8403048422694357) q[2],q[1];
xx_plus_yy(4.339656583003242,1.7605529244282163) q[5],q[3];
ry(-5.930199446277494) q[5];
cz q[1],q[4];
dcx q[2],q[3];
cu1(-3.138614210695506) q[2],q[4];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
measure q[4] -> c[4];
measure q[5] -> c[5];