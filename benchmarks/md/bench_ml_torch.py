"""The built-in ala2 potential against the same network written in PyTorch (not openmm-torch).

Same symmetry functions, same per-element networks and weights, same padded neighbour inputs;
forces by autodiff in both. Two processes, because mstool's venv has no torch and the benchmark
venv has no TensorFlow:

  export  (mstool venv)     weights, 20 perturbed ala2 configurations with their padded inputs,
                            and TensorFlow's energies and forces -> SCRATCH/ml_torch_inputs.npz
  tf      (mstool venv)     ms per energy+forces evaluation, compiled tf.function (as in MD)
  torch   (benchmark venv)  the same in PyTorch (eager, float32), checked against TensorFlow's
                            energies and forces first

  .venv/bin/python benchmarks/md/bench_ml_torch.py export SCRATCH [--model M.keras]
  for i in 1 2 3; do .venv/bin/python benchmarks/md/bench_ml_torch.py tf SCRATCH
                     /work/bench-train/bin/python benchmarks/md/bench_ml_torch.py torch SCRATCH; done

Each timing run prints one JSON line (median over rounds; TensorFlow with its default thread
pools as in MD, PyTorch with one thread: its default pool was 18x slower on the loaded machine);
alternate the two so load changes hit both alike. The bench venv's torch lacks numpy and
typing_extensions: put mstool's on PYTHONPATH (symlinks in a scratch folder).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
ROUNDS, REPEATS = 7, 10


def export(scratch: Path, model_path: str) -> None:
    from mstool.toolkit.md.amber import load_amber
    from mstool.toolkit.md.data import bundled
    from mstool.toolkit.md.ml import MLPotentialForce, atomic_numbers_of, load_keras_model

    system = load_amber(*bundled("ala2_vacuum"))
    model = load_keras_model(model_path)
    term = MLPotentialForce(model, atomic_numbers=atomic_numbers_of(system))
    rng = np.random.default_rng(0)
    xs = [system.positions + rng.normal(0, 0.005, system.positions.shape) for _ in range(20)]
    inputs = [term.padded_inputs(x, None) for x in xs]
    k = max(i[1].shape[1] for i in inputs)
    assert all(i[1].shape[1] == k for i in inputs), "one capacity for every configuration"
    ef = [term.energy_forces(x, None) for x in xs]
    weights = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    names = [v.path for v in model.weights]
    config = model.get_config()
    np.savez(scratch / "ml_torch_inputs.npz", positions=np.array([i[0] for i in inputs]),
             neighbors=np.array([i[1] for i in inputs]), shifts=np.array([i[2] for i in inputs]),
             mask=np.array([i[3] for i in inputs]), z=term.atomic_numbers,
             energies=np.array([e for e, _ in ef]), forces=np.array([f for _, f in ef]), **weights)
    (scratch / "ml_torch_config.json").write_text(json.dumps({"config": config, "weight_names": names,
                                                              "model": model_path}))
    print(json.dumps({"exported": len(xs), "neighbour_slots": k, "weights": len(names)}))


def time_tf(scratch: Path) -> None:
    import tensorflow as tf

    from mstool.toolkit.md.ml import MLPotentialForce, load_keras_model

    meta = json.loads((scratch / "ml_torch_config.json").read_text())
    d = np.load(scratch / "ml_torch_inputs.npz")
    term = MLPotentialForce(load_keras_model(meta["model"]), atomic_numbers=d["z"])
    args = [(tf.constant(d["positions"][i]), d["neighbors"][i], d["shifts"][i], d["mask"][i])
            for i in range(len(d["positions"]))]
    term._compiled(*args[0])
    print(json.dumps({"framework": "tensorflow tf.function", **_timed(lambda a: term._compiled(*a), args)}))


def _timed(fn, args) -> dict:
    rounds = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(REPEATS // 5):
            for a in args:
                fn(a)
        rounds.append((time.perf_counter() - t0) / (len(args) * (REPEATS // 5)))
    return {"ms_per_evaluation_median": 1e3 * float(np.median(rounds)), "rounds": ROUNDS,
            "load_average": os.getloadavg()[0]}


class TorchSymmetryPotential:
    """The mstool model's forward pass in PyTorch (float32), weights copied from the .keras file."""

    def __init__(self, config: dict, weights: list[np.ndarray], names: list[str]):
        import torch

        self.torch, c = torch, config
        self.c = c
        named = dict(zip(names, weights, strict=True))
        get = lambda key: torch.tensor(next(w for n, w in named.items() if n.endswith(key)))  # noqa: E731
        self.mean, self.std = get("feature_mean"), get("feature_std")
        self.scale, self.shift = get("energy_scale"), get("energy_shift")
        self.elements = c["elements"]
        self.layers = []
        for z in self.elements:
            layers = [(get(f"z{z}_dense{i}/kernel"), get(f"z{z}_dense{i}/bias"))
                      for i in range(len(c["hidden"]))]
            layers.append((get(f"z{z}_out/kernel"), None))
            self.layers.append(layers)
        table = np.full(128, -1, np.int64)
        table[self.elements] = np.arange(len(self.elements))
        self.table = torch.tensor(table)

    def cutoff_fn(self, r, rc):
        return 0.5 * (self.torch.cos(math.pi * self.torch.clamp(r, max=rc) / rc) + 1.0) * (r < rc)

    def energy_forces(self, positions, neighbors, shifts, mask, z):
        torch, c = self.torch, self.c
        x = positions.clone().requires_grad_(True)
        vectors = (x[neighbors] - x[:, None, :] + shifts).float()
        species = self.table[z]
        nbr_species = species[neighbors]
        n_el = len(self.elements)
        r = torch.sqrt((vectors * vectors).sum(-1) + (1.0 - mask))
        onehot = torch.nn.functional.one_hot(nbr_species, n_el).float()
        fc_r = self.cutoff_fn(r, c["radial_cutoff"]) * mask
        rs = torch.tensor(c["radial_shifts"])
        radial = torch.exp(-c["radial_eta"] * (r[..., None] - rs) ** 2) * fc_r[..., None]
        g_radial = torch.einsum("nkr,nks->nsr", radial, onehot).reshape(len(z), -1)
        fc_a = self.cutoff_fn(r, c["angular_cutoff"]) * mask
        k = r.shape[-1]
        weight = fc_a[:, :, None] * fc_a[:, None, :] * (1.0 - torch.eye(k))
        cos = torch.einsum("nkx,nlx->nkl", vectors, vectors) / (r[:, :, None] * r[:, None, :])
        cos = torch.clamp(cos, -1.0, 1.0)
        sin = torch.sqrt(torch.clamp(1.0 - cos * cos, min=1e-8))
        ts = torch.tensor(c["angle_shifts"])
        angle = (1.0 + cos[..., None] * torch.cos(ts) + sin[..., None] * torch.sin(ts)) ** c["angular_zeta"]
        angle = angle * 2.0 ** (1.0 - c["angular_zeta"])
        mean_r = 0.5 * (r[:, :, None] + r[:, None, :])
        radial_a = torch.exp(-c["angular_eta"] * (mean_r[..., None] - torch.tensor(c["angular_shifts"])) ** 2)
        terms = angle[..., :, None] * radial_a[..., None, :] * weight[..., None, None]
        terms = terms.reshape(len(z), k, k, -1)
        partial = torch.einsum("nklm,nlt->nktm", terms, onehot)
        by_pair = torch.einsum("nktm,nks->nstm", partial, onehot)
        by_pair = by_pair + by_pair.transpose(1, 2)
        rows, cols = np.triu_indices(n_el)
        half_diagonal = torch.tensor(np.where(rows == cols, 0.5, 1.0), dtype=torch.float32)
        g_ang = by_pair[:, rows, cols] * half_diagonal[:, None]
        g = (torch.cat([g_radial, g_ang.reshape(len(z), -1)], -1) - self.mean) / self.std
        energy = torch.zeros((), dtype=torch.float32)
        for e, layers in enumerate(self.layers):
            h = g[species == e]
            for kernel, bias in layers:
                h = h @ kernel if bias is None else torch.nn.functional.softplus(h @ kernel + bias)
            energy = energy + self.scale * h.sum() + self.shift[e] * h.shape[0]
        d2 = (vectors * vectors).sum(-1)  # the repulsion guard: zero for every configuration here
        assert bool((d2[mask > 0] > c["repulsion_radius"] ** 2).all())
        energy = energy.double()
        (grad,) = torch.autograd.grad(energy, x)
        return energy.detach(), -grad


