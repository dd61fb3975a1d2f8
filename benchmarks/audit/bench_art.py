"""mstool audit attacks side by side with IBM ART on the same Keras model, data, budgets and schedule.

The model is the bundled small CNN on scikit-learn's 8x8 digits (inputs in [0, 1]);
the samples are held-out digits the model never saw. Each engine runs in its own warm
process through benchmarks/runner.py (ART from its bench venv), interleaved with repeats,
on the same TensorFlow thread count. ART runs at each batch size of ``--art-batch-sizes``
(a small sweep inside the same interleaved run; the fastest is ART's figure) and with
mstool's iteration schedule (CW: 8 binary-search steps x 50 Adam iterations, learning rate
0.1, initial constant 0.1; DeepFool: 50 iterations, overshoot 0.02, 10 candidate classes;
PGD: 10 steps of eps/4, no random start, one restart). The outputs check compares accuracy
under attack at each budget (within ``--accuracy-tolerance``).

Run: .venv/bin/python benchmarks/audit/bench_art.py --art-python /work/bench-audit/bin/python
``--dataset mnist`` first trains a small CNN on ../shared/data/mnist (cached in .cache/);
``--training`` times adversarial training against ART's AdversarialTrainerMadryPGD (not yet
on the runner).
"""

from __future__ import annotations

import argparse
import os
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
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x[:8000], y[:8000], epochs=3, batch_size=64, verbose=0)
    CACHE.mkdir(exist_ok=True)
    model.save(path)
    return path


def accuracy_at(
    predict: Callable, x: np.ndarray, x_adv: np.ndarray, y: np.ndarray, norm: str, eps: float | None
) -> float:
    """Accuracy when perturbations larger than ``eps`` (in ``norm``) count as failed attacks."""
    delta = (x_adv - x).reshape(len(x), -1)
    size = np.abs(delta).max(axis=1) if norm == "linf" else np.sqrt((delta**2).sum(axis=1))
    keep = np.ones(len(x), bool) if eps is None else size <= eps * (1 + 1e-5) + 1e-6
    final = np.where(keep[:, None, None, None], x_adv, x)
    return float((predict(final) == y).mean())


def art_classifier(model, shape: tuple) -> object:  # noqa: ANN001
    import tensorflow as tf
    from art.estimators.classification import TensorFlowV2Classifier

    return TensorFlowV2Classifier(
        model=model,
        nb_classes=10,
        input_shape=shape,
        clip_values=(0.0, 1.0),
        loss_object=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )


def art_attacks(clf, n: int) -> dict[str, Callable]:  # noqa: ANN001
    """ART's attacks with mstool's schedule (see MSTOOL_PARAMS), batch size ``n``."""
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
        "pgd": lambda eps: ProjectedGradientDescent(
            clf,
            norm=np.inf,
            eps=eps,
            eps_step=eps / 4,
            max_iter=10,
            num_random_init=0,
            batch_size=n,
            verbose=False,
        ),
        "cw": lambda eps: CarliniL2Method(
            clf,
            confidence=0.0,
            max_iter=50,
            binary_search_steps=8,
            learning_rate=0.1,
            initial_const=0.1,
            batch_size=n,
            verbose=False,
        ),
        "deepfool": lambda eps: DeepFool(
            clf, max_iter=50, epsilon=0.02, nb_grads=10, batch_size=n, verbose=False
        ),
        "square": lambda eps: SquareAttack(
            clf, norm=np.inf, eps=eps, max_iter=300, p_init=0.8, nb_restarts=1, batch_size=n, verbose=False
        ),
        "hopskipjump": lambda eps: HopSkipJump(
            clf, norm=2, max_iter=20, max_eval=1000, init_eval=100, init_size=100, batch_size=n, verbose=False
        ),
        # ART's default AutoAttack ensemble: APGD-CE, APGD-DLR, DeepFool, Square (5000 queries)
        "standard": lambda eps: AutoAttack(clf, norm=np.inf, eps=eps, eps_step=eps / 4, batch_size=n),
    }


