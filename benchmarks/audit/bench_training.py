"""Adversarial training time: mstool's adversarial_train against ART's AdversarialTrainerMadryPGD.

Same model (the hardening demo's digits baseline, a fresh copy for each), same data
(recipes/data/train/digits_train.npz), same attack (Linf PGD, eps 0.15, 10 steps of
eps/4 with one random start, every example adversarial), same batch size and optimiser
(Adam, lr 0.002), same number of epochs, in one process. Prints seconds per epoch, the
ratio, and each trained model's accuracy under mstool's field-strength PGD on the 360
held-out digits at eps 0.1.

Run: .venv-bench/bin/python benchmarks/audit/bench_training.py [--epochs 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "recipes" / "data" / "audit" / "digits_cnn_baseline.keras"
TRAIN = ROOT / "recipes" / "data" / "train"
EPS, STEPS, BATCH, LR = 0.15, 10, 64, 2e-3


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(TRAIN / name) as data:
        return data["x"].astype(np.float32), data["y"].astype(np.int64)


def art_train(epochs: int, x: np.ndarray, y: np.ndarray) -> tuple[object, float]:
    import keras
    import tensorflow as tf
    from art.defences.trainer import AdversarialTrainerMadryPGD
    from art.estimators.classification import TensorFlowV2Classifier

    model = keras.models.load_model(BASELINE, compile=False)
    clf = TensorFlowV2Classifier(
        model=model, nb_classes=10, input_shape=(8, 8, 1), clip_values=(0.0, 1.0),
        loss_object=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=tf.keras.optimizers.Adam(LR),
    )
    trainer = AdversarialTrainerMadryPGD(clf, nb_epochs=epochs, batch_size=BATCH, eps=EPS,
                                         eps_step=2.5 * EPS / STEPS, max_iter=STEPS, num_random_init=1)
    start = time.perf_counter()
    trainer.fit(x, y)
    return model, (time.perf_counter() - start) / epochs


def mstool_train(epochs: int, x: np.ndarray, y: np.ndarray) -> tuple[object, float]:
    import keras

    from mstool.toolkit.audit.harden import HardenSettings, adversarial_train

    model = keras.models.load_model(BASELINE, compile=False)
    settings = HardenSettings(eps=EPS, steps=STEPS, epochs=epochs, batch_size=BATCH, learning_rate=LR)
    start = time.perf_counter()
    adversarial_train(model, x, y, settings)
    return model, (time.perf_counter() - start) / epochs


def robust_accuracy(model: object, x: np.ndarray, y: np.ndarray) -> float:
    from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack
    from mstool.toolkit.audit.attacks.base import resolve_params
    from mstool.toolkit.audit.harden import live_classifier
    from mstool.toolkit.audit.models import Preprocess

    clf = live_classifier(model, Preprocess())
    spec = get_attack("pgd")
    job = AttackJob(clf, x, y, 0.1, np.random.default_rng(0), params=resolve_params(spec, {}, "bench"))
    return float((clf.predict(run_attack(spec, job)) == y).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args, _ = parser.parse_known_args()
    import keras

    keras.utils.set_random_seed(0)
    x, y = load("digits_train.npz")
    x_test, y_test = load("digits_test.npz")
    print(f"# {len(x)} training digits, {args.epochs} epochs, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    art_model, art_epoch = art_train(args.epochs, x, y)
    ms_model, ms_epoch = mstool_train(args.epochs, x, y)
    print("| trainer | s / epoch | PGD-40 accuracy at eps 0.1 (360 held out) |")
    print("|---|---|---|")
    for name, model, seconds in (("ART AdversarialTrainerMadryPGD", art_model, art_epoch),
                                 ("mstool adversarial_train", ms_model, ms_epoch)):
        print(f"| {name} | {seconds:.2f} | {robust_accuracy(model, x_test, y_test):.3f} |")
    print(f"mstool / ART time per epoch: {ms_epoch / art_epoch:.2f}x")


if __name__ == "__main__":
    main()
