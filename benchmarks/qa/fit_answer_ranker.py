"""Fit the answer-span ranker's weights on the development half of a question set.

The questions are split once and for all by :func:`mstool.toolkit.qa.dataset.question_half`
(parity of sha256 of the question id). For every development question answered
by span extraction (bridge questions that are neither yes/no nor 'X or Y'), the
candidate occurrences in the top retrieved path get their feature vectors and
their answer F1 against the gold answer. The weights maximise the log of the
expected F1 of the occurrence a softmax over the question's occurrences would
pick (``--objective listwise``; ``pairwise`` is a logistic loss on occurrence pairs), with an L2
pull towards hand-set prior weights (``--pull prior``) or zero, and are written to
``toolkit/qa/ranker_weights.py``. The L2 strength, objective and feature set are chosen by
cross-validation inside the development half (``--cv``, ``--feature-sets``). The held-out half is
only scored, never fitted.

    python benchmarks/qa/fit_answer_ranker.py --index dev500.qaidx.h5 --development-only \\
        [--data ../shared/data/qa/hotpotqa_dev500.jsonl] [--cv 0.3,0.03,0.01] [--write] \\
        [--similarity] [--feature-sets] [--features NAME] [--objective listwise|pairwise] [--pull prior|zero]
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logsumexp

from mstool.schemas.qa import QARecipe
from mstool.toolkit.qa import Encoder, PathRetriever, load_index
from mstool.toolkit.qa.dataset import question_half, read_questions
from mstool.toolkit.qa.metrics import best_answer_scores
from mstool.toolkit.qa.question import classify_question
from mstool.toolkit.qa.ranker import FEATURES, path_candidates, rank_spans
from mstool.toolkit.qa.ranker_weights import WEIGHTS

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "qa" / "hotpotqa_dev500.jsonl"


def top_paths(index, questions, cache: Path | None) -> dict[str, list[list[int]]]:
    """The retrieved paths of every question, best first, as ``qa eval`` ranks them (cached in a
    pickle when asked)."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    recipe = QARecipe()
    index.set_bm25(recipe.bm25.k1, recipe.bm25.b)
    retriever = PathRetriever(index, Encoder(), recipe.retrieval)
    paths = {q.qid: [p.paragraphs for p in retriever.retrieve(q.question)] for q in questions}
    if cache is not None:
        cache.write_bytes(pickle.dumps(paths))
    return paths


def build_examples(index, questions, paths, max_tokens: int, encoder=None):
    """(half, texts, matrix, F1 of each occurrence, answer label, path length) per span-answered question."""
    examples = []
    for q in questions:
        qtype = classify_question(q.question)
        if qtype.answer_type == "yesno" or qtype.options:
            continue
        texts, matrix = path_candidates(index, paths[q.qid][0], q.question, qtype, max_tokens, encoder,
                                        paths[q.qid][1:])
        if not texts:
            continue
        f1 = np.array([best_answer_scores(t, q.answers)[1] for t in texts])
        examples.append((question_half(q.qid), texts, matrix, f1, qtype.label, len(paths[q.qid][0])))
    return examples


# Feature sets compared by cross-validation on the development half (--feature-sets): the ranker as it
# was, the question-agnostic cues added without and with the encoder's similarity, and the agnostic cues
# alone (type agreement, position, overlap with the question and the bridge entity, similarity, length,
# capitals).
NEW = ("type_match", "type_clash", "capitalised", "bridge_overlap", "sentence_similarity")
# cues of this round: the sentence is its paragraph's best by the supporting-fact score; the share of the
# other retrieved paths that hold the span
PATH_CUES = ("best_sentence", "path_frequency")
AGNOSTIC = ("bias_overlap", "lead", "bridge", "inside", "proximity", "position", "sentence_rank",
            "last_paragraph", "words", "single_word", "count", "type_match", "type_clash", "capitalised",
            "bridge_overlap", "sentence_similarity", "unasked_title", "path_title", "title_added")
_TYPED = [f for f in FEATURES if f not in PATH_CUES and f != "sentence_similarity"]
FEATURE_SETS = {
    "previous": [f for f in FEATURES if f not in NEW + PATH_CUES],
    "previous + typed": _TYPED,
    "previous + typed + similarity": _TYPED + ["sentence_similarity"],
    "previous + typed + best sentence": _TYPED + ["best_sentence"],
    "previous + typed + path frequency": _TYPED + ["path_frequency"],
    "previous + typed + path cues": _TYPED + list(PATH_CUES),
    "agnostic only": list(AGNOSTIC),
    "agnostic + path cues": list(AGNOSTIC + PATH_CUES),
}


def restrict(examples, names: list[str]):
    """The examples with every feature outside ``names`` set to 0 (so its weight stays at 0)."""
    keep = np.array([f in names for f in FEATURES], dtype=float)
    return [(e[0], e[1], e[2] * keep, *e[3:]) for e in examples]


