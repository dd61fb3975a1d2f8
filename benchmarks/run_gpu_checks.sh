#!/usr/bin/env bash
# Run every benchmarks/*/gpu_check.py on a GPU machine without installing mstool:
# wheels in .whl/ (numpy, pydantic) go to /tmp/site, the source folders are linked
# into a `mstool` namespace under /tmp/pkg.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -d .whl ]; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl || exit 3
fi
mkdir -p /tmp/pkg/mstool
for folder in cli toolkit schemas; do ln -sfn "$PWD/$folder" "/tmp/pkg/mstool/$folder"; done
export PYTHONPATH=/tmp/site:/tmp/pkg PYTHONUNBUFFERED=1
status=0
python3 benchmarks/gpu_probe.py || status=1
for check in benchmarks/*/gpu_check.py; do
    echo "=== $check"
    timeout "${GPU_CHECK_TIMEOUT:-150}" python3 "$check" || { echo "FAILED: $check"; status=1; }
done
exit $status
