"""mstool audit attacks side by side with IBM ART on the same Keras model, data and budgets.

The model is the bundled small CNN on scikit-learn's 8x8 digits (inputs in [0, 1]);
the samples are held-out digits the model never saw. For every attack the script
prints accuracy under attack for both tools and the wall-time and CPU-time ratios
(ART / mstool), each measured in this run after a warm-up on two samples.
ART gets its best batch size: every attack that takes one runs at each size in
``--art-batch-sizes`` (default 32 and all samples at once) and the fastest counts.
``standard`` compares ``mstool audit --standard`` with ART's AutoAttack (the same four
attacks); ``--training`` times adversarial training against ART's AdversarialTrainerMadryPGD.

Run: .venv-bench-audit/bin/python benchmarks/audit/bench_art.py [--samples 100] [--slow-samples 30]
(the bench venv has mstool installed plus benchmarks/audit/requirements.txt);
``--dataset mnist`` first trains a small CNN on ../shared/data/mnist (cached in .cache/).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "recipes" / "data" / "audit" / "digits_cnn.keras"
DATA = ROOT / "recipes" / "data" / "audit" / "digits_test.npz"


SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"
CACHE = Path(__file__).resolve().parent / ".cache"


def load_data(n: int, dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """Held-out samples in [0, 1]: the bundled digits, or the last MNIST test images."""
    if dataset == "mnist":
        x, y = read_mnist()
        return x[-n:], y[-n:]
    with np.load(DATA) as d:
        x, y = (d["x"][:, :, :, None] / 16.0).astype(np.float32), d["y"].astype(np.int64)
    return x[:n], y[:n]


def read_mnist() -> tuple[np.ndarray, np.ndarray]:
    import gzip

    with gzip.open(SHARED_MNIST / "t10k-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)
    with gzip.open(SHARED_MNIST / "t10k-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return (x / 255.0).astype(np.float32), y.astype(np.int64)


def mnist_model() -> Path:
    """A small CNN trained on the first 8,000 MNIST test images (cached; the last 2,000 are held out)."""
    import keras

    path = CACHE / "mnist_cnn.keras"
    if path.exists():
        return path
    x, y = read_mnist()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dense(10),
    ])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x[:8000], y[:8000], epochs=3, batch_size=64, verbose=0)
    CACHE.mkdir(exist_ok=True)
    model.save(path)
    return path


def timed(fn: Callable[[], np.ndarray], repeats: int) -> tuple[np.ndarray, float, float]:
    """Run ``fn`` ``repeats`` times; the result and the median wall and CPU seconds."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return out, float(np.median(walls)), float(np.median(cpus))


def accuracy_at(predict: Callable, x: np.ndarray, x_adv: np.ndarray, y: np.ndarray, norm: str,
                eps: float | None) -> float:
    """Accuracy when perturbations larger than ``eps`` (in ``norm``) count as failed attacks."""
    delta = (x_adv - x).reshape(len(x), -1)
    size = np.abs(delta).max(axis=1) if norm == "linf" else np.sqrt((delta ** 2).sum(axis=1))
    keep = np.ones(len(x), bool) if eps is None else size <= eps * (1 + 1e-5) + 1e-6
    final = np.where(keep[:, None, None, None], x_adv, x)
    return float((predict(final) == y).mean())


def art_classifier(model, shape: tuple) -> object:  # noqa: ANN001
    import tensorflow as tf
    from art.estimators.classification import TensorFlowV2Classifier

    return TensorFlowV2Classifier(
        model=model, nb_classes=10, input_shape=shape, clip_values=(0.0, 1.0),
        loss_object=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))


