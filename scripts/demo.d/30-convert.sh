# Convert: the bundled tiny CNN (ONNX, NCHW) to a Keras model.py + weights, verified against onnxruntime.
set -euo pipefail
"$MSTOOL" convert recipes/data/convert/tiny_cnn.onnx -o "$DEMO_OUT/tiny_cnn-keras" --overwrite
head -n 40 "$DEMO_OUT/tiny_cnn-keras/model.py"
