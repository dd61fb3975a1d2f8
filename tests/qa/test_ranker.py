"""The answer-span ranker: its features on hand-made sentences, its weights' fit, the fixed question split."""

from __future__ import annotations

import importlib.util

import numpy as np

from mstool.toolkit.qa.answer import extract_answer
from mstool.toolkit.qa.dataset import question_half
from mstool.toolkit.qa.question import classify_question
from mstool.toolkit.qa.ranker import (
    FEATURES,
    SentenceContext,
    lead_class,
    occurrences,
    question_context,
    rank_spans,
    span_variants,
)
from mstool.toolkit.qa.spans import Span
from tests.conftest import REPO_ROOT


def _features(question: str, sentence: str, titles=("Alpha",), asked=(0,), paragraph=1):
    qtype = classify_question(question)
    path = list(range(len(titles)))
    ctx = question_context(question, qtype, list(titles), path, set(asked))
    sent = SentenceContext(sentence, paragraph, 1, 0.5, False)
    texts, matrix = occurrences([sent], ctx, 12)
    return {t: dict(zip(FEATURES, row, strict=True)) for t, row in zip(texts, matrix, strict=True)}


def test_number_followed_by_the_asked_unit():
    feats = _features("How many countries does the company operate in?",
                      "The company has offices in 70 countries and employs 5,000 people.")
    assert feats["70"]["unit_after"] == 1.0 and feats["5,000"]["unit_after"] == 0.0
    assert feats["70"]["number_number"] == 1.0 and feats["5,000"]["number_number"] == 1.0


def test_preposition_quote_and_parenthesis_cues():
    feats = _features("In which city was the painter born?",
                      'The painter (born in Leiden) moved to "Amsterdam" in 1630.',
                      titles=("Painter", "Leiden"))
    assert feats["Leiden"]["preposition"] == 1.0 and feats["Leiden"]["in_parentheses"] == 1.0
    assert feats["Leiden"]["preposition_place"] == 1.0 and feats["Leiden"]["entity_place"] == 1.0
    assert feats["Amsterdam"]["quoted"] == 1.0 and feats["Amsterdam"]["in_parentheses"] == 0.0
    assert feats["Leiden"]["path_title"] == 1.0 and feats["Amsterdam"]["path_title"] == 0.0


def test_head_noun_in_span_and_question_words_are_not_answers():
    feats = _features("Which university did the author attend?",
                      "The author attended Texas Tech University in Lubbock.")
    assert feats["Texas Tech University"]["head_in_span"] == 1.0
    assert feats["Lubbock"]["head_in_span"] == 0.0
    assert "author" not in feats  # a span made of the question's own words is dropped


def test_titles_join_as_candidates_of_their_lead_sentence():
    qtype = classify_question("Which film starred the actress?")
    ctx = question_context("Which film starred the actress?", qtype, ["Actress", "The Long Road (film)"],
                           [0, 1], {0})
    sent = SentenceContext("It was directed by Ann Lee.", 1, 0, 0.2, False)
    texts, matrix = occurrences([sent], ctx, 12, titles={1: "The Long Road"})
    row = dict(zip(FEATURES, matrix[texts.index("The Long Road")], strict=True))
    assert row["title_added"] == 1.0 and row["unasked_title"] == 1.0 and row["unasked_title_entity"] == 1.0


def test_span_variants_and_lead_classes():
    assert [s.text for s in span_variants(Span("Usher's", "entity", 0))] == ["Usher's", "Usher"]
    assert [s.text for s in span_variants(Span("The Who", "entity", 3))] == ["The Who", "Who"]
    assert lead_class("Leiden is a city and municipality in the province of South Holland.") == "place"
    assert lead_class("Ann Lee (born 3 May 1950) is a painter.") == "person"
    assert lead_class("Fortran is a programming language.") == ""


def test_rank_spans_takes_each_texts_best_occurrence():
    matrix = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    ranked = rank_spans(["x", "y", "x"], matrix, np.array([1.0, -1.0]))
    assert ranked == [("x", 2.0), ("y", 0.0)]


def test_place_question_prefers_the_place_over_the_person(bundled_index):
    title = {t: i for i, t in enumerate(bundled_index.titles)}
    path = [title["Python (programming language)"], title["Guido van Rossum"]]
    answer = extract_answer(bundled_index, path, "In which city was the creator of Python born?")
    assert answer.text == "Haarlem" and answer.method == "span"
    person = extract_answer(bundled_index, path, "Who created the Python programming language?")
    assert person.text == "Guido van Rossum"


def test_question_halves_are_fixed_and_balanced():
    ids = [f"q{i:05d}" for i in range(2000)]
    halves = [question_half(i) for i in ids]
    assert set(halves) == {"development", "held-out"}
    assert 900 <= halves.count("development") <= 1100
    assert halves == [question_half(i) for i in ids]