def art_attacks(clf, n: int) -> dict[str, Callable]:  # noqa: ANN001
    from art.attacks.evasion import (
        AutoAttack,
        CarliniL2Method,
        DeepFool,
        FastGradientMethod,
        HopSkipJump,
        ProjectedGradientDescent,
        SquareAttack,
    )

    return {
        "fgsm": lambda eps: FastGradientMethod(clf, norm=np.inf, eps=eps, batch_size=n),
        "pgd": lambda eps: ProjectedGradientDescent(clf, norm=np.inf, eps=eps, eps_step=eps / 4, max_iter=10,
                                                    num_random_init=0, batch_size=n, verbose=False),
        "cw": lambda eps: CarliniL2Method(clf, confidence=0.0, max_iter=10, binary_search_steps=10,
                                          learning_rate=0.01, initial_const=0.01, batch_size=n,
                                          verbose=False),
        "deepfool": lambda eps: DeepFool(clf, max_iter=100, epsilon=1e-6, nb_grads=10, batch_size=n,
                                         verbose=False),
        "square": lambda eps: SquareAttack(clf, norm=np.inf, eps=eps, max_iter=300, p_init=0.8, nb_restarts=1,
                                           batch_size=n, verbose=False),
        "hopskipjump": lambda eps: HopSkipJump(clf, norm=2, max_iter=20, max_eval=1000, init_eval=100,
                                               init_size=100, batch_size=n, verbose=False),
        # ART's default AutoAttack ensemble: APGD-CE, APGD-DLR, DeepFool, Square (5000 queries)
        "standard": lambda eps: AutoAttack(clf, norm=np.inf, eps=eps, eps_step=eps / 4, batch_size=n),
    }


MSTOOL_PARAMS = {
    "fgsm": {},
    "pgd": {"steps": 10, "random_start": False},
    "cw": {},
    "deepfool": {"max_iter": 100},
    "square": {"queries": 300},
    "hopskipjump": {"max_iter": 20, "max_eval": 1000, "init_eval": 100, "queries": 100000},
    "standard": {},
}
# (norm, budgets at which accuracy is compared); minimal attacks run once and are thresholded
CASES = {
    "fgsm": ("linf", [0.1, 0.2]),
    "pgd": ("linf", [0.1, 0.2]),
    "cw": ("l2", [0.5, 1.0, None]),
    "deepfool": ("l2", [0.5, 1.0, None]),
    "square": ("linf", [0.1, 0.2]),
    "hopskipjump": ("l2", [0.5, 1.0, None]),
    "standard": ("linf", [0.1]),
}
MINIMAL = {"cw", "deepfool", "hopskipjump"}