# Hand-set starting beliefs (the rules the ranker replaced); the fit is pulled towards them, not to zero,
# so that a cue the development half rarely shows keeps its sign.
PRIOR = {"bias_overlap": 1.0, "lead": 0.25, "bridge": 0.3, "inside": -1.0, "proximity": 0.5,
         "last_paragraph": 0.4, "unasked_title_entity": 1.0, "person_like_person": 0.5, "person_unasked": 1.0,
         "preposition_place": 0.5, "preposition_date": 0.5, "head_in_span": 0.8, "demonym": -1.0,
         "known_person_place": -2.0, "known_place_person": -2.0, "person_like_place": -1.0,
         "person_like_date": -1.0, "person_like_number": -1.0}
for _type, _table in {"date": {"date": 2.0}, "number": {"number": 2.0}, "person": {"entity": 2.0},
                      "place": {"entity": 1.5}}.items():
    for _kind in ("entity", "date", "number", "phrase"):
        PRIOR[f"{_kind}_{_type}"] = _table.get(_kind, -1.0)
PRIOR.update({"entity_entity": 1.2, "phrase_entity": 0.3, "date_entity": 0.2, "number_entity": 0.2})


def fit(examples, l2: float, objective: str = "listwise", pull: str = "prior") -> np.ndarray:
    """Ranker weights fitted on ``examples`` with an L2 pull towards :data:`PRIOR` (or zero).

    ``listwise``: per question, log sum_i F1_i exp(s_i) - log sum_j exp(s_j), the log of the expected
    F1 of the softmax-chosen occurrence, so every occurrence that overlaps the gold answer counts in
    proportion to its F1. ``pairwise``: logistic loss on every pair of occurrences with different
    F1, weighted by the F1 difference and normalised per question (each question counts once).
    """
    usable = [(e[2], e[3]) for e in examples if e[3].max() > 0]
    target = np.array([PRIOR.get(name, 0.0) if pull == "prior" else 0.0 for name in FEATURES])
    data_loss = _listwise_loss(usable) if objective == "listwise" else _pairwise_loss(usable)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        # the pull counts once per question, as the data loss is a mean over questions
        value, grad = data_loss(w)
        pull_value = l2 * float((w - target) @ (w - target)) / len(usable)
        return value + pull_value, grad + 2 * l2 * (w - target) / len(usable)

    return minimize(loss, target.copy(), jac=True, method="L-BFGS-B").x


def _listwise_loss(usable):
    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for matrix, f1 in usable:
            scores = matrix @ w
            positive = f1 > 0
            all_lse = logsumexp(scores)
            pos_lse = logsumexp(scores[positive], b=f1[positive])
            total += all_lse - pos_lse
            p_pos = np.zeros_like(scores)
            p_pos[positive] = f1[positive] * np.exp(scores[positive] - pos_lse)
            grad += matrix.T @ (np.exp(scores - all_lse) - p_pos)
        return total / len(usable), grad / len(usable)
    return loss


def _pairwise_loss(usable):
    differences, weights = [], []
    for matrix, f1 in usable:
        better, worse = np.nonzero(f1[:, None] > f1[None, :])
        gap = f1[better] - f1[worse]
        differences.append(matrix[better] - matrix[worse])
        weights.append(gap / gap.sum())
    diff, weight = np.vstack(differences), np.concatenate(weights) / len(usable)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = diff @ w
        value = float(weight @ np.logaddexp(0.0, -margin))
        return value, -diff.T @ (weight * expit(-margin))
    return loss


def top1_f1(examples, weights: np.ndarray) -> float:
    """Mean F1 of the top-ranked span."""
    return float(np.mean([dict(zip(e[1], e[3], strict=True))[rank_spans(e[1], e[2], weights)[0][0]]
                          for e in examples]))


def cross_validated_f1(examples, l2: float, folds: int = 5, shuffles: int = 3, **how) -> np.ndarray:
    """Each example's top-1 span F1 when it was in the test fold, averaged over 3 fixed shuffles of
    5-fold cross-validation (``how``: :func:`fit`'s objective and pull). Per question, so that two
    settings can be compared question by question."""
    scores = np.zeros(len(examples))
    for seed in range(shuffles):
        order = np.random.default_rng(seed).permutation(len(examples))
        for k in range(folds):
            held = set(order[k::folds].tolist())
            weights = fit([e for i, e in enumerate(examples) if i not in held], l2, **how)
            for i in held:
                scores[i] += top1_f1([examples[i]], weights) / shuffles
    return scores


def cross_validate(examples, l2: float, folds: int = 5, shuffles: int = 3, **how) -> float:
    """Mean top-1 span F1 of :func:`cross_validated_f1`."""
    return float(np.mean(cross_validated_f1(examples, l2, folds, shuffles, **how)))


