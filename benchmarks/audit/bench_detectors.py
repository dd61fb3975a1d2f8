"""Detectors on MNIST: ROC AUC against PGD and CW, and the robust accuracy of the
detector-guarded model against the non-adaptive attacks and the adaptive attack (PGD on the
classifier and the detector together), for feature squeezing and Mahalanobis.

Model: a small CNN (conv 16, conv 32, dense 64 named ``features``, dense 10) trained for
``--epochs`` on the first 8,000 images of ../shared/data/mnist (the MNIST test set, the only
MNIST here); Mahalanobis Gaussians on the ``features`` layer of ``--gaussians`` of those same
training images (clean training samples only). Evaluation on ``--samples`` of the last 2,000
images: the correctly classified ones split into a validation half (threshold at 5% false
positives) and a test half (everything reported). PGD Linf at ``--eps`` (field-strength
defaults), CW unbounded; the adaptive attack is Linf PGD at the same eps, 100 steps, lambda
1 then 10. No tuning: the detectors are used as published, so there is no development split.

Run: .venv/bin/python benchmarks/audit/bench_detectors.py --samples 200 --eps 0.3
Writes benchmarks/results/audit_detectors/detectors-<time>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_art import read_mnist  # noqa: E402 - the same MNIST reader as the attack benchmark

RESULTS = HERE.parents[0] / "results" / "audit_detectors"
CACHE = HERE / ".cache"


def train_model(epochs: int) -> Path:
    import keras

    path = CACHE / f"mnist_detector_cnn_e{epochs}.keras"
    if path.exists():
        return path
    x, y = read_mnist()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu", name="features"),
        keras.layers.Dense(10),
    ])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x[:8000], y[:8000], epochs=epochs, batch_size=64, verbose=0)
    CACHE.mkdir(exist_ok=True)
    model.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--eps", type=float, default=0.3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--gaussians", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="cheaper attack defaults")
    args = parser.parse_args()

    from mstool.toolkit.audit.detectors import evaluate_detection, keras_layer_features
    from mstool.toolkit.audit.models import Preprocess, check_compatible, load_classifier

    x, y = read_mnist()
    start = time.perf_counter()
    path = train_model(args.epochs)
    clf = load_classifier(path, Preprocess())
    x_eval, y_eval = x[8000:8000 + args.samples], y[8000:8000 + args.samples]
    check_compatible(clf, x_eval, y_eval, "mnist")
    clean = float((clf.predict(x_eval, count=False) == y_eval).mean())
    train = (x[:args.gaussians], y[:args.gaussians])
    runs = []
    for name, features in (("feature_squeezing", None),
                           ("mahalanobis", keras_layer_features(path, "features", clf))):
        t0 = time.perf_counter()
        result = evaluate_detection(clf, x_eval, y_eval, args.eps, 0.05, seed=0, quick=args.quick,
                                    detector=name, features_tf=features, train=train)
        result["seconds"] = round(time.perf_counter() - t0, 1)
        runs.append(result)
        print(f"{name}: {result['seconds']} s", file=sys.stderr)
    doc = {
        "command": " ".join(["bench_detectors.py", *sys.argv[1:]]),
        "load_average": os.getloadavg(),
        "model": {"epochs": args.epochs, "train_images": 8000, "clean_accuracy": clean},
        "eps": args.eps, "samples": args.samples, "gaussians": args.gaussians, "quick": args.quick,
        "seconds": round(time.perf_counter() - start, 1),
        "detectors": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"detectors-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.write_text(json.dumps(doc, indent=1, default=float))
    print(f"clean accuracy {clean:.3f} on {args.samples} held-out images; wrote {out}")
    print("| detector | attack | adversarials | ROC AUC | detected at 5% FPR | accuracy | guarded accuracy |")
    print("|---|---|---|---|---|---|---|")
    for run in runs:
        for a in run["attacks"]:
            rate = "-" if a["detection_rate"] is None else f"{a['detection_rate']:.2f}"
            print(f"| {run['name']} | {a['attack']} | {a['adversarials']} | {a['roc_auc']:.3f} | {rate} | "
                  f"{a['accuracy']:.2f} | {a['guarded_accuracy']:.2f} |")
    for run in runs:
        print(f"{run['name']}: false positives {run['false_positive_rate']:.3f} on "
              f"{run['samples']['test']} test images, guarded robust accuracy "
              f"{run['guarded_robust_accuracy']:.3f}, {run['seconds']} s")


if __name__ == "__main__":
    main()
