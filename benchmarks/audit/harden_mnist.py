"""Adversarial training on MNIST at Linf 0.3 (the Madry setting), with a declared split.

The only MNIST here is the 10,000-image MNIST test set (../shared/data/mnist), split once:

* images 0-6,999: training;
* images 7,000-7,999: development split: every choice of the schedule below was made on it
  (stages 1-2 on PGD-20 accuracy on its first 300 images; stages 3-5 and the epochs kept on
  APGD-CE accuracy on its first 400, printed during training);
* images 8,000-9,999: held-out test, evaluated once at the end (``--test N``) with the
  standard evaluation (APGD-CE, APGD-T, DeepFool-Linf, Square).

The network is Madry et al.'s MNIST CNN (conv 32 5x5, pool, conv 64 5x5, pool, dense 1024
``features``, dense 10). Training is ``adversarial_train`` (toolkit/audit/harden.py) in five
stages (``STAGES``): "fast" FGSM with a random start (Wong et al. 2020, step 1.25 eps) with
an eps ramp, then PGD (7 steps of 0.1, random start) fine-tuning, then more PGD epochs with
the finer step eps/4 and an exponential moving average of the weights, then PGD-10 at a lower
learning rate, then PGD-10 at the larger training budget eps 0.35; stages 3-5 keep the epoch
of best development APGD accuracy. Each stage checkpoints its model after every epoch
(atomically) beside ``--out``.

Reproduce (about two hours on 2 cores), then audit the result with the shipped recipe:

    .venv/bin/python benchmarks/audit/harden_mnist.py --out mnist-out/mnist_madry.keras
    mstool audit recipes/adversarial_mnist.yaml

``--data-dir`` (default: the folder of ``--out``) receives mnist_train.npz, mnist_dev.npz and
mnist_test.npz, the splits above, which the recipe reads. ``--test N`` also runs the standard
evaluation here, in chunks of ``--chunk`` images (one JSON line each); ``--quick`` takes the
cheaper attack settings; ``--baseline`` trains the same network without attacks (the
"before" model of the docs' table). ``--stage NAME --set key=value`` re-runs one stage with
changes (development).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_art import read_mnist  # noqa: E402 - the same MNIST reader as the attack benchmark

TRAIN, DEV, TEST = slice(0, 7000), slice(7000, 8000), slice(8000, 10000)
EPS = 0.3
# stage 1 ran 22 epochs of a 50-epoch cosine: its development PGD accuracy had stalled far
# below its FGSM training accuracy (0.58 vs 0.91), so stage 2 fine-tunes with PGD
STAGES = {
    "fgsm-rs": {"steps": 1, "step_size": 0.375, "epochs": 22, "schedule_epochs": 50, "learning_rate": 1e-3,
                "eps_ramp_epochs": 5, "lr_schedule": "cosine", "shift": 2, "seed": 0},
    "pgd": {"steps": 7, "step_size": 0.1, "epochs": 10, "learning_rate": 5e-4, "eps_ramp_epochs": 0,
            "lr_schedule": "cosine", "shift": 2, "seed": 1},
    # stage 2 ended at 0.8625 APGD-CE accuracy on 400 development images with its training
    # accuracy still rising: more PGD epochs, the finer step eps/4, an average of the weights
    # (EMA); development APGD-CE rose to 0.9125 at epoch 18 (kept) and fell to 0.9025 by 22
    "pgd-ema": {"steps": 7, "step_size": 0.075, "epochs": 22, "learning_rate": 3e-4, "eps_ramp_epochs": 0,
                "lr_schedule": "cosine", "shift": 2, "ema": 0.998, "seed": 2, "keep_best": True},
    # stage 3 kept epoch 18 (0.9125): a stronger training attack (PGD-10, step eps/6) at a lower
    # learning rate, the same shifts and EMA; development APGD-CE 0.9075-0.9175 over its 10
    # epochs (epoch 7 kept), no clear gain
    "pgd-ft": {"steps": 10, "step_size": 0.05, "epochs": 10, "learning_rate": 1e-4, "eps_ramp_epochs": 0,
               "lr_schedule": "cosine", "shift": 2, "ema": 0.998, "seed": 3, "keep_best": True},
    # then training at a larger budget than the evaluated one (eps 0.35, PGD-10 of 0.06): 0.9125,
    # 0.9125, 0.920 (epoch 3, kept), 0.9175, 0.9175, 0.920; stopped after 6 of its 10-epoch cosine
    # (the time allowed)
    "pgd-eps35": {"eps": 0.35, "steps": 10, "step_size": 0.06, "epochs": 6, "schedule_epochs": 10,
                  "learning_rate": 1e-4, "eps_ramp_epochs": 0, "lr_schedule": "cosine", "shift": 2,
                  "ema": 0.998, "seed": 4, "keep_best": True},
}


def madry_cnn():  # noqa: ANN201 - a Keras model
    """Madry et al.'s MNIST network (logits out)."""
    import keras

    layers = keras.layers
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(1024, activation="relu", name="features"),
        layers.Dense(10),
    ])


