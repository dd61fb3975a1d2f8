"""``qa eval``: answer every question of a dataset and score answers, facts and retrieval.

Answer/supporting-fact/joint EM and F1 follow the HotpotQA script (supporting
facts only over questions that carry them); retrieval reports the recall of all
gold paragraphs in the top-k ranked paragraphs and the top-1 path exact match.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mstool.toolkit.qa.dataset import EvalQuestion
from mstool.toolkit.qa.metrics import best_answer_scores, joint_scores, supporting_fact_scores
from mstool.toolkit.qa.pipeline import QASystem

RECALL_KS = (2, 5, 10, 20)


def titles_to_ids(titles: list[str]) -> dict[str, set[int]]:
    """Paragraph ids of each title (a title may name several paragraphs).

    >>> titles_to_ids(["A", "B", "A"])["A"]
    {0, 2}
    """
    found: dict[str, set[int]] = {}
    for i, title in enumerate(titles):
        found.setdefault(title, set()).add(i)
    return found


def score_question(system: QASystem, question: EvalQuestion, by_title: dict[str, set[int]]
                   ) -> dict[str, Any]:
    """Per-question scores (answer, supporting facts, joint, retrieval)."""
    paths, answer = system.answer_paths(question.question)
    gold = [by_title.get(t, set()) for t in question.gold_titles]
    ans = best_answer_scores(answer.text, question.answers)
    row: dict[str, Any] = {"id": question.qid, "question": question.question, "prediction": answer.text,
                           "supporting_facts": [[s.title, s.index] for s in answer.supporting],
                           "gold": question.answers[0], "answer_em": ans[0], "answer_f1": ans[1],
                           "answer_type": answer.qtype.label, "hops": len(paths[0].paragraphs)}
    if question.supporting_facts is not None:
        predicted = [(s.title, s.index) for s in answer.supporting]
        sp = supporting_fact_scores(predicted, question.supporting_facts)
        joint = joint_scores(ans, sp)
        row.update(sp_em=sp[0], sp_f1=sp[1], joint_em=joint[0], joint_f1=joint[1])
    if gold and all(gold):
        top = set(paths[0].paragraphs)
        row["path_em_at_1"] = float(all(g & top for g in gold) and len(top) == len(gold))
        ranked = system.retriever.ranked_paragraphs(paths, max(RECALL_KS))
        for k in RECALL_KS:
            row[f"recall_all_gold_at_{k}"] = float(all(g & set(ranked[:k]) for g in gold))
    row["top_path"] = [system.index.titles[p] for p in paths[0].paragraphs]
    return row


def summarise(rows: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """Means over questions (in percent) and counts."""
    keys = ["answer_em", "answer_f1", "sp_em", "sp_f1", "joint_em", "joint_f1", "path_em_at_1"] + [
        f"recall_all_gold_at_{k}" for k in RECALL_KS]
    summary: dict[str, Any] = {"questions": len(rows)}
    for key in keys:
        values = [r[key] for r in rows if key in r]
        summary[key] = round(100.0 * float(np.mean(values)), 2) if values else None
    summary["answer_f1_by_type"] = answer_f1_by(rows, "answer_type")
    summary["answer_f1_by_hops"] = answer_f1_by(rows, "hops")
    summary["questions_with_supporting_facts"] = sum("sp_f1" in r for r in rows)
    summary["questions_with_gold_paragraphs"] = sum("path_em_at_1" in r for r in rows)
    summary["seconds"] = round(seconds, 2)
    summary["questions_per_second"] = round(len(rows) / max(seconds, 1e-9), 2)
    return summary


def answer_f1_by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, float]]:
    """Answer F1 (percent) and question count per value of ``key`` (predicted answer type, top path hops).

    >>> rows = [{"hops": 2, "answer_f1": 1.0}, {"hops": 2, "answer_f1": 0.0}, {"hops": 1, "answer_f1": 0.5}]
    >>> answer_f1_by(rows, "hops")
    {'1': {'questions': 1, 'answer_f1': 50.0}, '2': {'questions': 2, 'answer_f1': 50.0}}
    """
    groups: dict[str, list[float]] = {}
    for row in rows:
        if key in row:
            groups.setdefault(str(row[key]), []).append(row["answer_f1"])
    return {value: {"questions": len(f1), "answer_f1": round(100.0 * float(np.mean(f1)), 2)}
            for value, f1 in sorted(groups.items())}


def evaluate(system: QASystem, questions: list[EvalQuestion],
             advance: Callable[..., None] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(summary, per-question rows) over a list of questions."""
    rows = []
    by_title = titles_to_ids(system.index.titles)
    start = time.perf_counter()
    for question in questions:
        rows.append(score_question(system, question, by_title))
        if advance is not None:
            advance(1)
    return summarise(rows, time.perf_counter() - start), rows


def hotpotqa_predictions(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Predictions in the official HotpotQA format, as ``hotpot_evaluate_v1.py`` reads them.

    >>> hotpotqa_predictions([{"id": "q1", "prediction": "Paris", "supporting_facts": [["France", 0]]}])
    {'answer': {'q1': 'Paris'}, 'sp': {'q1': [['France', 0]]}}
    """
    return {"answer": {r["id"]: r["prediction"] for r in rows},
            "sp": {r["id"]: [[title, int(i)] for title, i in r["supporting_facts"]] for r in rows}}
