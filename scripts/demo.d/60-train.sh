# Train: a small CNN on the bundled 8x8 digits (~30 s on 2 cores), then inspect the training log.
set -euo pipefail
"$MSTOOL" train recipes/train_digits.yaml -o "$DEMO_OUT/train" --overwrite
"$MSTOOL" inspect "$DEMO_OUT/train/training-log.h5"
