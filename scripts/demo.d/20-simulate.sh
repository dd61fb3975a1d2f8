# simulate: initial energies per term, then 2 ps of Langevin MD on bundled alanine dipeptide.
set -euo pipefail
out="$(cd "$DEMO_OUT" && pwd)"
"$MSTOOL" --json simulate recipes/sponge.yaml --set steps=0
"$MSTOOL" simulate recipes/sponge.yaml --set steps=1000 --overwrite \
    --set output.trajectory="$out/ala2_traj.h5" --set output.checkpoint="$out/ala2_traj.chk.npz"
"$MSTOOL" inspect "$out/ala2_traj.h5"
