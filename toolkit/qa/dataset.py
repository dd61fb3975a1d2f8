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
    has_id: bool = True


def _gold_titles(item: dict, facts: list[tuple[str, int]] | None, where: str) -> list[str]:
    paragraphs = item.get("paragraphs") or []
    if not isinstance(paragraphs, list) or not all(isinstance(p, dict) for p in paragraphs):
        raise InputError("field 'paragraphs' must be a list of objects", where=where)
    titles = [p.get("title") for p in paragraphs if p.get("is_supporting")]
    if not all(isinstance(t, str) for t in titles):
        raise InputError("a supporting paragraph has no 'title' string", where=where)
    if not titles and facts:
        titles = list(dict.fromkeys(t for t, _ in facts))
    return titles


def _supporting_facts(raw: object, where: str) -> list[tuple[str, int]] | None:
    if not raw:
        return None
    if not isinstance(raw, list) or not all(
        isinstance(f, list) and len(f) == 2 and isinstance(f[0], str)
        and isinstance(f[1], int) and not isinstance(f[1], bool) for f in raw
    ):
        raise InputError("field 'supporting_facts' must be a list of [title, sentence number] pairs",
                         where=where)
    return [(t, i) for t, i in raw]


def _optional_text(item: dict, key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"field '{key}' must be a string", where=where)
    return value


def question_from_record(item: dict, where: str) -> EvalQuestion:
    """One :class:`EvalQuestion` from a JSON record; wrong types name the field and line.

    >>> record = {"question": "Who?", "answer": "Ann", "supporting_facts": [["A", 0]]}
    >>> question_from_record(record, "x").gold_titles
    ['A']
    >>> try:
    ...     question_from_record({"question": "Who?", "answer": "Ann", "answer_aliases": 5}, "q.jsonl:3")
    ... except InputError as err:
    ...     print(err)
    q.jsonl:3: field 'answer_aliases' must be a list of strings
    """
    if not isinstance(item, dict):
        raise InputError("expected a JSON object", where=where)
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        raise InputError("record has no 'question'", where=where)
    answer = item.get("answer")
    if not isinstance(answer, str):
        raise InputError("record has no 'answer' string", where=where)
    facts = _supporting_facts(item.get("supporting_facts"), where)
    aliases = item.get("answer_aliases") or []
    if not isinstance(aliases, list):
        raise InputError("field 'answer_aliases' must be a list of strings", where=where)
    has_id = "id" in item or "_id" in item
    qid = item.get("id", item.get("_id", where))
    if not isinstance(qid, str | int) or isinstance(qid, bool):
        raise InputError("field 'id' must be a string or an integer", where=where)
    return EvalQuestion(qid=str(qid), question=question,
                        answers=[answer] + [a for a in aliases if isinstance(a, str)],
                        gold_titles=_gold_titles(item, facts, where),
                        supporting_facts=facts, qtype=_optional_text(item, "type", where), has_id=has_id)


def read_questions(path: str | Path, limit: int | None = None) -> list[EvalQuestion]:
    """Questions of an evaluation file (at most ``limit``); a repeated question id raises.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.jsonl"
    >>> _ = p.write_text('{"id": "a", "question": "Who?", "answer": "X"}\\n' * 2)
    >>> try:
    ...     read_questions(p)
    ... except InputError as err:
    ...     print(str(err).split("/")[-1])
    q.jsonl:2: duplicate question id 'a' (first at line 1)
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", where=str(path))
    found = []
    first_seen: dict[str, str] = {}
    for item, where in iter_json_records(path):
        question = question_from_record(item, where)
        if question.has_id and question.qid in first_seen:
            raise InputError(f"duplicate question id '{question.qid}' (first at line "
                             f"{first_seen[question.qid].rsplit(':', 1)[-1]})", where=where)
        first_seen[question.qid] = where
        found.append(question)
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
