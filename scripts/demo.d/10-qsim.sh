# qsim: simulate a bundled QASM circuit, an expectation with its gradient, and VQE on H2.
set -euo pipefail
"$MSTOOL" qsim run recipes/data/qsim/ghz3.qasm --shots 1000 --seed 1 --statevector "$DEMO_OUT/ghz3.h5" --overwrite
"$MSTOOL" qsim run recipes/data/qsim/teleport.qasm --shots 500 --seed 1
"$MSTOOL" qsim expect recipes/data/qsim/ansatz.qasm --hamiltonian recipes/data/qsim/h2.txt --grad --json
"$MSTOOL" qsim vqe recipes/vqe_h2.yaml -o "$DEMO_OUT/vqe_h2.h5" --overwrite
"$MSTOOL" inspect "$DEMO_OUT/vqe_h2.h5"