MSTOOL_PARAMS = {
    "fgsm": {},
    "pgd": {"steps": 10, "random_start": False, "restarts": 1},
    "cw": {"binary_search_steps": 8, "max_iter": 50, "learning_rate": 0.1, "initial_const": 0.1},
    "deepfool": {"max_iter": 50, "overshoot": 0.02, "candidates": 10},
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
SLOW = {"cw", "hopskipjump"}


def mstool_runner(clf, name: str, x: np.ndarray, y: np.ndarray, eps: float | None, seed: int):  # noqa: ANN001, ANN201
    from mstool.toolkit.audit.attacks import AttackJob, get_attack, run_attack
    from mstool.toolkit.audit.attacks.base import resolve_params

    if name == "standard":
        from mstool.toolkit.audit.standard import standard_evaluation

        return lambda: standard_evaluation(clf, x, y, eps, seed=seed, checks=False).x_worst
    spec = get_attack(name)
    params = resolve_params(spec, MSTOOL_PARAMS[name], "bench")

    def run() -> np.ndarray:
        job = AttackJob(
            clf,
            x,
            y,
            eps,
            np.random.default_rng(seed),
            norm=params.get("norm", spec.norm),
            params=dict(params),
        )
        return run_attack(spec, job)

    return run


def _budgets(attack: str, eps: float | None) -> list[float | None]:
    return CASES[attack][1] if attack in MINIMAL else [eps]


def _accuracy_digest(
    keras_model,
    attack: str,
    x: np.ndarray,
    y: np.ndarray,
    x_adv: np.ndarray,  # noqa: ANN001
    eps: float | None,
) -> Callable[[], dict]:
    """Accuracy under attack at each budget, computed after the clock stops."""

    def predict(v: np.ndarray) -> np.ndarray:
        return keras_model.predict(v, verbose=0).argmax(axis=1)

    norm = CASES[attack][0]
    return lambda: {
        f"{norm} {b if b is not None else 'unbounded'}": accuracy_at(predict, x, x_adv, y, norm, b)
        for b in _budgets(attack, eps)
    }


def _model_and_data(dataset: str, samples: int):  # noqa: ANN202
    import keras
    import tensorflow as tf

    np.random.seed(0)
    tf.random.set_seed(0)
    model_path = mnist_model() if dataset == "mnist" else MODEL
    x, y = load_data(samples, dataset)
    return model_path, keras.models.load_model(model_path, compile=False), x, y


def art_engine(attack: str, samples: int, dataset: str, eps: float | None, batch_size: int | str):
    """Runner factory: ART's attack at ``batch_size`` ("all": every sample in one batch)."""
    _, keras_model, x, y = _model_and_data(dataset, samples)
    size = len(x) if batch_size == "all" else min(int(batch_size), len(x))
    clf = art_classifier(keras_model, tuple(keras_model.input_shape[1:]))
    generator = art_attacks(clf, size)[attack](eps if eps is not None else 0.0)

    def run():
        return _accuracy_digest(keras_model, attack, x, y, generator.generate(x, y=y), eps)

    return {"run": run, "settings": {"batch_size": size}}


def mstool_engine(attack: str, samples: int, dataset: str, eps: float | None):
    """Runner factory: mstool's attack through its classifier wrapper, with MSTOOL_PARAMS."""
    from mstool.toolkit.audit.models import Preprocess, check_compatible, load_classifier

    model_path, keras_model, x, y = _model_and_data(dataset, samples)
    ours = load_classifier(model_path, Preprocess())
    check_compatible(ours, x, y, "bench")
    attack_fn = mstool_runner(ours, attack, x, y, eps, 0)

    def run():
        return _accuracy_digest(keras_model, attack, x, y, attack_fn(), eps)

    return {"run": run, "settings": {"params": MSTOOL_PARAMS[attack], "batch_size": ours.batch_size}}


def main() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import runner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--slow-samples", type=int, default=30, help="samples for CW and HopSkipJump")
    parser.add_argument(
        "--attacks",
        default=",".join(CASES),
        help=f"comma-separated subset of {','.join(CASES)}; each is written to the JSON when done",
    )
    parser.add_argument(
        "--dataset",
        choices=("digits", "mnist"),
        default="digits",
        help="digits: bundled 8x8 CNN; mnist: a CNN trained here on ../shared/data/mnist",
    )
    parser.add_argument(
        "--art-batch-sizes", default="32,all", help="ART batch sizes swept; the fastest counts"
    )
    parser.add_argument("--threads", type=int, default=2, help="TensorFlow threads of every engine")
    parser.add_argument("--art-python", default=sys.executable, help="python of the venv with ART")
    parser.add_argument(
        "--accuracy-tolerance",
        type=float,
        default=0.1,
        help="largest accepted difference of accuracy under attack between engines",
    )
    parser.add_argument(
        "--training",
        action="store_true",
        help="time adversarial training against ART's AdversarialTrainerMadryPGD instead",
    )
    args = runner.parse_args(parser=parser)
    if args.training:
        from bench_training import main as training_main

        training_main()
        return
    attacks = [a.strip() for a in args.attacks.split(",") if a.strip()]
    unknown = [a for a in attacks if a not in CASES]
    if unknown:
        parser.error(f"unknown attack(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    samples, slow_samples = (10, 4) if args.quick else (args.samples, args.slow_samples)
    this = str(Path(__file__).resolve())
    env = {"TF_CPP_MIN_LOG_LEVEL": "3"}
    engines = [
        runner.Engine(
            "mstool",
            f"{this}:mstool_engine",
            threads=args.threads,
            env=env,
            packages=("mstool", "tensorflow-cpu", "keras"),
        )
    ]
    for size in args.art_batch_sizes.split(","):
        engines.append(
            runner.Engine(
                f"ART batch {size}",
                f"{this}:art_engine",
                python=args.art_python,
                threads=args.threads,
                env=env,
                kwargs={"batch_size": size},
                packages=("adversarial-robustness-toolbox", "tensorflow-cpu", "keras"),
            )
        )
    params = {
        "dataset": args.dataset,
        "samples": samples,
        "slow_samples": slow_samples,
        "threads": args.threads,
        "mstool_params": MSTOOL_PARAMS,
    }
    combined: dict | None = None
    path = None
    for attack in attacks:
        # one runner call per attack, so each attack's result reaches the JSON (and the screen)
        # as soon as it is measured, and a run cut short keeps the attacks it finished
        record = runner.run(
            "audit",
            "bench_art",
            engines,
            attack_cases(runner, attack, args.dataset, slow_samples if attack in SLOW else samples),
            repeats=args.repeats,
            quick=args.quick,
            write=False,  # this script writes the combined record below
            rtol=0.0,
            atol=args.accuracy_tolerance,
            reference="mstool",
            params=params,
        )
        combined = merge_record(combined, record)
        if not args.no_write:
            path = write_record(combined, args.out_dir, path)
            print(f"wrote {path} ({len(combined['cases'])} cases so far)", flush=True)
        print_summary_table(record["cases"])
    if combined is not None and len(attacks) > 1:
        print("\nall attacks:")
        print_summary_table(combined["cases"])


def attack_cases(runner, attack: str, dataset: str, n: int) -> list:  # noqa: ANN001
    """The runner cases of one attack: one per budget (minimal attacks: one, thresholded after)."""
    return [
        runner.Case(
            f"{attack} {'minimal' if eps is None else f'eps {eps:g}'}",
            {"attack": attack, "samples": n, "dataset": dataset, "eps": eps},
            units=n,
            unit_name="samples",
        )
        for eps in ([None] if attack in MINIMAL else CASES[attack][1])
    ]


def merge_record(combined: dict | None, record: dict) -> dict:
    """One record for the whole run: the first attack's header, every attack's cases, the
    latest load and finish time, quiet only if every piece started quiet."""
    if combined is None:
        return dict(record)
    combined["cases"] = combined["cases"] + record["cases"]
    combined["quiet"] = combined["quiet"] and record["quiet"]
    combined["load_after"], combined["finished_utc"] = record["load_after"], record["finished_utc"]
    return combined


def write_record(record: dict, out_dir: Path | None, path: Path | None) -> Path:
    """Write (or rewrite) the run's JSON atomically: results/audit/bench_art-<start>.json."""
    import datetime as dt
    import json

    if path is None:
        folder = Path(out_dir) if out_dir else ROOT / "benchmarks" / "results" / "audit"
        folder.mkdir(parents=True, exist_ok=True)
        started = dt.datetime.fromisoformat(record["started_utc"])
        path = folder / f"bench_art-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(tmp, path)
    return path


def print_summary_table(cases: list[dict]) -> None:
    """ART at its best batch size against mstool, one Markdown row per case."""
    print(
        "\n| attack | n | ART best batch | ART s | mstool s | ART / mstool (wall) | (CPU) "
        "| accuracy ART / mstool |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for case in cases:
        print(_summary_row(case), flush=True)


def _summary_row(case: dict) -> str:
    """ART at its fastest batch size against mstool, one Markdown row."""
    engines = case["engines"]
    art = [name for name in engines if name.startswith("ART") and "wall_stats" in engines[name]]
    ours = engines.get("mstool", {})
    if not art or "wall_stats" not in ours:
        return f"| {case['label']} | {case['units']} | failed | - | - | - | - | - |"
    best = min(art, key=lambda name: engines[name]["wall_stats"]["median"])
    aw, mw = engines[best]["wall_stats"]["median"], ours["wall_stats"]["median"]
    ac, mc = engines[best]["cpu_stats"]["median"], ours["cpu_stats"]["median"]
    acc = ", ".join(
        f"{k}: {engines[best]['output'][k]:.2f} / {ours['output'][k]:.2f}" for k in ours["output"]
    )
    return (
        f"| {case['label']} | {case['units']} | {best[10:]} | {aw:.2f} | {mw:.2f} | {aw / mw:.1f}x "
        f"| {ac / max(mc, 1e-9):.1f}x | {acc} |"
    )


if __name__ == "__main__":
    main()