def clean_baseline(x, y, out: Path, epochs: int = 2):  # noqa: ANN001, ANN201
    """The same network trained the ordinary way on the training split (the "before" model)."""
    import keras

    from mstool.toolkit.audit.harden import save_model

    keras.utils.set_random_seed(0)
    model = madry_cnn()
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x[TRAIN], y[TRAIN], batch_size=64, epochs=epochs, verbose=0)
    save_model(model, out)
    return model


def write_splits(folder: Path, x: np.ndarray, y: np.ndarray) -> None:
    """The declared splits as .npz files (x in [0, 1], (N, 28, 28, 1); y) for the audit recipe."""
    from mstool.toolkit.io.atomic import atomic_write_path

    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train", TRAIN), ("dev", DEV), ("test", TEST)):
        with atomic_write_path(folder / f"mnist_{name}.npz") as tmp, open(tmp, "wb") as f:
            np.savez_compressed(f, x=x[rows], y=y[rows])


def dev_apgd_accuracy(clf, x, y) -> tuple[float, float]:  # noqa: ANN001
    """Clean and APGD-CE (the standard evaluation's first attack, --quick settings: 20 steps)
    accuracy on the development split. PGD-20 overrated the stage-2 model (0.917 against 0.877
    under APGD on the same images), so APGD is the development check."""
    from mstool.toolkit.audit.attacks import attack

    clean = float((clf.predict(x, count=False) == y).mean())
    x_adv = attack(clf, x, y, "apgd", eps=EPS, seed=1, quick=True)
    return clean, float((clf.predict(x_adv, count=False) == y).mean())


def stage_settings(options: dict):  # noqa: ANN201 - (HardenSettings, bool)
    """A stage's ``HardenSettings`` (budget ``EPS`` unless the stage trains at another ``eps``,
    batch 64) and whether it keeps the epoch of best development accuracy.

    >>> settings, keep_best = stage_settings(STAGES["pgd-ema"])
    >>> settings.eps, settings.steps, settings.ema, keep_best
    (0.3, 7, 0.998, True)
    """
    from mstool.toolkit.audit.harden import HardenSettings

    options = dict(options)
    keep_best = options.pop("keep_best", False)
    return HardenSettings(**{"eps": EPS, "batch_size": 64, **options}), keep_best


def train_stage(name: str, options: dict, model, x, y, out: Path, log: Path,  # noqa: ANN001, ANN201
                dev_every: int, dev_samples: int):
    """One stage of ``STAGES``: adversarial training, the model saved after every epoch beside
    ``out`` (``*.last.keras``, to resume); with ``keep_best`` in its options ``out`` is the epoch
    of best development APGD accuracy (early stopping against robust overfitting), otherwise the
    last epoch."""
    from mstool.toolkit.audit.harden import adversarial_train, live_classifier, save_model
    from mstool.toolkit.audit.models import Preprocess

    pre = Preprocess(input_range=(0.0, 1.0))
    settings, keep_best = stage_settings(options)
    clf = live_classifier(model, pre)
    x_dev, y_dev = x[DEV][:dev_samples], y[DEV][:dev_samples]
    last = out.with_name(f"{out.stem}.last{out.suffix}")
    best = {"dev_apgd": -1.0}

    def checkpoint(stats: dict) -> None:
        save_model(model, last)
        if stats["epoch"] % dev_every == 0 or stats["epoch"] == settings.epochs:
            clean, robust = dev_apgd_accuracy(clf, x_dev, y_dev)
            stats = {**stats, "dev_clean": clean, "dev_apgd": robust}
            if robust > best["dev_apgd"]:
                best.update(stats)
                if keep_best:
                    save_model(model, out)
        if not keep_best:
            save_model(model, out)
        stats = {"stage": name, **stats, "time": time.strftime("%H:%M:%S")}
        with log.open("a") as f:
            f.write(json.dumps(stats) + "\n")
        print(json.dumps(stats), flush=True)

    adversarial_train(model, x[TRAIN], y[TRAIN], settings, pre, on_epoch_end=checkpoint)
    print(json.dumps({"stage": name, "kept": best}), flush=True)
    import keras

    return keras.models.load_model(out, compile=False)


