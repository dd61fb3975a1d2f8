"""How the shipped ala2 potential was trained past the recipe's 7 epochs (record of the run).

Continues training a saved model on the recipe's labelled data set (``ala2_ani_data.npz``, written
by ``mstool simulate fit recipes/ml_ala2_fit.yaml`` in the working directory): Adam restarted at
LR0 and decayed exponentially to LR1 over EPOCHS, loss (force error / force variance) +
ENERGY_WEIGHT x (energy error / energy variance), the same train / validation / held-out split
(``ml_fit.SPLITS``); after every epoch the model is saved as ``best_TAG.keras`` if its validation
force RMSE is the lowest so far. The held-out split is not touched here.

    python continue_fit.py LR0 LR1 EPOCHS ENERGY_WEIGHT TAG [START_MODEL]
"""
import json
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import tensorflow as tf

from mstool.toolkit.md.ml import load_keras_model
from mstool.toolkit.md.ml_fit import split_indices
from mstool.toolkit.md.ml_train import Trainer

lr0, lr1, epochs, w_e = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
tag = sys.argv[5]
tf.keras.utils.set_random_seed(2024)
with np.load("ala2_ani_data.npz") as f:
    data = {k: f[k] for k in f.files}
splits = split_indices(data["run"])
SHIPPED = Path(__file__).resolve().parents[3] / "recipes" / "data" / "md" / "ala2_ani.keras"
start = sys.argv[6] if len(sys.argv) > 6 else str(SHIPPED)
model = load_keras_model(start)
NORMALISATION = (model.feature_mean, model.feature_std, model.energy_shift, model.energy_scale)
keep = [v.numpy() for v in NORMALISATION]
settings = SimpleNamespace(epochs=epochs, batch_size=32, learning_rate=lr0, final_learning_rate=lr1,
                           energy_weight=w_e, jit_compile=True)
tr = Trainer(model, data, splits, settings)
for v, k in zip(NORMALISATION, keep, strict=True):
    v.assign(k)  # keep the shipped normalisation exactly
val0 = tr.evaluate(splits["validation"])
print("start validation", json.dumps(val0), flush=True)
steps = -(-len(splits["train"]) // 32)
schedule = tf.keras.optimizers.schedules.ExponentialDecay(lr0, steps * epochs, lr1 / lr0)
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
    losses = [float(train_step(*b)) for b in tr._batches(splits["train"], rng, 32) if len(b[0]) == 32]
    val = tr.evaluate(splits["validation"])
    history.append({"epoch": epoch, "loss": float(np.mean(losses)), "seconds": time.perf_counter() - t0,
                    **{f"val_{k}": v for k, v in val.items()}})
    print(json.dumps(history[-1]), flush=True)
    if val["force_rmse"] < best:
        best = val["force_rmse"]
        model.save(f"best_{tag}.keras.tmp.keras")
        os.replace(f"best_{tag}.keras.tmp.keras", f"best_{tag}.keras")
        print("saved best", epoch, best, flush=True)
    json.dump({"start_model": start, "lr0": lr0, "lr1": lr1, "epochs": epochs, "energy_weight": w_e,
               "start": val0,
               "history": history}, open(f"history_{tag}.json", "w"), indent=1)
