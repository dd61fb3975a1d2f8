"""Variable-length chains on a synthetic corpus: 3- and 4-hop chains are found, 1-hop stops.

Made-up names keep the encoder from knowing any answer; every chain has distractors
that share its relation words (director, spouse, born, mayor) but not its entities.
"""

from __future__ import annotations

import numpy as np
import pytest

from mstool.schemas.qa import RetrievalSettings
from mstool.toolkit.qa import PathRetriever, build_index
from mstool.toolkit.qa.chains import StopModel, fit_logistic, stop_features
from mstool.toolkit.qa.corpus import Paragraph

CHAINS = {
    "four": [
        ("Zorvath Nights",
         "Zorvath Nights is a 1987 drama film whose director was Kellan Brightwater."),
        ("Kellan Brightwater",
         "Kellan Brightwater is a film maker; his spouse is the painter Mirela Odenkirk."),
        ("Mirela Odenkirk", "Mirela Odenkirk is a painter who was born in Talvera."),
        ("Talvera", "Talvera is a harbour town whose mayor is Ostin Grell, elected in 2004."),
    ],
    "three": [
        ("Quessa Road", "Quessa Road is a 2001 thriller film whose director was Baltro Vinn."),
        ("Baltro Vinn", "Baltro Vinn is a film maker; his spouse is the singer Ylena Marsk."),
        ("Ylena Marsk", "Ylena Marsk is a singer who was born in the mountain village of Dorrimere."),
    ],
    "one": [
        ("Hallowick Bridge",
         "The Hallowick Bridge is a stone arch bridge over the river Sennet, opened in 1921."),
    ],
}
DISTRACTORS = [
    ("Pellam Stroud", "Pellam Stroud is a director of television films and a spouse of a dancer."),
    ("Arvo Lindqvist", "Arvo Lindqvist is a painter who was born in a harbour town in the north."),
    ("Norrow", "Norrow is a harbour town whose mayor was elected in 1999."),
    ("Cassel Tor", "Cassel Tor is a singer who was born in a mountain village."),
    ("Vell River", "The Vell River is crossed by an iron bridge opened in 1890."),
    ("Drama films",
     "A drama film is a film genre; many a director of drama films has a spouse in acting."),
    ("Mountain villages",
     "A mountain village is a village in the mountains, often the place a singer was born."),
    ("Stone bridges", "A stone arch bridge is a bridge made of stone; many were opened in the 1920s."),
]
QUESTIONS = {
    "four": "Who is the mayor of the harbour town where the spouse of the director of Zorvath Nights "
            "was born?",
    "three": "In which mountain village was the spouse of the director of the thriller Quessa Road born?",
    "one": "In which year was the stone arch Hallowick Bridge over the Sennet opened?",
}


@pytest.fixture(scope="module")
def chain_index(minilm):
    paragraphs = [Paragraph(t, [s]) for chain in CHAINS.values() for t, s in chain]
    paragraphs += [Paragraph(t, [s]) for t, s in DISTRACTORS]
    return build_index(paragraphs, minilm)


def _top_titles(index, minilm, name: str, hops: int = 4) -> list[str]:
    retriever = PathRetriever(index, minilm, RetrievalSettings(hops=hops, beam=8))
    paths = retriever.retrieve(QUESTIONS[name])
    return [index.titles[p] for p in paths[0].paragraphs]


@pytest.mark.parametrize("name", ["four", "three"])
def test_finds_the_whole_chain_in_order(chain_index, minilm, name):
    assert _top_titles(chain_index, minilm, name) == [t for t, _ in CHAINS[name]]


def test_stops_after_one_hop_when_the_first_paragraph_answers(chain_index, minilm):
    assert _top_titles(chain_index, minilm, "one") == ["Hallowick Bridge"]


def test_max_hops_caps_the_chain(chain_index, minilm):
    assert _top_titles(chain_index, minilm, "four", hops=2) == ["Zorvath Nights", "Kellan Brightwater"]


def test_stop_probability_rises_with_coverage_and_falls_with_gain():
    model = StopModel()
    answered = model.probability({"coverage": 1.0, "gain": 0.0, "next_confidence": 0.3})
    halfway = model.probability({"coverage": 0.5, "gain": 0.4, "next_confidence": 0.3})
    assert answered > 0.5 > halfway


def test_stop_features_measure_what_the_next_hop_adds():
    idf = np.array([1.0, 1.0, 2.0, 0.5])
    features = stop_features(frozenset({0}), [frozenset({3}), frozenset({1, 2})], np.array([0.6, 0.4]),
                             np.array([0, 1, 2]), idf)
    assert features == {"coverage": 0.25, "gain": 0.75, "next_confidence": 0.6}


def test_logistic_fit_separates_a_separable_feature():
    rng = np.random.default_rng(0)
    feature = rng.uniform(size=200)
    x = np.column_stack([np.ones(200), feature])
    w = fit_logistic(x, (feature > 0.5).astype(float), l2=0.01)
    assert np.mean(((x @ w) > 0) == (feature > 0.5)) > 0.95
