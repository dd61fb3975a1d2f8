"""Answer rules on a hand-made corpus: full names, shared entities, yes/no across countries and demonyms."""

from __future__ import annotations

import numpy as np
import pytest

from mstool.schemas.qa import EncoderIdentity
from mstool.toolkit.qa.answer import demonym_terms, extract_answer, full_name, shared_entity
from mstool.toolkit.qa.corpus import Paragraph
from mstool.toolkit.qa.index import build_index


class _ConstantEncoder:
    """Answer extraction never looks at the vectors: any encoder will do."""

    identity = EncoderIdentity(name="constant", sha256="0", dim=2, max_length=8)

    def encode(self, texts, advance=None):
        return np.ones((len(texts), 2), np.float32)


@pytest.fixture(scope="module")
def tiny():
    paragraphs = [
        Paragraph("Mara Quill", ["Mara Elise Quill (born 4 March 1950) is an American novelist.",
                                 "She wrote eleven novels."]),
        Paragraph("Tobin Reyes", ["Tobin Reyes (born 9 June 1961) is a Canadian novelist."]),
        Paragraph("Kestrel Band", ["Kestrel Band is a rock band from Boston.",
                                   "Its albums were released by Harbor Light Records."]),
        Paragraph("Glass Ferns", ["Glass Ferns are a rock band formed in Chicago, United States.",
                                  "They signed with Harbor Light Records in 1999."]),
        Paragraph("Boston", ["Boston is the capital city of Massachusetts in the United States."]),
    ]
    index = build_index(paragraphs, _ConstantEncoder())
    return index, {t: i for i, t in enumerate(index.titles)}


def test_comparison_answer_takes_the_full_name_of_the_lead(tiny):
    index, title = tiny
    answer = extract_answer(index, [title["Mara Quill"], title["Tobin Reyes"]],
                            "Who was born first, Mara Quill or Tobin Reyes?")
    assert answer.text == "Mara Elise Quill" and answer.method == "attribute comparison"
    later = extract_answer(index, [title["Mara Quill"], title["Tobin Reyes"]],
                           "Who was born later, Mara Quill or Tobin Reyes?")
    assert later.text == "Tobin Reyes"  # no fuller name in that lead sentence


def test_full_name_needs_the_same_first_name_and_the_other_words_in_order():
    assert full_name("Ann Lee", "Ann Mary Lee (born 1950) is a painter.") == "Ann Mary Lee"
    assert full_name("Ann Lee", "Lee Ann Mary (born 1950) is a painter.") == "Ann Lee"
    assert full_name("Ann Lee", "Ann Lee is a painter.") == "Ann Lee"
    assert full_name("Jaws", "Jaws Two Three is a film.") == "Jaws"  # one-word options stay


def test_shared_entity_question(tiny):
    index, title = tiny
    answer = extract_answer(index, [title["Kestrel Band"], title["Glass Ferns"]],
                            "Kestrel Band and Glass Ferns both released albums on which label?")
    assert answer.text == "Harbor Light Records" and answer.method == "shared description"
    texts = ["Alpha Records made it.", "Beta Records made it."]
    assert shared_entity("Which label?", texts, ["A", "B"]) is None


def test_yes_no_reads_countries_as_demonyms(tiny):
    index, title = tiny
    pair = [title["Kestrel Band"], title["Glass Ferns"]]
    assert extract_answer(index, pair, "Are Kestrel Band and Glass Ferns both rock bands?").text == "yes"
    american = [title["Glass Ferns"], title["Mara Quill"]]
    assert extract_answer(index, american, "Are Glass Ferns and Mara Quill both American?").text == "yes"
    mixed = [title["Mara Quill"], title["Tobin Reyes"]]
    question = "Are Mara Quill and Tobin Reyes both from the United States?"
    assert extract_answer(index, mixed, question).text == "no"
    assert demonym_terms("born in the United Kingdom") == ["born", "british"]


def test_place_question_ranks_the_place_above_the_bridge_entity(tiny):
    index, title = tiny
    answer = extract_answer(index, [title["Glass Ferns"], title["Kestrel Band"]],
                            "In which city was the rock band that shares a label with Glass Ferns formed?")
    assert answer.text == "Boston", answer.candidates


def test_option_comparison_reads_countries_as_demonyms(tiny):
    index, title = tiny
    answer = extract_answer(index, [title["Tobin Reyes"], title["Mara Quill"]],
                            "Which writer is from the United States, Tobin Reyes or Mara Quill?")
    assert answer.text == "Mara Elise Quill" and answer.method == "attribute comparison"


def test_yes_no_opened_choice_answers_with_an_option(tiny):
    index, title = tiny
    pair = [title["Mara Quill"], title["Tobin Reyes"]]
    answer = extract_answer(index, pair, "Was Tobin Reyes or Mara Quill born first?")
    assert answer.text == "Mara Elise Quill" and answer.method == "attribute comparison"
    described = extract_answer(index, [title["Mara Quill"], title["Boston"]],
                               "Is Mara Quill a Canadian or American novelist?")
    assert described.text == "American"  # options no title names: the one the path's text holds
