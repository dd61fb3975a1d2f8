"""Adversarial training time: mstool's adversarial_train against ART's AdversarialTrainerMadryPGD.

Same model (the hardening demo's digits baseline, a fresh copy for each call), same data
(recipes/data/train/digits_train.npz), same attack (Linf PGD, eps 0.15, 10 steps of
eps/4 with one random start, every example adversarial), same batch size and optimiser
(Adam, lr 0.002), same number of epochs. Each trainer runs in its own warm process through
benchmarks/runner.py (ART from its bench venv), interleaved with repeats, on the same
TensorFlow thread count; the timed call is one whole training. The outputs check compares
each trained model's accuracy under mstool's field-strength PGD on the 360 held-out digits
at eps 0.1 (within 0.05).

Run: .venv/bin/python benchmarks/audit/bench_training.py --epochs 3 --art-python BENCH_VENV/bin/python
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "recipes" / "data" / "audit" / "digits_cnn_baseline.keras"
TRAIN = ROOT / "recipes" / "data" / "train"
EPS, STEPS, BATCH, LR = 0.15, 10, 64, 2e-3


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(TRAIN / name) as data:
        return data["x"].astype(np.float32), data["y"].astype(np.int64)


def art_engine(epochs: int, samples: int):
    """Runner factory: ART's AdversarialTrainerMadryPGD on a fresh copy of the baseline per call."""
    import keras
    import tensorflow as tf
    from art.defences.trainer import AdversarialTrainerMadryPGD
    from art.estimators.classification import TensorFlowV2Classifier

    x, y = load("digits_train.npz")
    x, y = x[:samples], y[:samples]

    def run():
        keras.utils.set_random_seed(0)
        model = keras.models.load_model(BASELINE, compile=False)
        clf = TensorFlowV2Classifier(
            model=model,
            nb_classes=10,
            input_shape=(8, 8, 1),
            clip_values=(0.0, 1.0),
            loss_object=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            optimizer=tf.keras.optimizers.Adam(LR),
        )
        trainer = AdversarialTrainerMadryPGD(
            clf,
            nb_epochs=epochs,
            batch_size=BATCH,
            eps=EPS,
            eps_step=2.5 * EPS / STEPS,
            max_iter=STEPS,
            num_random_init=1,
        )
        trainer.fit(x, y)
        return lambda: {"pgd_accuracy_eps_0.1": held_out_robust_accuracy(model)}

    return {"run": run, "settings": {"epochs": epochs, "batch_size": BATCH, "samples": len(x)}}


def mstool_engine(epochs: int, samples: int):
    """Runner factory: mstool's adversarial_train on a fresh copy of the baseline per call."""
    import keras

    from mstool.toolkit.audit.harden import HardenSettings, adversarial_train

    x, y = load("digits_train.npz")
    x, y = x[:samples], y[:samples]
    settings = HardenSettings(eps=EPS, steps=STEPS, epochs=epochs, batch_size=BATCH, learning_rate=LR)

    def run():
        keras.utils.set_random_seed(0)
        model = keras.models.load_model(BASELINE, compile=False)
        adversarial_train(model, x, y, settings)
        return lambda: {"pgd_accuracy_eps_0.1": held_out_robust_accuracy(model)}

    return {"run": run, "settings": {"epochs": epochs, "batch_size": BATCH, "samples": len(x)}}


def held_out_robust_accuracy(model: object) -> float:
    x_test, y_test = load("digits_test.npz")
    return robust_accuracy(model, x_test, y_test)


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
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=None, help="training digits (default all)")
    parser.add_argument("--threads", type=int, default=2, help="TensorFlow threads of both trainers")
    parser.add_argument("--art-python", default=sys.executable, help="python of the venv with ART")
    parser.add_argument("--training", action="store_true", help=argparse.SUPPRESS)  # from bench_art.py
    args = runner.parse_args(parser=parser)
    epochs, samples = (
        (1, 256) if args.quick else (args.epochs, args.samples or len(load("digits_train.npz")[0]))
    )
    this = str(Path(__file__).resolve())
    env = {"TF_CPP_MIN_LOG_LEVEL": "3"}
    engines = [
        runner.Engine(
            "mstool adversarial_train",
            f"{this}:mstool_engine",
            threads=args.threads,
            env=env,
            packages=("mstool", "tensorflow-cpu", "keras"),
        ),
        runner.Engine(
            "ART AdversarialTrainerMadryPGD",
            f"{this}:art_engine",
            python=args.art_python,
            threads=args.threads,
            env=env,
            packages=("adversarial-robustness-toolbox", "tensorflow-cpu"),
        ),
    ]
    case = runner.Case(
        f"{epochs} epochs, {samples} digits",
        {"epochs": epochs, "samples": samples},
        units=epochs,
        unit_name="epochs",
    )
    runner.run(
        "audit",
        "bench_training",
        engines,
        [case],
        args=args,
        rtol=0.0,
        atol=0.05,
        params={"epochs": epochs, "samples": samples, "eps": EPS, "steps": STEPS, "batch": BATCH, "lr": LR},
    )


if __name__ == "__main__":
    main()