def mstool_runner(clf, name: str, x: np.ndarray, y: np.ndarray, eps: float | None, seed: int):  # noqa: ANN001, ANN201
    from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack
    from mstool.toolkit.audit.attacks.base import resolve_params

    if name == "standard":
        from mstool.toolkit.audit.standard import standard_evaluation

        return lambda: standard_evaluation(clf, x, y, eps, seed=seed, checks=False).x_worst
    spec = get_attack(name)
    params = resolve_params(spec, MSTOOL_PARAMS[name], "bench")

    def run() -> np.ndarray:
        job = AttackJob(clf, x, y, eps, np.random.default_rng(seed), norm=params.get("norm", spec.norm),
                        params=dict(params))
        return run_attack(spec, job)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--slow-samples", type=int, default=30, help="samples for CW and HopSkipJump")
    parser.add_argument("--attacks", default=",".join(CASES))
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats for FGSM and PGD")
    parser.add_argument("--dataset", choices=("digits", "mnist"), default="digits",
                        help="digits: bundled 8x8 CNN; mnist: a CNN trained here on ../shared/data/mnist")
    parser.add_argument("--art-batch-sizes", default="32,all",
                        help="ART batch sizes tried per attack; the fastest counts")
    parser.add_argument("--training", action="store_true",
                        help="time adversarial training against ART's AdversarialTrainerMadryPGD instead")
    args = parser.parse_args()
    if args.training:
        from bench_training import main as training_main

        training_main()
        return

    import keras
    import tensorflow as tf

    from mstool.toolkit.audit.models import Preprocess, check_compatible, load_classifier

    np.random.seed(0)
    tf.random.set_seed(0)
    model_path = mnist_model() if args.dataset == "mnist" else MODEL
    keras_model = keras.models.load_model(model_path, compile=False)
    art_clf = art_classifier(keras_model, tuple(keras_model.input_shape[1:]))
    rows = []
    x_all, y_all = load_data(args.samples, args.dataset)
    clean = float((keras_model.predict(x_all, verbose=0).argmax(axis=1) == y_all).mean())
    print(f"# model {model_path.name}, clean accuracy {clean:.3f} on {len(y_all)}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name in args.attacks.split(","):
        n = args.slow_samples if name in ("cw", "hopskipjump") else args.samples
        x, y = load_data(n, args.dataset)
        ours = load_classifier(model_path, Preprocess())
        check_compatible(ours, x, y, "bench")
        repeats = args.repeats if name in ("fgsm", "pgd") else 1
        sizes = [len(x) if b == "all" else min(int(b), len(x)) for b in args.art_batch_sizes.split(",")]
        rows += run_case(name, art_clf, ours, x, y, repeats, sorted(set(sizes)))
    print("\n| attack | n | budget | ART batch | ART acc | mstool acc | ART s | mstool s | wall ratio "
          "| CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(_format(row))


def best_art_run(name: str, art_clf, x: np.ndarray, y: np.ndarray, eps: float | None, repeats: int,  # noqa: ANN001
                 sizes: list[int]) -> tuple[np.ndarray, float, float, int]:
    """ART at each batch size (after a warm-up); the fastest run's output, times and batch size."""
    best = None
    for size in sizes:
        attack = art_attacks(art_clf, size)[name](eps if eps is not None else 0.0)
        attack.generate(x[:2], y=y[:2])  # warm-up
        adv, wall, cpu = timed(lambda a=attack: a.generate(x, y=y), repeats)
        print(f"#   ART {name} batch {size}: {wall:.2f} s", flush=True)
        if best is None or wall < best[1]:
            best = (adv, wall, cpu, size)
    return best


def run_case(name: str, art_clf, ours, x: np.ndarray, y: np.ndarray, repeats: int,  # noqa: ANN001
             sizes: list[int]) -> list[tuple]:
    """One attack at its budgets through both tools; rows of the comparison table."""
    n = len(x)
    norm, budgets = CASES[name]
    rows = []

    def predict(v: np.ndarray) -> np.ndarray:
        return ours.predict(v, count=False)

    for eps in [None] if name in MINIMAL else budgets:
        adv_art, art_wall, art_cpu, size = best_art_run(name, art_clf, x, y, eps, repeats, sizes)
        mstool_runner(ours, name, x[:2], y[:2], eps, 1)()
        adv_ms, ms_wall, ms_cpu = timed(mstool_runner(ours, name, x, y, eps, 0), repeats)
        for budget in budgets if name in MINIMAL else [eps]:
            acc_art = accuracy_at(predict, x, adv_art, y, norm, budget)
            acc_ms = accuracy_at(predict, x, adv_ms, y, norm, budget)
            rows.append((name, n, norm, budget, acc_art, acc_ms, art_wall, ms_wall, art_cpu, ms_cpu, size))
            print(_format(rows[-1]), flush=True)
    return rows


def _format(row: tuple) -> str:
    name, n, norm, budget, acc_art, acc_ms, aw, mw, ac, mc, size = row
    b = "unbounded" if budget is None else f"{norm} {budget:g}"
    return (f"| {name} | {n} | {b} | {size} | {acc_art:.3f} | {acc_ms:.3f} | {aw:.2f} | {mw:.2f} "
            f"| {aw / mw:.1f}x | {ac / max(mc, 1e-9):.1f}x |")


if __name__ == "__main__":
    main()
