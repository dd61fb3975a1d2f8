"""The official HotpotQA metrics: answer EM/F1, supporting-fact EM/F1 and joint EM/F1.

Normalisation follows the HotpotQA evaluation script: lower case, drop
punctuation and the articles a/an/the, squeeze spaces; a yes/no/noanswer
prediction scores F1 only when it is exactly right.
"""

from __future__ import annotations

import re
import string
from collections import Counter

_PUNCT = set(string.punctuation)
_SPECIAL = ("yes", "no", "noanswer")


def normalize_answer(text: str) -> str:
    """Official answer normalisation.

    >>> normalize_answer("The  Chief of Protocol!")
    'chief of protocol'
    """
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def answer_f1(prediction: str, gold: str) -> tuple[float, float, float]:
    """(F1, precision, recall) of the normalised token bags.

    >>> tuple(round(v, 3) for v in answer_f1("Chief of Protocol of the US", "Chief of Protocol"))
    (0.75, 0.6, 1.0)
    """
    pred, truth = normalize_answer(prediction), normalize_answer(gold)
    if (pred in _SPECIAL or truth in _SPECIAL) and pred != truth:
        return 0.0, 0.0, 0.0
    common = Counter(pred.split()) & Counter(truth.split())
    same = sum(common.values())
    if same == 0:
        return 0.0, 0.0, 0.0
    precision = same / len(pred.split())
    recall = same / len(truth.split())
    return 2 * precision * recall / (precision + recall), precision, recall


def answer_em(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are equal.

    >>> answer_em("the Beatles", "Beatles")
    1.0
    """
    return float(normalize_answer(prediction) == normalize_answer(gold))


def best_answer_scores(prediction: str, golds: list[str]) -> tuple[float, float, float, float]:
    """(EM, F1, precision, recall) against the best-matching gold answer or alias."""
    best = (0.0, 0.0, 0.0, 0.0)
    for gold in golds:
        f1, precision, recall = answer_f1(prediction, gold)
        candidate = (answer_em(prediction, gold), f1, precision, recall)
        best = max(best, candidate, key=lambda s: (s[1], s[0]))
    return best


def supporting_fact_scores(predicted: list[tuple[str, int]], gold: list[tuple[str, int]]
                           ) -> tuple[float, float, float, float]:
    """(EM, F1, precision, recall) of (title, sentence index) sets.

    >>> supporting_fact_scores([("A", 0), ("B", 1)], [("A", 0), ("B", 0)])
    (0.0, 0.5, 0.5, 0.5)
    """
    pred, truth = {tuple(x) for x in predicted}, {tuple(x) for x in gold}
    tp = len(pred & truth)
    fp, fn = len(pred - truth), len(truth - pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(fp + fn == 0), f1, precision, recall


def joint_scores(answer: tuple[float, float, float, float], sp: tuple[float, float, float, float]
                 ) -> tuple[float, float]:
    """Joint (EM, F1) from answer and supporting-fact (EM, F1, precision, recall).

    >>> joint_scores((1.0, 1.0, 1.0, 1.0), (0.0, 0.5, 0.5, 0.5))
    (0.0, 0.5)
    """
    precision, recall = answer[2] * sp[2], answer[3] * sp[3]
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return answer[0] * sp[0], f1