def evaluate_test(model, x, y, chunk: int, quick: bool, log: Path) -> None:  # noqa: ANN001
    """The standard evaluation on the held-out test images, in chunks (one JSON line each, so a
    run cut short still reports the chunks it finished), with the running total."""
    from mstool.toolkit.audit.harden import live_classifier
    from mstool.toolkit.audit.models import Preprocess
    from mstool.toolkit.audit.standard import standard_evaluation

    clf = live_classifier(model, Preprocess(input_range=(0.0, 1.0)))
    robust, clean, done = 0.0, 0.0, 0
    per_attack: dict[str, float] = {}
    for start in range(0, len(y), chunk):
        t0 = time.perf_counter()
        xs, ys = x[start:start + chunk], y[start:start + chunk]
        res = standard_evaluation(clf, xs, ys, eps=EPS, seed=start, quick=quick,
                                  step=lambda m: print(m, file=sys.stderr, flush=True)).as_dict()
        done += len(ys)
        robust += res["robust_accuracy"] * len(ys)
        clean += res["clean_accuracy"] * len(ys)
        for a in res["attacks"]:
            per_attack[a["attack"]] = per_attack.get(a["attack"], 0.0) + a["robust_accuracy"] * len(ys)
        line = {"chunk": [start, start + len(ys)], "quick": quick, **res,
                "seconds": round(time.perf_counter() - t0, 1), "time": time.strftime("%H:%M:%S"),
                "total_so_far": {"samples": done, "clean_accuracy": round(clean / done, 4),
                                 "robust_accuracy": round(robust / done, 4),
                                 "after_attack": {k: round(v / done, 4) for k, v in per_attack.items()}}}
        print(json.dumps(line, default=str), flush=True)
        with log.open("a") as f:
            f.write(json.dumps(line, default=str) + "\n")


def main() -> None:
    import keras

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="the hardened model (.keras)")
    ap.add_argument("--data-dir", type=Path, default=None, help="where the split .npz files go")
    ap.add_argument("--stage", choices=sorted(STAGES), default=None, help="run only this stage")
    ap.add_argument("--init", type=Path, default=None, help="start from this model (with --stage)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="change a stage option")
    ap.add_argument("--dev-every", type=int, default=2)
    ap.add_argument("--dev-samples", type=int, default=300)
    ap.add_argument("--test", type=int, default=0, help="held-out test images for the standard evaluation")
    ap.add_argument("--chunk", type=int, default=250, help="test images per standard-evaluation chunk")
    ap.add_argument("--quick", action="store_true", help="cheaper standard-evaluation settings")
    ap.add_argument("--evaluate-only", action="store_true", help="skip training; evaluate the model at --out")
    ap.add_argument("--baseline", action="store_true",
                    help="train the network without attacks instead (the 'before' model) into --out")
    args = ap.parse_args()

    x, y = read_mnist()
    write_splits(args.data_dir or args.out.parent, x, y)
    log = args.out.with_suffix(".log.jsonl")
    if args.evaluate_only:
        model = keras.models.load_model(args.out, compile=False)
    elif args.baseline:
        model = clean_baseline(x, y, args.out)
    else:
        names = [args.stage] if args.stage else list(STAGES)
        model = keras.models.load_model(args.init, compile=False) if args.init else None
        for name in names:
            options = dict(STAGES[name])
            for item in args.set:
                key, value = item.split("=", 1)
                options[key] = type(options.get(key, 0.0))(value)
            keras.utils.set_random_seed(options["seed"])
            model = model or madry_cnn()
            stage_out = args.out if name == names[-1] else args.out.with_name(f"{args.out.stem}.{name}.keras")
            train_stage(name, options, model, x, y, stage_out, log, args.dev_every, args.dev_samples)
    if args.test:
        from mstool.toolkit.audit.data import select_samples

        # the same stratified, seeded selection as the recipe's data.limit (seed 0)
        rows = select_samples(y[TEST], args.test, seed=0)
        evaluate_test(model, x[TEST][rows], y[TEST][rows], args.chunk, args.quick, log)


if __name__ == "__main__":
    main()