def time_torch(scratch: Path) -> None:
    import torch

    torch.set_num_threads(1)  # its default pool oversubscribes a shared machine: 840 ms at load 14
    meta = json.loads((scratch / "ml_torch_config.json").read_text())
    d = np.load(scratch / "ml_torch_inputs.npz")
    weights = [d[f"w{i}"] for i in range(len(meta["weight_names"]))]
    model = TorchSymmetryPotential(meta["config"], weights, meta["weight_names"])
    args = [(torch.tensor(d["positions"][i]), torch.tensor(d["neighbors"][i]).long(),
             torch.tensor(d["shifts"][i]), torch.tensor(d["mask"][i]).float(), torch.tensor(d["z"]).long())
            for i in range(len(d["positions"]))]
    e_err = max(abs(float(model.energy_forces(*a)[0]) - e) for a, e in zip(args, d["energies"], strict=True))
    f_err = max(float((model.energy_forces(*a)[1].numpy() - f).__abs__().max())
                for a, f in zip(args, d["forces"], strict=True))
    out = _timed(lambda a: model.energy_forces(*a), args)
    print(json.dumps({"framework": f"pytorch {torch.__version__} eager", **out,
                      "max_energy_difference_kj_mol": e_err, "max_force_difference_kj_mol_nm": f_err,
                      "force_scale_kj_mol_nm": float(np.abs(d["forces"]).max())}))


if __name__ == "__main__":
    stage, scratch = sys.argv[1], Path(sys.argv[2])
    scratch.mkdir(parents=True, exist_ok=True)
    if stage == "export":
        model = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--model" else str(
            ROOT / "recipes" / "data" / "md" / "ala2_ani_continued.keras")
        export(scratch, model)
    elif stage == "tf":
        time_tf(scratch)
    else:
        time_torch(scratch)