def report(examples, weights: np.ndarray, label: str) -> None:
    for half in ("development", "held-out"):
        chosen = [(e[1], e[2], e[3]) for e in examples if e[0] == half]
        if not chosen:
            continue
        top = [dict(zip(texts, f1, strict=True))[rank_spans(texts, m, weights)[0][0]]
               for texts, m, f1 in chosen]
        oracle = [f1.max() for _, _, f1 in chosen]
        print(f"{label:>8} {half:>11}: {len(chosen)} questions, top-1 span F1 {100 * np.mean(top):.1f} "
              f"(best candidate {100 * np.mean(oracle):.1f})")


def write_weights(weights: np.ndarray, l2: float, path: Path, features: str, how: dict) -> None:
    lines = ['"""Answer-span ranker weights, fitted by benchmarks/qa/fit_answer_ranker.py on the',
             f'development half of the HotpotQA dev500 questions ({how["objective"]}, L2 {l2:g} towards the '
             f'{how["pull"]},', f'features "{features}"); do not edit by hand."""', "",
             "WEIGHTS = {"]
    lines += [f"    {name!r}: {value:.4f}," for name, value in zip(FEATURES, weights, strict=True)]
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--index", type=Path, required=True, help="qa-index of the pooled corpus")
    parser.add_argument("--paths-cache", type=Path, help="pickle of the top paths (written once, then read)")
    parser.add_argument("--l2", type=float, default=0.3,
                        help="pull towards PRIOR (0.3: the best of --cv 1,0.3,0.1 on the development half)")
    parser.add_argument("--cv", help="comma-separated L2 values to cross-validate (5 folds x 3 shuffles, "
                                     "development half only)")
    parser.add_argument("--write", action="store_true", help="write toolkit/qa/ranker_weights.py")
    parser.add_argument("--similarity", action="store_true",
                        help="fill the question-sentence similarity feature with the bundled encoder")
    parser.add_argument("--examples-cache", type=Path, help="pickle of the feature matrices (written once)")
    parser.add_argument("--feature-sets", action="store_true",
                        help="cross-validate FEATURE_SETS on the development half (at --l2) and print them")
    parser.add_argument("--features", default="previous + typed + similarity", choices=list(FEATURE_SETS),
                        help="the feature set to fit")
    parser.add_argument("--objective", default="listwise", choices=("listwise", "pairwise"))
    parser.add_argument("--pull", default="prior", choices=("prior", "zero"), help="what L2 pulls towards")
    parser.add_argument("--development-only", action="store_true",
                        help="print development-half figures only (the held-out half stays unseen)")
    args = parser.parse_args()
    questions = read_questions(args.data)
    if args.development_only:
        questions = [q for q in questions if question_half(q.qid) == "development"]
    index = load_index(args.index)
    paths = top_paths(index, questions, args.paths_cache)
    if args.examples_cache is not None and args.examples_cache.exists():
        examples = pickle.loads(args.examples_cache.read_bytes())
    else:
        examples = build_examples(index, questions, paths, QARecipe().answer.max_answer_tokens,
                                  Encoder() if args.similarity else None)
        if args.examples_cache is not None:
            args.examples_cache.write_bytes(pickle.dumps(examples))
    current = np.array([WEIGHTS.get(name, 0.0) for name in FEATURES])
    report(examples, current, "current")
    report(examples, np.array([PRIOR.get(name, 0.0) for name in FEATURES]), "prior")
    development = [e for e in examples if e[0] == "development"]
    how = {"objective": args.objective, "pull": args.pull}
    for name in FEATURE_SETS if args.feature_sets else []:
        print(f"cross-validated on the development half, {name} (L2 {args.l2:g}): top-1 span F1 "
              f"{100 * cross_validate(restrict(development, FEATURE_SETS[name]), args.l2, **how):.2f}")
    development = restrict(development, FEATURE_SETS[args.features])
    for l2 in [float(v) for v in args.cv.split(",")] if args.cv else []:
        print(f"cross-validated on the development half, L2 {l2:g}: top-1 span F1 "
              f"{100 * cross_validate(development, l2, **how):.2f}")
    chosen = np.array([f in FEATURE_SETS[args.features] for f in FEATURES])
    weights = fit(development, args.l2, **how) * chosen
    report(restrict(examples, FEATURE_SETS[args.features]), weights, "fitted")
    for name, value in sorted(zip(FEATURES, weights, strict=True), key=lambda kv: -abs(kv[1]))[:12]:
        print(f"  {name:>16} {value:+.3f}")
    if args.write:
        write_weights(weights, args.l2, REPO / "toolkit" / "qa" / "ranker_weights.py", args.features, how)
        print("wrote toolkit/qa/ranker_weights.py")


if __name__ == "__main__":
    main()
