"""Evaluation questions: HotpotQA/MuSiQue-style records with gold answers and gold paragraphs.

JSONL (one question a line with ``paragraphs``) and HotpotQA JSON (``context``,
``supporting_facts``) are both read; gold paragraphs come from ``is_supporting``
flags or from the titles in ``supporting_facts``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from mstool.toolkit.errors import InputError
from mstool.toolkit.qa.corpus import iter_json_records


@dataclass
class EvalQuestion:
    """A question with its gold answers, gold paragraph titles and (optional) supporting facts."""

    qid: str
    question: str
    answers: list[str]
    gold_titles: list[str]
    supporting_facts: list[tuple[str, int]] | None = None
    qtype: str | None = None
    extra: dict = field(default_factory=dict)


def _gold_titles(item: dict, facts: list[tuple[str, int]] | None) -> list[str]:
    titles = [p["title"] for p in item.get("paragraphs", []) if p.get("is_supporting")]
    if not titles and facts:
        titles = list(dict.fromkeys(t for t, _ in facts))
    return titles


def question_from_record(item: dict, where: str) -> EvalQuestion:
    """One :class:`EvalQuestion` from a JSON record.

    >>> record = {"question": "Who?", "answer": "Ann", "supporting_facts": [["A", 0]]}
    >>> question_from_record(record, "x").gold_titles
    ['A']
    """
    if not isinstance(item, dict):
        raise InputError("expected a JSON object", where=where)
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        raise InputError("record has no 'question'", where=where)
    answer = item.get("answer")
    if not isinstance(answer, str):
        raise InputError("record has no 'answer' string", where=where)
    raw_facts = item.get("supporting_facts")
    facts = [(str(t), int(i)) for t, i in raw_facts] if raw_facts else None
    aliases = [a for a in item.get("answer_aliases") or [] if isinstance(a, str)]
    return EvalQuestion(qid=str(item.get("id", item.get("_id", where))), question=question,
                        answers=[answer] + aliases, gold_titles=_gold_titles(item, facts),
                        supporting_facts=facts, qtype=item.get("type"))


def read_questions(path: str | Path, limit: int | None = None) -> list[EvalQuestion]:
    """Questions of an evaluation file (at most ``limit``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    found = []
    for item, where in iter_json_records(path):
        found.append(question_from_record(item, where))
        if limit is not None and len(found) >= limit:
            break
    if not found:
        raise InputError("no questions found", where=str(path))
    return found


def question_half(qid: str) -> str:
    """'development' or 'held-out': a fixed split of a question set by the parity of sha256(id).

    Rules and weights are tuned on the development half only; the held-out half checks them.

    >>> question_half("5a8c7595554299585d9e36b6"), question_half("5a85ea095542994775f606a8")
    ('development', 'held-out')
    """
    digest = hashlib.sha256(qid.encode("utf-8")).digest()
    return "development" if digest[-1] % 2 == 0 else "held-out"
