"""When a reasoning chain stops: a calibrated stopping score for paths of 1 to 4 hops.

After every hop the beam asks of each path whether another hop adds evidence. Three
question-agnostic features answer it:

- ``coverage``: the share of the question's idf mass the path's paragraphs already hold;
- ``gain``: the most coverage any of the next hop's candidates would add;
- ``next_confidence``: the probability of the best next candidate (a paragraph the last
  hop names, the bridge entity, scores high and makes this confident).

``P(stop | path) = sigmoid(w . [1, coverage, gain, next_confidence])``. A path whose
P(stop) reaches the threshold ends there; the others grow (every path ends at the
recipe's maximum ``retrieval.hops``). Ended paths of all lengths are then ranked together.
Ending after the first hop has its own, higher threshold: a single paragraph that
covers the question is common in two-hop questions too.

The weights are fitted by L2-regularised logistic regression on the development half of
the shared HotpotQA dev500 questions only (``benchmarks/qa/fit_stop_model.py``; the split
is :func:`mstool.toolkit.qa.dataset.question_half`): the gold first paragraph is a
"continue", the gold two-paragraph path a "stop". The first-hop threshold is the lowest
of a fixed grid at which, with at most 2 hops, path EM@1 (within half a point) and
recall@10 on that half do not fall below those of fixed two-hop paths (every HotpotQA
question takes two hops, so a one-hop stop there is a miss). The later-hop threshold is
the model's own decision point, 0.5, not tuned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mstool.toolkit.qa.stop_weights import FIRST_HOP_THRESHOLD, STOP_THRESHOLD, STOP_WEIGHTS

FEATURES = ("bias", "coverage", "gain", "next_confidence")


@dataclass(frozen=True)
class StopModel:
    """Logistic stopping score over :data:`FEATURES`.

    >>> model = StopModel((-2.0, 4.0, -6.0, 0.0))
    >>> round(model.probability({"coverage": 1.0, "gain": 0.0, "next_confidence": 0.5}), 3)
    0.881
    >>> round(model.probability({"coverage": 0.3, "gain": 0.5, "next_confidence": 0.5}), 3)
    0.022
    """

    weights: tuple[float, ...] = STOP_WEIGHTS
    threshold: float = STOP_THRESHOLD
    first_hop_threshold: float = FIRST_HOP_THRESHOLD

    def threshold_after(self, hops: int) -> float:
        """The P(stop) a path of ``hops`` paragraphs needs to end there.

        >>> StopModel(threshold=0.5, first_hop_threshold=0.95).threshold_after(1)
        0.95
        """
        return self.first_hop_threshold if hops == 1 else self.threshold

    def probability(self, features: dict[str, float]) -> float:
        """P(stop) for one path's features (missing features count as 0)."""
        x = np.array([1.0] + [features.get(name, 0.0) for name in FEATURES[1:]])
        logit = float(np.dot(self.weights, x))
        return float(1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30))))


def idf_coverage(covered: frozenset[int], q_terms: np.ndarray, idf: np.ndarray) -> float:
    """Share of the question's idf mass whose terms are in ``covered``.

    >>> idf_coverage(frozenset({1}), np.array([1, 2]), np.array([0.0, 3.0, 1.0]))
    0.75
    """
    weights = idf[q_terms]
    total = float(weights.sum())
    if total <= 0:
        return 1.0
    return float(sum(w for t, w in zip(q_terms.tolist(), weights, strict=True) if t in covered)) / total


def stop_features(covered: frozenset[int], candidates: list[frozenset[int]], candidate_probs: np.ndarray,
                  q_terms: np.ndarray, idf: np.ndarray) -> dict[str, float]:
    """The stopping features of a path whose paragraphs hold the terms ``covered``.

    ``candidates`` are the term sets of the next hop's top candidates, best first.

    >>> idf = np.ones(4)
    >>> stop_features(frozenset({0, 1}), [frozenset({2}), frozenset()], np.array([0.7, 0.3]),
    ...               np.array([0, 1, 2]), idf)
    {'coverage': 0.667, 'gain': 0.333, 'next_confidence': 0.7}
    """
    coverage = idf_coverage(covered, q_terms, idf)
    gain = max((idf_coverage(covered | c, q_terms, idf) - coverage for c in candidates), default=0.0)
    confidence = float(candidate_probs[0]) if len(candidate_probs) else 0.0
    return {"coverage": round(coverage, 3), "gain": round(gain, 3), "next_confidence": round(confidence, 3)}


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Newton's method for L2-regularised logistic regression (the bias, column 0, is not pulled).

    >>> x = np.array([[1, 0.0], [1, 0.2], [1, 0.8], [1, 1.0]])
    >>> w = fit_logistic(x, np.array([0, 0, 1, 1]), l2=0.1)
    >>> bool(w[1] > 0)
    True
    """
    w = np.zeros(x.shape[1])
    pull = np.full(x.shape[1], l2)
    pull[0] = 1e-6
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + pull * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(pull)
        w -= np.linalg.solve(hess, grad)
    return w
