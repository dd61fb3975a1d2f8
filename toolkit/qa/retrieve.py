"""Multi-hop path retrieval: hybrid hop 1, conditioned later hops, beam search over 1 to 4 hops, reranking.

Every hop's scores are z-normalised over the corpus (BM25 and cosine become
comparable), mixed, and turned into a distribution by a softmax over the top
candidates: P(p1|q), then P(p2|q,p1) from a query reformulated with p1 (question
terms p1 already covers are down-weighted; the dense query moves towards p1)
plus title-mention links from p1 (the bridge entity hop k names is the strongest
signal for hop k+1). A path may end after any hop: a calibrated stopping score
(:mod:`mstool.toolkit.qa.chains`) weighs what another hop would add. Paths are scored
by the sum of log probabilities, their length log-likelihood, and how much of the
question the whole path covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mstool.schemas.qa import RetrievalSettings
from mstool.toolkit.errors import InputError
from mstool.toolkit.qa.chains import StopModel, stop_features
from mstool.toolkit.qa.index import QAIndex
from mstool.toolkit.qa.kernels import bm25_scores_many
from mstool.toolkit.qa.text import fold, strip_disambiguation, terms

DENSE_STATS_SAMPLE = 8192  # paragraphs whose scores give the dense mean and spread with --ann


@dataclass
class PathWeights:
    """Hand-set feature weights (in z-score units) of the hop and path scores."""

    title_in_question: float = 2.0
    link_forward: float = 4.0
    link_backward: float = 0.75
    covered_term_weight: float = 0.25
    dense_towards_previous: float = 0.5
    coverage: float = 3.0
    same_entity: float = 2.0
    title_overlap: float = 1.0
    path_dense: float = 0.0


@dataclass
class ReasoningPath:
    """An ordered chain of paragraph ids with each hop's probability and the final score."""

    paragraphs: list[int]
    hop_probs: list[float]
    log_prob: float
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    stop_probability: float | None = None
    stop_features: dict[str, float] = field(default_factory=dict)


def _zscore(scores: np.ndarray) -> np.ndarray:
    """Normalise rows to zero mean, unit spread (over the whole corpus)."""
    mean = scores.mean(axis=-1, keepdims=True)
    std = scores.std(axis=-1, keepdims=True)
    return (scores - mean) / np.maximum(std, 1e-9)


