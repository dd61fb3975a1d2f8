"""Answer extraction from a reasoning path: supporting sentences, candidate spans, comparisons.

Sentences of the path are scored by the question's idf mass they contain (plus
bridge and lead-sentence cues); the best become the supporting facts. Bridge
questions take the best-typed span of those sentences that the question does not
already name; comparison questions compare the two entities' years or numbers;
yes/no questions compare attributes of both paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from mstool.schemas.qa import AnswerSettings
from mstool.toolkit.qa.index import QAIndex
from mstool.toolkit.qa.question import QuestionType, classify_question
from mstool.toolkit.qa.ranker import FEATURES, path_candidates, rank_spans, support_score
from mstool.toolkit.qa.ranker_weights import WEIGHTS
from mstool.toolkit.qa.spans import candidate_spans, numbers_in, years_in
from mstool.toolkit.qa.text import STOP_WORDS, fold, stem, strip_disambiguation, terms, words

_DATE_WORDS = {"first", "earlier", "older", "oldest", "younger", "youngest", "later", "born", "founded",
               "established", "released", "recent", "formed", "built", "opened", "created", "earliest",
               "newer", "latest", "before", "after", "elder", "started", "published", "begin", "began"}
_RANKER_WEIGHTS = np.array([WEIGHTS.get(name, 0.0) for name in FEATURES])
# the encoder embeds the path's sentences only when the fitted ranker weighs their similarity
USES_SIMILARITY = WEIGHTS.get("sentence_similarity", 0.0) != 0.0
USES_PATH_FREQUENCY = WEIGHTS.get("path_frequency", 0.0) != 0.0
_DEMONYM = re.compile(r"\b[A-Z][a-z]+(?:an|ian|ish|ese|ch|i)\b")


@dataclass
class SupportingSentence:
    """One supporting fact: paragraph id, title, sentence index in the paragraph, text, score."""

    paragraph: int
    title: str
    index: int
    text: str
    score: float


@dataclass
class Answer:
    """An answer with its type, the supporting sentences and how it was found."""

    text: str
    qtype: QuestionType
    supporting: list[SupportingSentence]
    score: float = 0.0
    method: str = "span"
    candidates: list[tuple[str, float]] = field(default_factory=list)


def _sentence_score(sentence: str, q_idf: dict[str, float], total: float, lead: bool, bridge: bool) -> float:
    present = set(terms(sentence))
    return support_score(sum(w for t, w in q_idf.items() if t in present) / total, lead, bridge)


def select_supporting(index: QAIndex, path: list[int], question: str, per_hop: int = 2
                      ) -> list[SupportingSentence]:
    """The best sentences of each path paragraph (the lead sentence and bridge mentions count extra)."""
    q_idf = {t: float(index.idf[index.term_id[t]]) if t in index.term_id else 1.0 for t in terms(question)}
    total = max(sum(q_idf.values()), 1e-9)
    short_titles = {p: fold(strip_disambiguation(index.titles[p])) for p in path}
    chosen: list[SupportingSentence] = []
    for p in path:
        others = [short_titles[o] for o in path if o != p]
        scored = []
        for i, sentence in enumerate(index.paragraph_sentences(p)):
            bridge = any(t and t in fold(sentence) for t in others)
            scored.append(SupportingSentence(p, index.titles[p], i, sentence,
                                             _sentence_score(sentence, q_idf, total, i == 0, bridge)))
        scored.sort(key=lambda s: -s.score)
        best = scored[0].score
        chosen += [s for k, s in enumerate(scored[:per_hop]) if k == 0 or s.score >= 0.8 * best]
    return chosen


def _paragraph_for(option: str, index: QAIndex, path: list[int]) -> int | None:
    want = set(words(option))
    best, best_overlap = None, 0.0
    for p in path + sorted(index.matcher.mentions(option)):
        title_words = set(words(strip_disambiguation(index.titles[p])))
        overlap = len(want & title_words) / max(len(want | title_words), 1)
        if overlap > best_overlap:
            best, best_overlap = p, overlap
    return best


def _attribute(index: QAIndex, paragraph: int, use_years: bool) -> float | None:
    text = " ".join(index.paragraph_sentences(paragraph)[:2])
    values = years_in(text) if use_years else numbers_in(text)
    return float(values[0]) if values else None


def full_name(option: str, lead: str) -> str:
    """The fuller name a paragraph's lead sentence opens with, when it extends the option's name.

    The lead must start with the option's first word (or a longer form of it: 'Ken' -> 'Kenneth')
    and hold its other words in order; otherwise the option itself is returned.

    >>> full_name("Helen Hunt", "Helen Elizabeth Hunt (born June 15, 1963) is an American actress.")
    'Helen Elizabeth Hunt'
    >>> full_name("Ken Flach", "Kenneth Eliot Flach (May 24, 1963 - March 12, 2018) was a tennis player.")
    'Kenneth Eliot Flach'
    >>> full_name("Terry Richardson", 'Terrence "Uncle Terry" Richardson (born 1965) is a photographer.')
    'Terry Richardson'
    """
    match = re.match(r"^(.+?)\s*(?:\(|,|\bis\b|\bwas\b)", lead)
    if not match:
        return option
    name, wanted = match.group(1).strip(), option.split()
    tokens = name.split()
    if not 2 <= len(wanted) < len(tokens) <= 5 or not all(t[:1].isupper() or t[:1] == '"' for t in tokens):
        return option
    if not fold(tokens[0]).startswith(fold(wanted[0])):
        return option
    rest = iter(fold(t).strip('"') for t in tokens[1:])
    return name if all(fold(w) in rest for w in wanted[1:]) else option


def _compare_options(question: str, qtype: QuestionType, index: QAIndex, path: list[int]) -> str | None:
    paras = [_paragraph_for(o, index, path) for o in qtype.options]
    if any(p is None for p in paras):
        return option_in_text(qtype.options, " ".join(index.text(p) for p in path))
    if qtype.direction is not None:
        use_years = bool(set(words(question)) & _DATE_WORDS)
        values = [_attribute(index, p, use_years) for p in paras]
        if all(v is not None for v in values) and values[0] != values[1]:
            pick = min if qtype.direction == "min" else max
            chosen = values.index(pick(values))
            return full_name(qtype.options[chosen], index.paragraph_sentences(paras[chosen])[0])
    chosen = _better_described(question, qtype, index, paras)
    if chosen is None:
        return None
    return full_name(qtype.options[chosen], index.paragraph_sentences(paras[chosen])[0])


def option_in_text(options: list[str], text: str) -> str | None:
    """The only option the text names (as a word prefix: 'right-hand' in 'right-handed'), else None.

    >>> option_in_text(["left-hand", "right-hand"], "He is a right-handed batsman.")
    'right-hand'
    >>> option_in_text(["left-hand", "right-hand"], "He bats left-handed and bowls right-handed.") is None
    True
    """
    found = [o for o in options if re.search(r"(?<!\w)" + re.escape(fold(o)), fold(text))]
    return found[0] if len(found) == 1 else None


def _better_described(question: str, qtype: QuestionType, index: QAIndex, paras: list[int]) -> int | None:
    """Which option's paragraph carries more of the question's other terms (idf-weighted)."""
    option_terms = set().union(*(demonym_terms(o) for o in qtype.options))
    residual = [t for t in set(demonym_terms(question)) - option_terms]
    weights = []
    for p in paras:
        present = set(demonym_terms(index.text(p)))
        present |= {t[:_PREFIX] for t in present}
        weights.append(sum(float(index.idf[index.term_id[t]]) if t in index.term_id else 1.0
                           for t in residual if t in present or t[:_PREFIX] in present))
    if weights[0] == weights[1]:
        return None
    return int(np.argmax(weights))


_NOT_DESCRIPTIONS = {"born", "known", "best", "died", "january", "february", "march", "april", "may", "june",
                     "july", "august", "september", "october", "november", "december"}


def _description_words(sentence: str) -> list[str]:
    """Words after the first copula of a lead sentence: 'X is an American film director' -> [...]."""
    match = re.search(r"\b(?:is|was|are|were)\b(.*)", sentence)
    tail = match.group(1) if match else sentence
    return [w for w in re.findall(r"[\w'-]+", tail) if fold(w) not in STOP_WORDS]


def _shared_description(question: str, index: QAIndex, path: list[int]) -> str | None:
    """'What do X and Y have in common?' / 'X and Y are both what?': the first run of describing
    words both lead sentences share ('film director'), demonyms last unless origin is asked."""
    if len(path) < 2:
        return None
    asks_origin = bool(re.search(r"nationality|country|ancestry|origin", question.lower()))
    place = classify_question(question).answer_type == "place"
    q_stems = {stem(w) for w in words(question)}
    for sentences in (1, 2):  # the lead sentences' descriptions first, then both opening sentences whole
        texts = [index.paragraph_sentences(p)[:sentences] for p in path[:2]]
        first, second = ([w for s in t for w in _description_words(s)] if sentences == 1 else
                         re.findall(r"[\w'-]+", " ".join(t)) for t in texts)
        other = {fold(w) for w in second}

        def usable(word: str, demonyms: bool, other: set[str] = other) -> bool:
            key = fold(word)
            is_demonym = bool(_DEMONYM.fullmatch(word.capitalize()))
            return (key in other and stem(key) not in q_stems and not key.isdigit() and key not in STOP_WORDS
                    and key not in _NOT_DESCRIPTIONS and is_demonym == demonyms
                    and (not place or word[:1].isupper()))

        for demonyms in ((True, False) if asks_origin else (False, True)):
            run: list[str] = []
            for word in first:
                if usable(word, demonyms):
                    run.append(word)
                elif run:
                    break
            if run:
                return " ".join(run)
    return None


_DESCRIBING_QUESTION = re.compile(
    r"\b(?:type|kind|occupation|profession|career|job|nationality|genre|ancestry|country|origin|both what"
    r"|are both\??$|in common|share[ds]?\b(?! the)|what are)", re.IGNORECASE)


def shared_entity(question: str, texts: list[str], own_titles: list[str]) -> str | None:
    """A named entity both paragraphs mention that the question and the paragraphs' titles do not name
    ('both made by which production company?' -> the studio both film paragraphs name).

    >>> shared_entity("Both films were made by which studio?",
    ...               ["Alpha is a 1956 Walt Disney Productions film.",
    ...                "Beta was made by Walt Disney Productions."],
    ...               ["Alpha", "Beta"])
    'Walt Disney Productions'
    """
    q_words = set(words(question)) | {w for t in own_titles for w in words(strip_disambiguation(t))}
    found = []
    for text in texts:
        spans = [sp.text for sp in candidate_spans(text)
                 if sp.kind == "entity" and not _DEMONYM.fullmatch(sp.text)]
        found.append({fold(t): t for t in spans if not set(words(t)) <= q_words})
    for key, text in found[0].items():
        if key in found[1]:
            return text
    return None


def _same_attribute(question: str, index: QAIndex, pair: list[int]) -> str | None:
    """'... the same X?': equal first years for time questions, else shared demonyms or named entities."""
    lowered = question.lower()
    leads = [" ".join(index.paragraph_sentences(p)[:2]) for p in pair]
    if re.search(r"\b(year|decade|century|released|founded|born|formed)\b", lowered):
        years = [years_in(t)[:1] for t in leads]
        return ("yes" if years[0] == years[1] else "no") if all(years) else None
    own = {fold(w) for p in pair for w in words(strip_disambiguation(index.titles[p]))}
    named = []
    for text in leads:
        spans = {fold(s.text) for s in candidate_spans(text) if s.kind == "entity"}
        named.append({s for s in spans if not set(s.split()) <= own} | set(map(fold, _DEMONYM.findall(text))))
    return "yes" if named[0] & named[1] else "no"


_COUNTRIES = {"united states": "american", "u.s.": "american", "usa": "american", "america": "american",
              "england": "english", "united kingdom": "british", "uk": "british", "britain": "british",
              "scotland": "scottish", "wales": "welsh", "ireland": "irish", "canada": "canadian",
              "australia": "australian", "new zealand": "new zealander", "france": "french",
              "germany": "german", "italy": "italian", "spain": "spanish", "japan": "japanese",
              "china": "chinese", "india": "indian",
              "russia": "russian", "mexico": "mexican", "brazil": "brazilian", "argentina": "argentine",
              "argentinian": "argentine", "netherlands": "dutch", "sweden": "swedish", "norway": "norwegian",
              "denmark": "danish", "finland": "finnish", "poland": "polish", "greece": "greek",
              "turkey": "turkish", "egypt": "egyptian", "south korea": "south korean", "korea": "korean",
              "israel": "israeli", "iran": "iranian", "portugal": "portuguese", "austria": "austrian",
              "switzerland": "swiss", "belgium": "belgian", "hungary": "hungarian", "pakistan": "pakistani"}
_COUNTRY_PATTERN = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(_COUNTRIES, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE)


def demonym_terms(text: str) -> list[str]:
    """BM25 terms with country names read as their demonyms, so 'the United States' matches 'American'.

    >>> demonym_terms("Are both bands from the United States?"), demonym_terms("an American band")
    (['band', 'american'], ['american', 'band'])
    """
    return terms(_COUNTRY_PATTERN.sub(lambda m: _COUNTRIES[m.group(1).lower()], text))


_PREFIX = 5  # 'documentaries' and 'documentary', 'involved' and 'involvement' match on their first letters


def _yes_no(question: str, index: QAIndex, path: list[int]) -> str:
    """Yes when each of the two paragraphs holds at least 40% of the idf mass of the question's terms
    that the path's titles do not name ('the same X' questions compare the attribute instead)."""
    if " same " in f" {question.lower()} " and len(path) >= 2:
        verdict = _same_attribute(question, index, path[:2])
        if verdict is not None:
            return verdict
    title_terms = set().union(*(demonym_terms(index.titles[p]) for p in path))
    residual = [t for t in demonym_terms(question) if t not in title_terms]
    if not residual:
        return "yes"
    weight = {t: float(index.idf[index.term_id[t]]) if t in index.term_id else 1.0 for t in residual}
    for p in path[:2]:
        present = set(demonym_terms(index.text(p)))
        present |= {t[:_PREFIX] for t in present}
        held = sum(weight[t] for t in residual if t in present or t[:_PREFIX] in present)
        if held < 0.4 * sum(weight.values()):
            return "no"
    return "yes"


