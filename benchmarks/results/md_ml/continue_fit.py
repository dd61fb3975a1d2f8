"""How the shipped ala2 potentials were trained past the recipe's 7 epochs (record of the runs).

Continues training a saved model on the recipe's labelled data set (``ala2_ani_data.npz``, written
by ``mstool simulate fit recipes/ml_ala2_fit.yaml`` in the working directory; sampled here with the
recipe's settings when it is missing): Adam from LR0 decayed to LR1 over EPOCHS (``exponential``,
as the four warm restarts of ``ala2_ani_continued.keras``, or one ``cosine`` decay), loss
(force error / force variance) + ENERGY_WEIGHT x (energy error / energy variance), the same
train / validation / held-out split (``ml_fit.SPLITS``); after every epoch the model is saved as
``best_TAG.keras`` if its validation force RMSE is the lowest so far. The held-out split is not
touched here (score it once with ``--score-held-out`` on the final model).

    python continue_fit.py LR0 LR1 EPOCHS ENERGY_WEIGHT TAG [START_MODEL] [--schedule cosine]
    python continue_fit.py --score-held-out MODEL
"""
import argparse
import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import tensorflow as tf

from mstool.schemas.md import MLFitRecipe
from mstool.toolkit.io import load_recipe
from mstool.toolkit.md.ml import load_keras_model
from mstool.toolkit.md.ml_fit import load_or_sample, split_indices
from mstool.toolkit.md.ml_train import Trainer

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "recipes" / "data" / "md" / "ala2_ani.keras"
FIT_RECIPE = ROOT / "recipes" / "ml_ala2_fit.yaml"


def dataset():
    recipe = load_recipe(FIT_RECIPE, MLFitRecipe, [])
    data = load_or_sample(recipe, FIT_RECIPE.parent,
                          lambda what, i, n, _: print(what, i, n, flush=True))
    return data, split_indices(data["run"])


def trainer_for(model, data, splits, settings):
    normalisation = (model.feature_mean, model.feature_std, model.energy_shift, model.energy_scale)
    keep = [v.numpy() for v in normalisation]
    tr = Trainer(model, data, splits, settings)
    for v, k in zip(normalisation, keep, strict=True):
        v.assign(k)  # keep the saved model's normalisation exactly
    return tr


def score_held_out(path: str) -> None:
    data, splits = dataset()
    settings = SimpleNamespace(batch_size=32)
    tr = trainer_for(load_keras_model(path), data, splits, settings)
    out = {"model": path, "configurations": {k: int(len(v)) for k, v in splits.items()},
           "validation": tr.evaluate(splits["validation"]), "held_out": tr.evaluate(splits["held_out"])}
    print(json.dumps(out, indent=1))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("args", nargs="*")
    p.add_argument("--schedule", choices=["exponential", "cosine"], default="exponential")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--score-held-out")
    a = p.parse_args()
    if a.score_held_out:
        return score_held_out(a.score_held_out)
    lr0, lr1, epochs, w_e = float(a.args[0]), float(a.args[1]), int(a.args[2]), float(a.args[3])
    tag = a.args[4]
    start = a.args[5] if len(a.args) > 5 else str(SHIPPED)
    tf.keras.utils.set_random_seed(2024)
    data, splits = dataset()
    model = load_keras_model(start)
    bs = a.batch_size
    settings = SimpleNamespace(epochs=epochs, batch_size=bs, learning_rate=lr0, final_learning_rate=lr1,
                               energy_weight=w_e, jit_compile=True)
    tr = trainer_for(model, data, splits, settings)
    val0 = tr.evaluate(splits["validation"])
    print("start validation", json.dumps(val0), flush=True)
    steps = (len(splits["train"]) // bs) * epochs
    if a.schedule == "cosine":
        schedule = tf.keras.optimizers.schedules.CosineDecay(lr0, steps, alpha=lr1 / lr0)
    else:
        schedule = tf.keras.optimizers.schedules.ExponentialDecay(lr0, steps, lr1 / lr0)
    opt = tf.keras.optimizers.Adam(schedule)
    fvar, evar = tr.force_var, tr.energy_var

    @tf.function(jit_compile=True)
    def train_step(x, idx_arrays, e_ref, f_ref):
        with tf.GradientTape() as tape:
            energy, forces = tr._energy_forces(x, idx_arrays)
            loss = tf.reduce_mean((forces - f_ref) ** 2) / fvar
            loss += w_e * tf.reduce_mean((energy - e_ref - tf.reduce_mean(energy - e_ref)) ** 2) / evar
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    rng = np.random.default_rng(1)
    best = val0["force_rmse"]
    history = []
    t0 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        losses = [float(train_step(*b)) for b in tr._batches(splits["train"], rng, bs) if len(b[0]) == bs]
        val = tr.evaluate(splits["validation"])
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "seconds": time.perf_counter() - t0,
                        "load_average": os.getloadavg()[0], **{f"val_{k}": v for k, v in val.items()}})
        print(json.dumps(history[-1]), flush=True)
        if val["force_rmse"] < best:
            best = val["force_rmse"]
            model.save(f"best_{tag}.tmp.keras")
            os.replace(f"best_{tag}.tmp.keras", f"best_{tag}.keras")
            print("saved best", epoch, best, flush=True)
        with open(f"history_{tag}.json", "w") as handle:
            json.dump({"start_model": start, "lr0": lr0, "lr1": lr1, "epochs": epochs, "energy_weight": w_e,
                       "schedule": a.schedule, "batch_size": bs, "start": val0, "history": history},
                      handle, indent=1)


if __name__ == "__main__":
    main()
