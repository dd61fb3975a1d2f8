"""Population attacks inside the Linf ball: genetic (GenAttack) and particle swarm (PSO).

Both evaluate every sample's whole population in one batched query.
"""

from __future__ import annotations

import numpy as np

from mstool.toolkit.audit.attacks.base import AttackJob, register
from mstool.toolkit.audit.attacks.blackbox.common import margin, query_budget


def _fitness(job: AttackJob, population: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Minus the margin for every member: (N, P); higher is better, > 0 is adversarial."""
    n, p = population.shape[:2]
    flat_rows = np.repeat(rows, p)
    x = job.clip(job.x[flat_rows] + population.reshape((n * p,) + population.shape[2:]))
    return -margin(job, x, flat_rows).reshape(n, p)


def _best(job: AttackJob, population: np.ndarray, fitness: np.ndarray) -> np.ndarray:
    pick = fitness.argmax(axis=1)
    delta = population[np.arange(len(pick)), pick]
    return job.clip(job.x + np.clip(delta, -job.eps, job.eps))


@register(
    "genetic",
    family="blackbox",
    norm="linf",
    defaults={
        "population": 8,
        "mutation_rate": 0.05,
        "mutation_scale": 0.5,
        "temperature": 0.3,
        "queries": 2000,
    },
    summary="Genetic attack (GenAttack, Linf): selection, crossover and mutation of perturbations.",
)
def genetic(job: AttackJob) -> np.ndarray:
    p = job.params
    size = int(p["population"])
    generations = max(1, query_budget(job, int(p["queries"])) // size)
    n = len(job.x)
    rows = np.arange(n)
    pop = job.rng.uniform(-job.eps, job.eps, size=(n, size) + job.x.shape[1:])
    fit = _fitness(job, pop, rows)
    for _ in range(generations - 1):
        if (fit.max(axis=1) > 0).all():
            break
        elite = pop[rows, fit.argmax(axis=1)]
        weights = np.exp((fit - fit.max(axis=1, keepdims=True)) / p["temperature"])
        weights /= weights.sum(axis=1, keepdims=True)
        parents = np.stack([[job.rng.choice(size, 2, p=w) for _ in range(size - 1)] for w in weights])
        a, b = pop[rows[:, None], parents[..., 0]], pop[rows[:, None], parents[..., 1]]
        fa, fb = fit[rows[:, None], parents[..., 0]], fit[rows[:, None], parents[..., 1]]
        share = np.exp(fa) / (np.exp(fa) + np.exp(fb) + 1e-12)
        mask = job.rng.random(a.shape) < share.reshape(share.shape + (1,) * (a.ndim - 2))
        child = np.where(mask, a, b)
        mutate = job.rng.random(child.shape) < p["mutation_rate"]
        child += mutate * job.rng.uniform(-1, 1, child.shape) * p["mutation_scale"] * job.eps
        pop = np.concatenate([elite[:, None], np.clip(child, -job.eps, job.eps)], axis=1)
        fit = _fitness(job, pop, rows)
    return _best(job, pop, fit)


@register(
    "pso",
    family="blackbox",
    norm="linf",
    defaults={"particles": 8, "inertia": 0.7, "cognitive": 1.5, "social": 1.5, "queries": 2000},
    summary="Particle swarm optimisation (Linf): particles search the eps ball for an adversarial.",
)
def pso(job: AttackJob) -> np.ndarray:
    p = job.params
    size = int(p["particles"])
    rounds = max(1, query_budget(job, int(p["queries"])) // size)
    n = len(job.x)
    rows = np.arange(n)
    pos = job.rng.uniform(-job.eps, job.eps, size=(n, size) + job.x.shape[1:])
    vel = np.zeros_like(pos)
    fit = _fitness(job, pos, rows)
    own_best, own_fit = pos.copy(), fit.copy()
    for _ in range(rounds - 1):
        if (own_fit.max(axis=1) > 0).all():
            break
        swarm_best = own_best[rows, own_fit.argmax(axis=1)][:, None]
        r1, r2 = job.rng.random(pos.shape), job.rng.random(pos.shape)
        vel = (
            p["inertia"] * vel
            + p["cognitive"] * r1 * (own_best - pos)
            + p["social"] * r2 * (swarm_best - pos)
        )
        vel = np.clip(vel, -job.eps, job.eps)
        pos = np.clip(pos + vel, -job.eps, job.eps)
        fit = _fitness(job, pos, rows)
        better = fit > own_fit
        own_best[better], own_fit[better] = pos[better], fit[better]
    return _best(job, own_best, own_fit)