def extract_answer(index: QAIndex, path: list[int], question: str, settings: AnswerSettings | None = None,
                   reader=None, encoder=None, other_paths: list[list[int]] | None = None) -> Answer:
    """Answer a question from one reasoning path (paragraph ids in hop order).

    ``encoder`` (the index's) gives the span ranker the question-sentence similarity, and
    ``other_paths`` (the retriever's next best paths) how many of them hold a candidate; without
    them those features are 0 and the other cues decide.
    """
    settings = settings or AnswerSettings()
    qtype = classify_question(question)
    supporting = select_supporting(index, path, question, settings.sentences_per_hop)
    if qtype.answer_type == "yesno":
        return Answer(_yes_no(question, index, path), qtype, supporting, method="yes/no comparison")
    if qtype.options:
        picked = _compare_options(question, qtype, index, path)
        if picked is not None:
            return Answer(picked, qtype, supporting, method="attribute comparison")
    elif qtype.answer_type != "person" and re.search(r"in common|\bshared?\b|\bboth\b|\bshare\b",
                                                     question.lower()):
        shared = None
        if not _DESCRIBING_QUESTION.search(question) and len(path) >= 2:
            pair = path[:2]
            shared = shared_entity(question, [index.text(p) for p in pair], [index.titles[p] for p in pair])
        shared = shared or _shared_description(question, index, path)
        if shared is not None:
            return Answer(shared, qtype, supporting, method="shared description")
    if reader is not None:
        text, score = reader.best_span(question, [s.text for s in supporting])
        return Answer(text, qtype, supporting, score, method="reader")
    texts, matrix = path_candidates(index, path, question, qtype, settings.max_answer_tokens,
                                    encoder if USES_SIMILARITY else None,
                                    other_paths if USES_PATH_FREQUENCY else None)
    candidates = rank_spans(texts, matrix, _RANKER_WEIGHTS)
    if qtype.options:
        return Answer(qtype.options[0], qtype, supporting, method="first option")
    if not candidates:
        return Answer(strip_disambiguation(index.titles[path[-1]]), qtype, supporting, method="title")
    text = candidates[0][0]
    if qtype.answer_type == "date" and re.search(r"\byear\b", question.lower()):
        years = re.findall(r"\b\d{4}\b", text)
        text = years[0] if len(years) == 1 else text
    return Answer(text, qtype, supporting, candidates[0][1], "span", candidates[:5])
