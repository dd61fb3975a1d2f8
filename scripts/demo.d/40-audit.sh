# Audit: attacks and natural perturbations on the bundled digits CNN, then inspect the artifact.
set -euo pipefail
"$MSTOOL" audit recipes/audit.yaml --limit 40 --set "attacks=[{name: fgsm, eps: [0.8, 1.6]}, {name: pgd, eps: [0.8, 1.6]}, {name: deepfool, eps: [4.0, 8.0]}, {name: square, eps: [1.6], queries: 200}]" --set "perturbations=[{name: gaussian_noise, severities: [1, 3, 5]}, {name: rotation, severities: [1, 3, 5]}]" -o "$DEMO_OUT/audit"
"$MSTOOL" inspect "$DEMO_OUT/audit/audit-report.h5" > /dev/null
echo "audit report: $DEMO_OUT/audit/report.html"
