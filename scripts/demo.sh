#!/usr/bin/env bash
# Run every demo step in scripts/demo.d/ in name order; each is a short real job.
set -euo pipefail
cd "$(dirname "$0")/.."
export MSTOOL_PYTHON="${MSTOOL_PYTHON:-.venv/bin/python}"
export MSTOOL="${MSTOOL:-.venv/bin/mstool}"
export DEMO_OUT="${DEMO_OUT:-demo-out}"
mkdir -p "$DEMO_OUT"
for step in scripts/demo.d/*.sh; do
    echo "== $(basename "$step" .sh)"
    bash "$step"
done