def test_fit_recovers_the_planted_preference():
    spec = importlib.util.spec_from_file_location("fit_answer_ranker",
                                                  REPO_ROOT / "benchmarks" / "qa" / "fit_answer_ranker.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(0)
    planted = FEATURES.index("quoted")
    examples = []
    for _ in range(60):
        matrix = rng.normal(size=(6, len(FEATURES)))
        f1 = np.zeros(6)
        f1[int(np.argmax(matrix[:, planted]))] = 1.0  # the answer is always the most 'quoted' occurrence
        examples.append(("development", [f"s{k}" for k in range(6)], matrix, f1))
    weights = module.fit(examples, l2=0.01)
    assert weights[planted] > 2.0 and abs(weights[planted]) == np.abs(weights).max()


def test_answer_type_prediction_covers_the_seven_labels():
    from mstool.toolkit.qa.question import ANSWER_LABELS, predict_answer_type

    cases = {
        "Who directed the film that won in 1990?": "PERSON",
        "Which American film director made Jaws?": "PERSON",
        "When was the band's drummer born?": "DATE",
        "How many members does the orchestra have?": "NUMBER",
        "In which city is the museum located?": "LOCATION",
        "Which record label released the album?": "ORG",
        "Which company owns the brand, Nestle or Kraft?": "ORG",
        "Are the two films both American?": "YES-NO",
        "What instrument does the singer play?": "OTHER",
    }
    for question, label in cases.items():
        assert predict_answer_type(question) == label, question
    assert set(cases.values()) == set(ANSWER_LABELS)


def test_typed_candidates_agree_or_clash_with_the_asked_type():
    feats = _features("Which record label released the album?",
                      "The album was released by Warner Records in Burbank and produced by Anna Clyne.")
    assert feats["Warner Records"]["type_match"] == 1.0 and feats["Warner Records"]["type_clash"] == 0.0
    assert feats["Anna Clyne"]["type_match"] == 0.0 and feats["Anna Clyne"]["type_clash"] == 1.0
    assert feats["Burbank"]["type_clash"] == 1.0  # a place after "in"
    other = _features("What instrument does the singer play?", "The singer plays the Fender Stratocaster.")
    assert all(f["type_match"] == f["type_clash"] == 0.0 for f in other.values())  # OTHER asks no type


def test_bridge_overlap_and_capitals():
    feats = _features("Which city hosted the festival founded by the poet?",
                      "The Glass Ferns festival moved from Glass Town to Leiden.",
                      titles=("Poet", "Glass Ferns (festival)"), asked=(0,))
    assert feats["Glass Ferns"]["bridge_overlap"] == 1.0 and feats["Leiden"]["bridge_overlap"] == 0.0
    assert feats["Glass Town"]["bridge_overlap"] == 0.5
    assert feats["Leiden"]["capitalised"] == 1.0


def test_sentence_similarity_comes_from_the_encoder(bundled_index):
    from mstool.toolkit.qa.ranker import path_sentences

    class TwoDimensional:
        def encode(self, texts):
            # the question and sentences that mention Python point the same way, the rest orthogonal
            return np.array([[1.0, 0.0] if "Python" in t else [0.0, 1.0] for t in texts])

    title = {t: i for i, t in enumerate(bundled_index.titles)}
    path = [title["Python (programming language)"], title["Guido van Rossum"]]
    plain = path_sentences(bundled_index, path, "Who created Python?")
    assert all(s.similarity == 0.0 for s in plain)
    scored = path_sentences(bundled_index, path, "Who created Python?", encoder=TwoDimensional())
    assert {s.similarity for s in scored} == {0.0, 1.0}
    assert all(s.similarity == float("Python" in s.text) for s in scored)


def test_best_sentence_and_path_frequency(bundled_index):
    from mstool.toolkit.qa.ranker import path_candidates, path_sentences, support_score

    title = {t: i for i, t in enumerate(bundled_index.titles)}
    path = [title["Python (programming language)"], title["Guido van Rossum"]]
    question = "In which city was the creator of Python born?"
    sentences = path_sentences(bundled_index, path, question)
    for p in path:
        own = [s for s in sentences if s.paragraph == p]
        best = max(own, key=lambda s: support_score(s.overlap, s.index == 0, s.bridge))
        assert [s.best_in_paragraph for s in own] == [s is best for s in own]
    qtype = classify_question(question)
    others = [[title["Guido van Rossum"]], [title["Python (programming language)"]]]
    texts, matrix = path_candidates(bundled_index, path, question, qtype, 12, other_paths=others)
    frequency = dict(zip(texts, matrix[:, FEATURES.index("path_frequency")], strict=True))
    assert frequency["Haarlem"] == 0.5  # named by Guido van Rossum's paragraph, one path of the two
    alone, plain = path_candidates(bundled_index, path, question, qtype, 12)
    assert not plain[:, FEATURES.index("path_frequency")].any()
