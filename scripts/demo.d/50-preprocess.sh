# preprocess: bundled images (JPEG/PNG/WebP/BMP, EXIF-rotated, gray, alpha, CMYK) through
# both recipes, two shards merged without copying, then inspected.
set -euo pipefail
DATA=recipes/data/preprocess
"$MSTOOL" preprocess "$DATA" -o "$DEMO_OUT/resnet.h5" --recipe recipes/resnet_224.yaml --overwrite
"$MSTOOL" preprocess "$DATA" -o "$DEMO_OUT/yolo.h5" --recipe recipes/yolov3_416.yaml \
    --set output.dtype=float16 --overwrite --json
for i in 0 1; do
    "$MSTOOL" --quiet preprocess "$DATA" -o "$DEMO_OUT/yolo-part$i.h5" --recipe recipes/yolov3_416.yaml \
        --shard "$i/2" --overwrite
done
"$MSTOOL" preprocess merge "$DEMO_OUT/yolo-part0.h5" "$DEMO_OUT/yolo-part1.h5" \
    -o "$DEMO_OUT/yolo-merged.h5" --overwrite
"$MSTOOL" inspect "$DEMO_OUT/yolo-merged.h5"
