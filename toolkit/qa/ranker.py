"""Candidate answer spans of a bridge question, described by features and ranked by a linear model.

Every occurrence of a candidate span (see :mod:`mstool.toolkit.qa.spans`) in the
path's sentences gets a feature vector: how much of the question its sentence
holds, whether the span's kind fits the expected answer type, where it sits
relative to the question's words, whether it names a path paragraph, and so on.
A span's score is the best linear score of its occurrences. The weights live in
:mod:`mstool.toolkit.qa.ranker_weights`; ``benchmarks/qa/fit_answer_ranker.py``
fits them by maximum marginal likelihood on the development half of a question
set (the occurrences whose text best matches the gold answer are the positives).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mstool.toolkit.qa.graph import title_key
from mstool.toolkit.qa.question import QuestionType
from mstool.toolkit.qa.spans import Span, candidate_spans
from mstool.toolkit.qa.text import STOP_WORDS, fold, stem, strip_disambiguation, terms, words

KINDS = ("entity", "date", "number", "phrase")
ANSWER_TYPES = ("person", "date", "number", "place", "entity")
_DEMONYM = re.compile(r"\b[A-Z][a-z]+(?:an|ian|ish|ese|ch|i)\b")
_PLACE_PREPOSITIONS = {"in", "at", "near", "on", "since", "from", "of", "to", "by"}
_NOT_NAME_WORDS = {"the", "of", "and", "for", "in", "on", "at", "a", "an", "&", "to"}
_PLACE_OR_THING = re.compile(r"(?:Avenue|Street|Road|War|Engine|Company|University|College|School|Park|"
                             r"Center|Centre|Day|Records|Club|Party|League|Award|Series|Film|Band|City|County|"
                             r"Church|Museum|Hall|House|Island|River|Lake|Mountain|Station|Airport|Bridge)s?$")
_BARE_YEAR = re.compile(r"1\d{3}|20\d{2}")
_PLACE_WORDS = re.compile(r"\b(?:city|town|village|country|state|county|capital|municipality|province|region|"
                          r"district|island|commune|suburb|borough|neighbou?rhood|metropolitan|located|situated)\b")
_PERSON_LEAD = re.compile(r"\(born\b|\(\s*(?:c\.\s*)?\d{1,2}\s+[A-Z][a-z]+\s+\d{4}"
                          r"|\([A-Z][a-z]+\s+\d{1,2},\s+\d{4}|\(\d{4}\s*[–-]\s*\d{4}\)|\b(?:he|she|his|her)\b",
                          re.IGNORECASE)


_ORG_SUFFIX = re.compile(r"(?:Inc\.?|Company|Corporation|Corp\.?|Ltd\.?|University|College|Records|Band|"
                         r"FC|Club|Party|Group|Studios|Airlines|Airways|Network|Institute|School|Association|League|"
                         r"Entertainment|Pictures|Press|Bank|Orchestra|Council|Agency|Foundation|Games)$")
_LOCATION_SUFFIX = re.compile(r"(?:City|County|River|Lake|Island|Islands|Mountain|Mountains|Street|Avenue|"
                              r"State|Province|Valley|Bay|Sea|Ocean|Peninsula|District|Region|Village|Town)$")
_LOCATION_PREPOSITIONS = {"in", "at", "near", "from"}


def span_label(span: Span, known: str = "", before: str = "") -> str:
    """A coarse type for a candidate span: PERSON, DATE, NUMBER, LOCATION, ORG or OTHER.

    ``known`` is :func:`lead_class` of the corpus paragraph titled with the span ('' when none);
    ``before`` the word before it. Shallow cues only: the span's kind, a corpus paragraph about it,
    organisation and place suffixes, a place preposition, a person-like name.

    >>> cases = [("1956", "date", ""), ("Anna Clyne", "entity", "by"), ("Warner Records", "entity", ""),
    ...          ("Haarlem", "entity", "in"), ("jazz", "phrase", "")]
    >>> [span_label(Span(t, k, 0), before=b) for t, k, b in cases]
    ['DATE', 'PERSON', 'ORG', 'LOCATION', 'OTHER']
    """
    if span.kind in ("date", "number"):
        return span.kind.upper()
    if known:
        return "PERSON" if known == "person" else "LOCATION"
    if _ORG_SUFFIX.search(span.text):
        return "ORG"
    if _LOCATION_SUFFIX.search(span.text):
        return "LOCATION"
    if looks_like_person(span.text):
        return "PERSON"
    if span.text[:1].isupper() and before.lower() in _LOCATION_PREPOSITIONS:
        return "LOCATION"
    return "OTHER"


def lead_class(lead: str) -> str:
    """'place', 'person' or '' for the lead sentence of a paragraph about an entity.

    >>> lead_class("Haarlem is a city and municipality in the Netherlands.")
    'place'
    >>> lead_class("Guido van Rossum (born 31 January 1956) is a Dutch programmer.")
    'person'
    """
    head = lead.split(".")[0]
    if _PERSON_LEAD.search(head):
        return "person"
    description = re.split(r"\b(?:is|was|are|were)\b", head, maxsplit=1)[-1]
    return "place" if _PLACE_WORDS.search(description.lower()) else ""


def looks_like_person(text: str) -> bool:
    """Two to four capitalised words, no articles, digits or place/thing nouns ('Anna Clyne').

    >>> [looks_like_person(t) for t in ("Anna Clyne", "South Michigan Avenue", "World War I")]
    [True, False, False]
    """
    tokens = text.split()
    if not 2 <= len(tokens) <= 4 or _PLACE_OR_THING.search(text):
        return False
    return all(t[:1].isupper() and t.lower() not in _NOT_NAME_WORDS and not any(c.isdigit() for c in t)
               and len(t.strip(".")) > 0 for t in tokens) and not any(len(t) == 1 for t in tokens[-1:])


@dataclass
class SentenceContext:
    """One path sentence as the ranker sees it."""

    text: str
    paragraph: int
    index: int
    overlap: float
    bridge: bool
    asked: bool = False
    other_text: str = ""
    similarity: float = 0.0
    best_in_paragraph: bool = False


@dataclass
class QuestionContext:
    """What the ranker needs to know about the question and the path."""

    question: str
    qtype: QuestionType
    q_words: set[str]
    q_stems: set[str]
    unasked_titles: set[str]
    path_titles: set[str]
    last_paragraph: int
    asks_nationality: bool
    lead_of: Callable[[str], str] = lambda text: ""
    bridge_words: frozenset[str] = frozenset()
    other_paths: tuple[str, ...] = ()


def _base_names() -> list[str]:
    names = ["bias_overlap", "lead", "bridge", "inside", "proximity", "left_near", "right_near",
             "last_paragraph", "position", "sentence_rank", "unasked_title", "path_title", "person_like",
             "person_unasked", "preposition", "head_in_span", "head_near", "demonym", "bare_year",
             "words", "single_word", "in_parentheses", "after_copula", "count", "title_prefix",
             "comma_after", "quoted", "asked_paragraph", "in_other_paragraph", "unit_after", "title_added"]
    names += [f"{k}_{t}" for t in ANSWER_TYPES for k in KINDS]
    names += [f"unasked_title_{t}" for t in ANSWER_TYPES] + [f"person_like_{t}" for t in ANSWER_TYPES]
    names += [f"preposition_{t}" for t in ANSWER_TYPES]
    names += ["known_entity", "known_head"] + [f"known_{c}_{t}" for c in ("place", "person")
                                               for t in ("person", "place", "entity")]
    # question-agnostic cues: coarse type agreement, capitals, overlap with the bridge entity,
    # the encoder's question-sentence similarity
    names += ["type_match", "type_clash", "capitalised", "bridge_overlap", "sentence_similarity"]
    # the sentence is its paragraph's best by the supporting-fact score; share of the other
    # retrieved paths whose paragraphs also hold the span
    names += ["best_sentence", "path_frequency"]
    return names


FEATURES = tuple(_base_names())
_POSITION = {name: i for i, name in enumerate(FEATURES)}


def _proximity(sentence: str, span: Span, q_words: set[str]) -> tuple[float, float, float]:
    """exp(-gap / 40 chars) to the nearest question word: overall, on the left, on the right."""
    end = span.start + len(span.text)
    left = right = None
    for match in re.finditer(r"\w+", sentence):
        if match.start() < end and match.end() > span.start:
            continue  # words inside the span do not count
        key = fold(match.group(0))
        if key in q_words and key not in STOP_WORDS:
            if match.end() <= span.start:
                gap = span.start - match.end()
                left = gap if left is None else min(left, gap)
            else:
                gap = match.start() - end
                right = gap if right is None else min(right, gap)

    def near(gap: int | None) -> float:
        return 0.0 if gap is None else float(np.exp(-max(gap, 0) / 40.0))

    return max(near(left), near(right)), near(left), near(right)


def _title_prefix(folded: str, titles: set[str]) -> float:
    return float(any(t != folded and (t.startswith(folded + " ") or folded.startswith(t + " "))
                     for t in titles))


def occurrence_features(span: Span, sent: SentenceContext, ctx: QuestionContext) -> np.ndarray:
    """The feature vector of one span occurrence (order: :data:`FEATURES`)."""
    f = np.zeros(len(FEATURES))
    qtype = ctx.qtype
    span_words = words(span.text)
    folded = fold(span.text)
    before = sent.text[:span.start].split()[-1:] or [""]
    after = sent.text[span.start + len(span.text):]
    near, left, right = _proximity(sent.text, span, ctx.q_words)
    head = qtype.head[-1] if qtype.head else ""
    window = fold(sent.text[max(0, span.start - 40):span.start + len(span.text) + 40])
    values = {
        "bias_overlap": sent.overlap, "lead": float(sent.index == 0), "bridge": float(sent.bridge),
        "inside": sum(w in ctx.q_words for w in span_words) / max(len(span_words), 1),
        "proximity": near, "left_near": left, "right_near": right,
        "last_paragraph": float(sent.paragraph == ctx.last_paragraph),
        "position": span.start / max(len(sent.text), 1), "sentence_rank": float(np.log1p(sent.index)),
        "unasked_title": float(folded in ctx.unasked_titles), "path_title": float(folded in ctx.path_titles),
        "person_like": float(looks_like_person(span.text)),
        "person_unasked": float(looks_like_person(span.text) and folded in ctx.unasked_titles),
        "preposition": float(before[0].lower() in _PLACE_PREPOSITIONS),
        "head_in_span": float(bool(head) and head in folded.split()),
        "head_near": float(bool(head) and stem(head) in {stem(w) for w in words(window)}),
        "demonym": float(bool(_DEMONYM.fullmatch(span.text)) and not ctx.asks_nationality),
        "bare_year": float(bool(_BARE_YEAR.fullmatch(span.text))),
        "words": float(np.log(len(span_words) or 1)), "single_word": float(len(span_words) == 1),
        "in_parentheses": float(sent.text[:span.start].count("(") > sent.text[:span.start].count(")")),
        "after_copula": float(before[0].lower() in ("is", "was", "are", "were", "as", "called")),
        "title_prefix": _title_prefix(folded, ctx.path_titles),
        "comma_after": float(after[:1] == ","),
        "quoted": float(span.start > 0 and sent.text[span.start - 1] in "\"“"),
        "asked_paragraph": float(sent.asked),
        "in_other_paragraph": float(bool(folded) and folded in sent.other_text),
        "unit_after": float(span.kind == "number" and bool(re.match(r"\s*([\w-]+)", after))
                            and stem(fold(re.match(r"\s*([\w-]+)", after).group(1))) in ctx.q_stems),
        "title_added": float(span.kind == "title"),
    }
    lead = ctx.lead_of(span.text)
    known = lead_class(lead) if lead else ""
    label = span_label(span, known, before[0])
    typed = qtype.label not in ("OTHER", "YES-NO")
    values["type_match"] = float(typed and label == qtype.label)
    values["type_clash"] = float(typed and label not in ("OTHER", qtype.label))
    tokens = span.text.split()
    values["capitalised"] = sum(t[:1].isupper() for t in tokens) / max(len(tokens), 1)
    bridge_words = ctx.bridge_words
    values["bridge_overlap"] = sum(w in bridge_words for w in span_words) / max(len(span_words), 1)
    values["sentence_similarity"] = sent.similarity
    values["best_sentence"] = float(sent.best_in_paragraph)
    if ctx.other_paths:
        needle = f" {' '.join(span_words)} "
        values["path_frequency"] = sum(needle in text for text in ctx.other_paths) / len(ctx.other_paths)
    values["known_entity"] = float(bool(lead))
    values["known_head"] = float(bool(lead) and bool(head) and stem(head) in {stem(w) for w in words(lead)})
    for name, value in values.items():
        f[_POSITION[name]] = value
    answer_type = qtype.answer_type if qtype.answer_type in ANSWER_TYPES else "entity"
    kind = "entity" if span.kind == "title" else span.kind
    f[_POSITION[f"{kind}_{answer_type}"]] = 1.0
    for name in ("unasked_title", "person_like", "preposition"):
        f[_POSITION[f"{name}_{answer_type}"]] = values[name]
    if known and answer_type in ("person", "place", "entity"):
        f[_POSITION[f"known_{known}_{answer_type}"]] = 1.0
    return f


def question_context(question: str, qtype: QuestionType, titles: list[str], path: list[int],
                     asked: set[int]) -> QuestionContext:
    """The question-side context of the ranker (``titles`` of the path's paragraphs in hop order)."""
    q_words = set(words(question))
    return QuestionContext(
        question=question, qtype=qtype, q_words=q_words, q_stems={stem(w) for w in q_words},
        unasked_titles={fold(strip_disambiguation(t)) for p, t in zip(path, titles, strict=True)
                        if p not in asked},
        path_titles={fold(strip_disambiguation(t)) for t in titles}, last_paragraph=path[-1],
        asks_nationality=bool(re.search(r"nationality|national|country", question.lower())),
        bridge_words=frozenset(w for p, t in zip(path, titles, strict=True) if p not in asked
                               for w in words(strip_disambiguation(t)) if w not in STOP_WORDS))


def span_variants(span: Span, sentence: str = "", q_stems: frozenset[str] | set[str] = frozenset()
                  ) -> list[Span]:
    """The span and its other readings: no possessive ('Usher's' -> 'Usher'), no leading 'the', and a
    number with the unit the question asks for ('25' -> '25 laps' for 'how many laps').

    >>> [s.text for s in span_variants(Span("The Beatles'", "entity", 4))]
    ["The Beatles'", 'The Beatles', 'Beatles']
    >>> [s.text for s in span_variants(Span("25", "number", 4), "Ran 25 laps.", {"lap"})]
    ['25', '25 laps']
    >>> [s.text for s in span_variants(Span("8,211", "number", 0), "8,211 at the census", {"at"})]
    ['8,211']
    """
    found = [span]
    if span.kind == "number":
        unit = re.match(r"\s+([A-Za-z-]+)", sentence[span.start + len(span.text):])
        if unit and stem(fold(unit.group(1))) in q_stems and fold(unit.group(1)) not in STOP_WORDS:
            found.append(Span(f"{span.text} {unit.group(1)}", "number", span.start))
    text = re.sub(r"(?:'s|’s|'|’)$", "", span.text)
    if text != span.text and text:
        found.append(Span(text, span.kind, span.start))
    if re.match(r"(?i)the\s+\S", text):
        found.append(Span(text[4:], span.kind, span.start + 4))
    return found


def occurrences(sentences: list[SentenceContext], ctx: QuestionContext, max_tokens: int,
                titles: dict[int, str] | None = None) -> tuple[list[str], np.ndarray]:
    """(span texts, feature matrix) of every candidate occurrence; ``count`` is filled per text.

    ``titles`` (paragraph id -> title) adds each paragraph's title as a candidate of its lead sentence.
    """
    texts: list[str] = []
    rows: list[np.ndarray] = []
    titles = titles or {}
    for sent in sentences:
        lead_title = sent.index == 0 and sent.paragraph in titles
        extra = [Span(titles[sent.paragraph], "title", 0)] if lead_title else []
        for raw in extra + candidate_spans(sent.text):
            for span in span_variants(raw, sent.text, ctx.q_stems):
                span_words = words(span.text)
                if not span_words or len(span_words) > max_tokens:
                    continue
                features = occurrence_features(span, sent, ctx)
                if features[_POSITION["inside"]] > 0.5:
                    continue
                texts.append(span.text)
                rows.append(features)
    matrix = np.array(rows).reshape(len(rows), len(FEATURES))
    counts: dict[str, int] = {}
    for text in texts:
        counts[fold(text)] = counts.get(fold(text), 0) + 1
    matrix[:, _POSITION["count"]] = [np.log(counts[fold(t)]) for t in texts]
    return texts, matrix


def rank_spans(texts: list[str], matrix: np.ndarray, weights: np.ndarray) -> list[tuple[str, float]]:
    """Span texts by their best occurrence score, best first.

    >>> rank_spans(["a", "b", "a"], np.array([[1.0], [2.0], [3.0]]), np.array([1.0]))
    [('a', 3.0), ('b', 2.0)]
    """
    scores = matrix @ weights if len(texts) else np.zeros(0)
    best: dict[str, float] = {}
    for text, score in zip(texts, scores, strict=True):
        best[text] = max(best.get(text, -np.inf), float(score))
    return sorted(best.items(), key=lambda kv: -kv[1])


def support_score(overlap: float, lead: bool, bridge: bool) -> float:
    """A sentence's supporting-fact score: its share of the question's idf mass, plus 0.25 for a
    paragraph's lead sentence and 0.3 for one that names another path paragraph.

    >>> support_score(0.5, True, False)
    0.75
    """
    return overlap + (0.25 if lead else 0.0) + (0.3 if bridge else 0.0)


def path_sentences(index, path: list[int], question: str, asked: set[int] | None = None,
                   encoder=None) -> list[SentenceContext]:
    """Every sentence of the path's paragraphs with its share of the question's idf mass.

    With an ``encoder``, each sentence also gets its cosine similarity to the question.
    """
    asked = asked or set()
    q_idf = {t: float(index.idf[index.term_id[t]]) if t in index.term_id else 1.0 for t in terms(question)}
    total = max(sum(q_idf.values()), 1e-9)
    short_titles = {p: fold(strip_disambiguation(index.titles[p])) for p in path}
    found = []
    for p in path:
        others = [short_titles[o] for o in path if o != p]
        other_text = " ".join(fold(index.text(o)) for o in path if o != p)
        for i, sentence in enumerate(index.paragraph_sentences(p)):
            present = set(terms(sentence))
            overlap = sum(w for t, w in q_idf.items() if t in present) / total
            bridge = any(t and t in fold(sentence) for t in others)
            found.append(SentenceContext(sentence, p, i, overlap, bridge, p in asked, other_text))
        own = [s for s in found if s.paragraph == p]
        if own:
            max(own, key=lambda s: support_score(s.overlap, s.index == 0, s.bridge)).best_in_paragraph = True
    if encoder is not None and found:
        vectors = encoder.encode([question] + [s.text for s in found])
        for sent, similarity in zip(found, vectors[1:] @ vectors[0], strict=True):
            sent.similarity = float(similarity)
    return found


def path_candidates(index, path: list[int], question: str, qtype: QuestionType, max_tokens: int,
                    encoder=None, other_paths: list[list[int]] | None = None) -> tuple[list[str], np.ndarray]:
    """(span texts, feature matrix) of the candidate occurrences in a path's sentences.

    ``encoder`` (the index's) fills the question-sentence similarity feature; without it that is 0.
    ``other_paths`` (the retriever's other top paths) fill ``path_frequency``; without them it is 0.
    """
    asked = index.matcher.mentions(question)
    ctx = question_context(question, qtype, [index.titles[p] for p in path], path, asked)
    ctx.lead_of = _lead_lookup(index)
    ctx.other_paths = tuple(f" {' '.join(w for p in other for w in words(index.text(p)))} "
                            for other in other_paths or [])
    sentences = path_sentences(index, path, question, asked, encoder)
    titles = {p: strip_disambiguation(index.titles[p]) for p in path}
    return occurrences(sentences, ctx, max_tokens, titles)


def _lead_lookup(index) -> Callable[[str], str]:
    """text -> lead sentence of the paragraph titled with that text ('' when none), memoised."""
    cache: dict[str, str] = {}

    def lead_of(text: str) -> str:
        if text not in cache:
            ids = index.matcher.by_key.get(title_key(text))
            cache[text] = index.paragraph_sentences(ids[0])[0] if ids else ""
        return cache[text]

    return lead_of

