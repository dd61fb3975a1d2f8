"""Path retrieval, question typing, spans and answers on the bundled corpus (real MiniLM encoder)."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.schemas.qa import RetrievalSettings
from mstool.toolkit.errors import InputError
from mstool.toolkit.qa import PathRetriever
from mstool.toolkit.qa.answer import extract_answer
from mstool.toolkit.qa.dataset import read_questions
from mstool.toolkit.qa.question import classify_question
from mstool.toolkit.qa.spans import candidate_spans
from tests.qa.conftest import BUNDLED


def _questions():
    return read_questions(BUNDLED / "questions.jsonl")


def test_top_path_holds_both_gold_paragraphs(bundled_index, minilm):
    retriever = PathRetriever(bundled_index, minilm)
    hits = 0
    for q in _questions():
        paths = retriever.retrieve(q.question)
        hits += {bundled_index.titles[p] for p in paths[0].paragraphs} == set(q.gold_titles)
    assert hits >= 9


def test_paths_are_scored_and_sorted(bundled_index, minilm):
    retriever = PathRetriever(bundled_index, minilm, RetrievalSettings(hops=3, beam=5, top_paths=6))
    paths = retriever.retrieve("Where is the company that developed Fortran headquartered?")
    assert all(1 <= len(p.paragraphs) <= 3 and len(set(p.paragraphs)) == len(p.paragraphs) for p in paths)
    assert any(len(p.paragraphs) == 3 for p in paths)
    scores = [p.score for p in paths]
    assert scores == sorted(scores, reverse=True)
    for path in paths:
        assert np.isclose(path.log_prob, np.sum(np.log(path.hop_probs)))
        assert all(0 < pr <= 1 for pr in path.hop_probs)
    assert len({frozenset(p.paragraphs) for p in paths}) == len(paths)


def test_hop_one_probabilities_form_a_distribution(bundled_index, minilm):
    retriever = PathRetriever(bundled_index, minilm, RetrievalSettings(hops=1, beam=100, top_paths=100,
                                                                       hop1_candidates=22))
    paths = retriever.retrieve("Who created Python?")
    assert np.isclose(sum(p.hop_probs[0] for p in paths), 1.0)


@pytest.mark.parametrize("question", ["", "   ", "Who is the one which was?"])
def test_empty_or_stop_word_question(bundled_index, minilm, question):
    with pytest.raises(InputError, match="empty or has only stop words"):
        PathRetriever(bundled_index, minilm).retrieve(question)


def test_answers_on_bundled_questions(bundled_index, minilm):
    retriever = PathRetriever(bundled_index, minilm)
    right = 0
    for q in _questions():
        path = retriever.retrieve(q.question)[0].paragraphs
        right += extract_answer(bundled_index, path, q.question).text == q.answers[0]
    assert right >= 6


def test_question_types():
    cases = {
        "Who was born first, Alan Turing or Grace Hopper?": ("comparison", "entity", "min"),
        "Were Alan Turing and Charles Babbage both English?": ("comparison", "yesno", None),
        "How many people live in the town where Byron died?": ("bridge", "number", None),
        "In what city was the creator of Python born?": ("bridge", "place", None),
        "The band was formed by who?": ("bridge", "person", None),
        "What year was the film released?": ("bridge", "date", None),
    }
    for question, (kind, answer_type, direction) in cases.items():
        got = classify_question(question)
        assert (got.kind, got.answer_type) == (kind, answer_type), question
        if direction:
            assert got.direction == direction


def test_candidate_spans():
    spans = {(s.text, s.kind) for s in candidate_spans(
        "Grace Brewster Hopper (December 9, 1906 – January 1, 1992) was a rear admiral of the "
        "United States Navy who managed 1,200 people from 1943 to 1966.")}
    assert ("Grace Brewster Hopper", "entity") in spans
    assert ("December 9, 1906", "date") in spans
    assert ("United States Navy", "entity") in spans
    assert ("1,200", "number") in spans
    assert ("from 1943 to 1966", "date") in spans


def test_comparison_and_yes_no(bundled_index):
    title = {t: i for i, t in enumerate(bundled_index.titles)}
    answer = extract_answer(bundled_index, [title["COBOL"], title["Fortran"]],
                            "Which programming language was released first, COBOL or Fortran?")
    assert answer.text == "Fortran" and answer.method == "attribute comparison"
    later = extract_answer(bundled_index, [title["COBOL"], title["Fortran"]],
                           "Which language was released later, COBOL or Fortran?")
    assert later.text == "COBOL"
    yes = extract_answer(bundled_index, [title["Alan Turing"], title["Charles Babbage"]],
                         "Were Alan Turing and Charles Babbage both English?")
    no = extract_answer(bundled_index, [title["Alan Turing"], title["Grace Hopper"]],
                        "Were Alan Turing and Grace Hopper of the same nationality?")
    assert (yes.text, no.text) == ("yes", "no")
    assert {s.title for s in yes.supporting} == {"Alan Turing", "Charles Babbage"}