def _softmax_top(scores: np.ndarray, k: int, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """The top-k ids of a score vector and their softmax probabilities."""
    k = min(k, int(np.isfinite(scores).sum()))
    top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    top = top[np.argsort(-scores[top], kind="stable")]
    logits = scores[top] / temperature
    probs = np.exp(logits - logits.max())
    return top, probs / probs.sum()


class PathRetriever:
    """Retrieve reasoning paths of ``settings.hops`` paragraphs from a :class:`QAIndex`."""

    def __init__(self, index: QAIndex, encoder, settings: RetrievalSettings | None = None,
                 weights: PathWeights | None = None, stop_model: StopModel | None = None) -> None:
        self.index = index
        self.stop_model = stop_model or StopModel()
        self.encoder = encoder
        self.settings = settings or RetrievalSettings()
        self.weights = weights or PathWeights()
        self.doc_terms = self._paragraph_term_sets()
        self.title_index = self._title_term_index()

    def _title_term_index(self) -> tuple[dict[int, list[int]], np.ndarray]:
        """term id -> paragraphs whose title has it, and each title's number of known terms."""
        by_term: dict[int, list[int]] = {}
        sizes = np.zeros(self.index.size)
        for p, title in enumerate(self.index.titles):
            known = self.index.term_id
            ids = {known[t] for t in terms(strip_disambiguation(title)) if t in known}
            sizes[p] = len(ids)
            for t in ids:
                by_term.setdefault(t, []).append(p)
        return by_term, sizes

    def title_scores(self, question: str, q_terms: np.ndarray) -> np.ndarray:
        """Per paragraph: a bonus when the question names its title, exactly or mostly (>= half its terms)."""
        by_term, sizes = self.title_index
        hits = np.zeros(self.index.size)
        for t in set(q_terms.tolist()):
            hits[by_term.get(t, [])] += 1
        share = np.where(sizes > 0, hits / np.maximum(sizes, 1), 0.0)
        bonus = self.weights.title_overlap * np.where(share >= 0.5, share, 0.0)
        bonus[list(self.index.matcher.mentions(question))] += self.weights.title_in_question
        return bonus

    def _paragraph_term_sets(self) -> list[frozenset[int]]:
        idx = self.index
        term_doc = np.repeat(np.arange(len(idx.vocab)), np.diff(idx.postings_indptr))
        order = np.argsort(idx.postings_doc, kind="stable")
        bounds = np.searchsorted(idx.postings_doc[order], np.arange(idx.size + 1))
        return [frozenset(term_doc[order[bounds[d]:bounds[d + 1]]].tolist()) for d in range(idx.size)]

    def question_terms(self, question: str) -> np.ndarray:
        """Known term ids of a question; an empty or stop-words-only question is an error."""
        found = terms(question)
        if not found:
            raise InputError("question is empty or has only stop words", where="question")
        return np.array([self.index.term_id[t] for t in found if t in self.index.term_id], dtype=np.int64)

    def first_hop_scores(self, question: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(hybrid, z-BM25, z-dense) scores of every paragraph for the question."""
        q_terms = self.question_terms(question)
        q_vec = self.encoder.encode([question])[0]
        idx = self.index
        bm25 = bm25_scores_many([(q_terms, np.ones(len(q_terms)))], idx.postings_indptr, idx.postings_doc,
                                idx.postings_tf, idx.norm, idx.idf, idx.k1)[0]
        z_bm25, z_dense = _zscore(bm25), self.dense_z(q_vec[None, :], bm25[None, :])[0]
        w = self.settings.dense_weight
        hybrid = w * z_dense + (1 - w) * z_bm25
        self._last = (q_terms, q_vec)
        self._last_hybrid = hybrid
        return hybrid, z_bm25, z_dense

    def _next_hop_scores(self, prefixes: list[list[int]], q_terms: np.ndarray, q_vec: np.ndarray,
                         title_bonus: np.ndarray) -> np.ndarray:
        """Scores of every paragraph as the next hop after each prefix path: (n_prefixes, N)."""
        idx, wts = self.index, self.weights
        queries, directions = [], []
        for prefix in prefixes:
            covered = frozenset().union(*(self.doc_terms[p] for p in prefix))
            weights = np.array([wts.covered_term_weight if t in covered else 1.0 for t in q_terms])
            queries.append((q_terms, weights))
            directions.append(q_vec + wts.dense_towards_previous * idx.embeddings[prefix].mean(axis=0))
        bm25 = bm25_scores_many(queries, idx.postings_indptr, idx.postings_doc, idx.postings_tf,
                                idx.norm, idx.idf, idx.k1)
        w = self.settings.dense_weight
        also = None if idx.ann is None else [  # with --ann: BM25's best and the links also get exact scores
            np.concatenate([self._top_ids(row), idx.links_of(prefix[-1])])
            for row, prefix in zip(bm25, prefixes, strict=True)]
        scores = w * self.dense_z(np.array(directions, dtype=np.float32), also) + (1 - w) * _zscore(bm25) \
            + title_bonus[None, :]
        for row, prefix in enumerate(prefixes):
            last = prefix[-1]
            scores[row, idx.links_of(last)] += wts.link_forward
            backward = [d for d in self._linked_to(last)]
            scores[row, backward] += wts.link_backward
            scores[row, prefix] = -np.inf
        return scores

    def dense_z(self, queries: np.ndarray, also=None) -> np.ndarray:
        """z-scored inner products of every paragraph with each query row: (n_queries, N).

        Exact without an ANN index. With one (``qa index --ann``), the ``ann_candidates``
        best of the ``ann_probe`` probed lists, and the paragraphs ``also`` names for that
        row (``also`` may instead be a row of BM25 scores: its ``ann_candidates`` best are
        taken), get their exact score; every other paragraph gets the mean, z = 0. The mean
        and spread come from a fixed sample of paragraphs (all of them up to
        ``DENSE_STATS_SAMPLE``), so that at full probe with at least N candidates the scores
        are the exact ones.
        """
        idx = self.index
        if idx.ann is None:
            if len(queries) == 1:
                return _zscore(idx.embeddings @ queries[0])[None, :]
            return _zscore((idx.embeddings @ queries.T).T)
        cfg = self.settings
        ids, _ = idx.ann.search(queries, cfg.ann_candidates, cfg.ann_probe)
        sample_scores = (self._stats_sample() @ queries.T).T
        mean = sample_scores.mean(axis=1, dtype=np.float64)
        spread = np.maximum(sample_scores.std(axis=1, dtype=np.float64), 1e-9)
        out = np.zeros((len(queries), idx.size))
        for row, query in enumerate(queries):
            extra = np.zeros(0, np.int64) if also is None else np.asarray(also[row])
            if extra.dtype.kind == "f":  # BM25 scores: their best ids
                extra = self._top_ids(extra)
            exact = np.unique(np.concatenate([ids[row][ids[row] >= 0], extra.astype(np.int64)]))
            out[row, exact] = (idx.embeddings[exact] @ query - mean[row]) / spread[row]
        return out

    def _top_ids(self, scores: np.ndarray) -> np.ndarray:
        k = min(self.settings.ann_candidates, scores.size)
        return np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)

    def _stats_sample(self) -> np.ndarray:
        if not hasattr(self, "_sample_vectors"):
            n = self.index.size
            rows = np.linspace(0, n - 1, min(n, DENSE_STATS_SAMPLE)).round().astype(np.int64)
            self._sample_vectors = np.ascontiguousarray(self.index.embeddings[rows])
        return self._sample_vectors

    def _linked_to(self, target: int) -> np.ndarray:
        if not hasattr(self, "_reverse"):
            idx = self.index
            sources = np.repeat(np.arange(idx.size), np.diff(idx.link_indptr))
            order = np.argsort(idx.link_targets, kind="stable")
            bounds = np.searchsorted(idx.link_targets[order], np.arange(idx.size + 1))
            self._reverse = (sources[order], bounds)
        sources, bounds = self._reverse
        return sources[bounds[target]:bounds[target + 1]]

    def retrieve(self, question: str) -> list[ReasoningPath]:
        """Beam search over paths of 1 to ``hops`` paragraphs; the best ``top_paths``, best first.

        After each hop a beam path whose P(stop) reaches the calibrated threshold ends there
        (a candidate answer path); the others grow. Every path still in the beam ends at
        ``hops``. See :mod:`mstool.toolkit.qa.chains`.
        """
        cfg = self.settings
        hybrid, _, _ = self.first_hop_scores(question)
        q_terms, q_vec = self._last
        title_bonus = self.title_scores(question, q_terms)
        top, probs = _softmax_top(hybrid + title_bonus, cfg.hop1_candidates, cfg.temperature)
        beam = [ReasoningPath([int(p)], [float(pr)], float(np.log(pr)))
                for p, pr in zip(top, probs, strict=True)]
        beam = beam[: max(cfg.beam, 1)]
        finished: list[ReasoningPath] = []
        for _ in range(cfg.hops - 1):
            scores = self._next_hop_scores([b.paragraphs for b in beam], q_terms, q_vec, title_bonus)
            grown = []
            for path, row in zip(beam, scores, strict=True):
                nxt, nprobs = _softmax_top(row, cfg.next_candidates, cfg.temperature)
                path.stop_probability = self._stop_probability(path, nxt, nprobs, q_terms)
                if path.stop_probability >= self.stop_model.threshold_after(len(path.paragraphs)):
                    finished.append(path)
                    continue
                grown += [ReasoningPath(path.paragraphs + [int(p)], path.hop_probs + [float(pr)],
                                        path.log_prob + float(np.log(max(pr, 1e-300))))
                          for p, pr in zip(nxt, nprobs, strict=True)]
            beam = self._dedupe(sorted(grown, key=lambda p: -p.log_prob))[: max(cfg.beam, cfg.top_paths) * 4]
            if not beam:
                break
        finished += beam
        self._all_paths = self.rerank(self._dedupe(finished), q_terms, title_bonus)
        return self._all_paths[: cfg.top_paths]

    def _stop_probability(self, path: ReasoningPath, nxt: np.ndarray, nprobs: np.ndarray,
                          q_terms: np.ndarray) -> float:
        """P(the chain ends at ``path``) from its coverage and what its next candidates would add."""
        covered = frozenset().union(*(self.doc_terms[p] for p in path.paragraphs))
        path.stop_features = stop_features(covered, [self.doc_terms[int(p)] for p in nxt], nprobs,
                                           q_terms, self.index.idf)
        return self.stop_model.probability(path.stop_features)

    @staticmethod
    def _dedupe(paths: list[ReasoningPath]) -> list[ReasoningPath]:
        seen, kept = set(), []
        for path in paths:
            key = frozenset(path.paragraphs)
            if key not in seen:
                seen.add(key)
                kept.append(path)
        return kept

    def rerank(self, paths: list[ReasoningPath], q_terms: np.ndarray,
               title_bonus: np.ndarray) -> list[ReasoningPath]:
        """Score whole paths: hop log-probabilities plus the question's idf mass the path covers."""
        idf = self.index.idf[q_terms]
        total = max(float(idf.sum()), 1e-9)
        for path in paths:
            union = frozenset().union(*(self.doc_terms[p] for p in path.paragraphs))
            coverage = float(sum(w for t, w in zip(q_terms, idf, strict=True) if t in union)) / total
            repeats = self._repeated_entities(path.paragraphs)
            if self.weights.path_dense:
                joint = self.index.embeddings[path.paragraphs].sum(axis=0)
                coverage += self.weights.path_dense * float(joint @ self._last[1]) / max(
                    float(np.linalg.norm(joint)), 1e-9)
            path.features = {"log_prob": path.log_prob, "coverage": coverage, "repeated_entity": repeats}
            if path.stop_probability is not None:
                path.features["stop_probability"] = path.stop_probability
            path.score = path.log_prob + self.weights.coverage * coverage - self.weights.same_entity * repeats
        return sorted(paths, key=lambda p: -p.score)

    def ranked_paragraphs(self, paths: list[ReasoningPath], k: int) -> list[int]:
        """Top-k paragraphs by their marginal over all reranked paths, then by hop-1 score."""
        pool = getattr(self, "_all_paths", None) or paths
        ranked = paragraph_marginals(pool)[:k]
        if len(ranked) < k and hasattr(self, "_last_hybrid"):
            present = set(ranked)
            for p in np.argsort(-self._last_hybrid, kind="stable")[: 2 * k]:
                if len(ranked) >= k:
                    break
                if int(p) not in present:
                    ranked.append(int(p))
        return ranked

    def _repeated_entities(self, paragraphs: list[int]) -> float:
        """How many hops are about an entity another hop already covers (same title once disambiguated)."""
        names = [fold(strip_disambiguation(self.index.titles[p])) for p in paragraphs]
        repeats = 0
        for i, name in enumerate(names):
            if any(name == other or (len(other) > 3 and other in name) or (len(name) > 3 and name in other)
                   for other in names[:i]):
                repeats += 1
        return float(repeats)

    def rank_paragraphs(self, question: str, method: str = "hybrid", k: int = 10) -> list[int]:
        """Single-hop ranking by 'bm25', 'dense' or 'hybrid' (baselines for the benchmark)."""
        hybrid, z_bm25, z_dense = self.first_hop_scores(question)
        scores = {"bm25": z_bm25, "dense": z_dense, "hybrid": hybrid}[method]
        return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]


def paragraph_marginals(paths: list[ReasoningPath]) -> list[int]:
    """Paragraph ids by the total softmax weight of the paths that contain them.

    >>> paragraph_marginals([ReasoningPath([3, 1], [1, 1], 0, 2.0), ReasoningPath([2, 1], [1, 1], 0, 1.0)])
    [1, 3, 2]
    """
    if not paths:
        return []
    scores = np.array([p.score for p in paths])
    weights = np.exp(scores - scores.max())
    total: dict[int, float] = {}
    for path, weight in zip(paths, weights, strict=True):
        for p in path.paragraphs:
            total[p] = total.get(p, 0.0) + float(weight)
    return sorted(total, key=lambda p: -total[p])


def paragraphs_in_path_order(paths: list[ReasoningPath]) -> list[int]:
    """Paragraph ids in order of first appearance in ranked paths (for recall@k).

    >>> paragraphs_in_path_order([ReasoningPath([3, 1], [1, 1], 0), ReasoningPath([3, 2], [1, 1], 0)])
    [3, 1, 2]
    """
    seen: dict[int, None] = {}
    for path in paths:
        for p in path.paragraphs:
            seen.setdefault(p, None)
    return list(seen)
