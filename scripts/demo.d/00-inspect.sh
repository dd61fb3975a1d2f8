# Foundation: write a small ONNX model and an artifact, then inspect both.
set -euo pipefail
"$MSTOOL_PYTHON" scripts/make_demo_files.py "$DEMO_OUT"
"$MSTOOL" inspect "$DEMO_OUT/tiny.onnx"
"$MSTOOL" inspect "$DEMO_OUT/sample.h5"
