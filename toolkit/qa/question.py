"""Question typing: bridge or comparison, yes/no, and the expected answer type.

Rule-based: the first words give the wh-type; 'X or Y' endings, comparative
words and yes/no openers mark comparison questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_YES_NO_OPENERS = {"is", "are", "was", "were", "do", "does", "did", "can", "could", "has", "have",
                   "had", "will", "would", "should"}
_EARLIER = {"first", "earlier", "older", "oldest", "earliest", "before", "elder"}
_LATER = {"later", "younger", "youngest", "recent", "newer", "last", "latest", "after"}
_MORE = {"more", "larger", "bigger", "higher", "longer", "taller", "most", "largest", "greater", "biggest",
         "highest", "longest", "many"}
_LESS = {"less", "fewer", "smaller", "lower", "shorter", "least", "smallest", "lowest", "shortest"}
_PERSON_NOUNS = {"director", "actor", "actress", "singer", "author", "writer", "politician", "player",
                 "musician", "composer", "producer", "founder", "artist", "poet", "rapper", "coach", "king",
                 "queen", "president", "novelist", "screenwriter", "comedian", "person", "man", "woman",
                 "footballer", "guitarist", "drummer", "songwriter", "filmmaker", "businessman", "journalist",
                 "architect", "scientist", "physicist", "chemist", "painter", "designer", "manager",
                 "wrestler", "star", "boxer", "senator", "governor", "emperor", "prince", "princess",
                 "general", "lawyer"}
_ORG_NOUNS = {"company", "corporation", "band", "group", "university", "college", "school", "team", "club",
              "organization", "organisation", "label", "party", "agency", "airline", "network", "channel",
              "studio", "studios", "publisher", "manufacturer", "brand", "institution", "institute", "firm",
              "conglomerate", "retailer", "chain", "franchise", "association", "league", "newspaper",
              "broadcaster", "subsidiary", "developer", "bank", "restaurant", "orchestra", "duo", "trio"}
ANSWER_LABELS = ("PERSON", "DATE", "NUMBER", "LOCATION", "ORG", "YES-NO", "OTHER")
_LABEL_OF_TYPE = {"person": "PERSON", "date": "DATE", "number": "NUMBER", "place": "LOCATION",
                  "yesno": "YES-NO"}
_OPTIONS = re.compile(r"[,:]?\s*((?:the\s+)?[^,?]+?)\s+or\s+((?:the\s+)?[^,?]+?)\s*\??\s*$", re.IGNORECASE)


@dataclass
class QuestionType:
    """What kind of answer a question asks for.

    ``kind`` is 'bridge' or 'comparison'; ``answer_type`` one of person, date,
    number, place, yesno, entity; ``options`` the two named alternatives of an
    'X or Y' question; ``direction`` 'min'/'max' for comparative questions;
    ``label`` the coarse answer type of :data:`ANSWER_LABELS` (an 'entity' whose
    head noun names an organisation is ORG, any other entity OTHER).
    """

    kind: str
    answer_type: str
    options: list[str] = field(default_factory=list)
    direction: str | None = None
    head: list[str] = field(default_factory=list)
    label: str = "OTHER"


def _direction(lowered_words: list[str]) -> str | None:
    """'min'/'max' from comparative words; 'the first Russian composer' names a kind, not an order.

    >>> _direction("who was born first".split()), _direction("who was the first russian composer".split())
    ('min', None)
    """
    found = {w for i, w in enumerate(lowered_words)
             if not (w in ("first", "last") and i > 0 and lowered_words[i - 1] == "the"
                     and i + 1 < len(lowered_words) and lowered_words[i + 1] not in ("to", "one"))}
    if found & _EARLIER or found & _LESS:
        return "min"
    if found & _LATER or found & _MORE:
        return "max"
    return None


def _options(question: str) -> list[str]:
    """The two alternatives of 'X or Y' (at the end, between commas, after ':'/'--') or 'between X and Y'."""
    between = re.search(r"\bbetween\s+(.+?)\s+and\s+(.+?)(?:,\s*|\s+)(?:which|who)\b", question,
                        re.IGNORECASE)
    if between:
        return [_strip_lead(between.group(1)), _strip_lead(between.group(2))]
    middle = re.search(r",\s*([^,?]+?)\s+or\s+([^,?]+?),", question)
    if middle and len(middle.group(1).split()) <= 8:
        return [_strip_lead(middle.group(1)), _strip_lead(middle.group(2))]
    tail = re.split(r",|:|--|\u2014", question)[-1]
    match = _OPTIONS.search(tail)
    if not match or len(match.group(1).split()) > 8:
        return []
    first = re.sub(r"^(?:which|who|what|whom)\b.*?\b(?:is|was|were|are|has|had|did|does)\s+", "",
                   match.group(1), flags=re.IGNORECASE)
    return [_strip_lead(first), _strip_lead(match.group(2))]


_CONNECTORS = {"of", "the", "de", "and", "&", "von", "van", "der", "la", "le"}


def choice_options(question: str) -> list[str]:
    """The alternatives of a yes/no-opened choice ('Is X or Y closest to ...?'); [] when none.

    Around the first 'or': capitalised names take their whole run of capitalised words (with
    'of', 'the', ... inside); lower-case alternatives take one word each.

    >>> choice_options("Is Gasherbrum II or Nuptse closest to the tallest mountain in the world?")
    ['Gasherbrum II', 'Nuptse']
    >>> choice_options("Is the bowler a left-hand or right-hand batsman?")
    ['left-hand', 'right-hand']
    >>> choice_options("Are Ed Wood and Scott Derrickson both directors?")
    []
    """
    match = re.search(r"\s+or\s+", question)
    if not match:
        return []
    left = re.findall(r"[\w'.&-]+", question[:match.start()])[1:]  # the opener verb is no option
    right = re.findall(r"[\w'.&-]+", question[match.end():])
    if not left or not right:
        return []
    if right[0][:1].isupper() and left[-1][:1].isupper():
        return [" ".join(_capitalised_run(left[::-1])[::-1]), " ".join(_capitalised_run(right))]
    return [left[-1], right[0]]


def _capitalised_run(tokens: list[str]) -> list[str]:
    """The leading tokens that are capitalised or digits, with lower-case connectors between them."""
    run: list[str] = []
    for i, token in enumerate(tokens):
        if token[:1].isupper() or token[:1].isdigit():
            run.append(token)
        elif token.lower() in _CONNECTORS and i + 1 < len(tokens) and tokens[i + 1][:1].isupper() and run:
            run.append(token)
        else:
            break
    while run and run[-1].lower() in _CONNECTORS:
        run.pop()
    return run


def _strip_lead(option: str) -> str:
    """Drop the question's words stuck to an option: 'born first: Am Rong' -> 'Am Rong'.

    >>> _strip_lead("more species Eucryphia"), _strip_lead("the Basset Hound"), _strip_lead("paper")
    ('Eucryphia', 'the Basset Hound', 'paper')
    """
    option = " ".join(option.replace(":", " ").split()).strip(" \"'")
    tokens = option.split()
    for i, token in enumerate(tokens):
        if token[:1].isupper() or token[:1].isdigit():
            keep = i - 1 if i > 0 and tokens[i - 1].lower() == "the" else i
            return " ".join(tokens[keep:])
    return option


def classify_question(question: str) -> QuestionType:
    """Type a question.

    >>> classify_question("Were Scott Derrickson and Ed Wood of the same nationality?").answer_type
    'yesno'
    >>> t = classify_question("Which magazine was started first, Arthur's Magazine or First for Women?")
    >>> t.kind, t.options, t.direction
    ('comparison', ["Arthur's Magazine", 'First for Women'], 'min')
    >>> classify_question("When was the director of Jaws born?").answer_type
    'date'
    """
    lowered = re.findall(r"[a-z0-9']+", question.lower())
    first = lowered[0] if lowered else ""
    options = _options(question)
    direction = _direction(lowered)
    head = _head_words(question.lower())
    if first in _YES_NO_OPENERS:
        choices = choice_options(question) if options else []
        if choices:  # 'Is X or Y ...?' asks for one of them, not yes or no
            return QuestionType("comparison", "entity", choices, direction, head, label="OTHER")
        return QuestionType("comparison", "yesno", options, direction, label="YES-NO")
    answer_type = _answer_type(question.lower(), first)
    if answer_type == "entity" and set(head) & _PERSON_NOUNS:
        answer_type = "person"
    label = _LABEL_OF_TYPE.get(answer_type, "ORG" if set(head) & _ORG_NOUNS else "OTHER")
    if options:
        return QuestionType("comparison", "entity", options, direction, label=label)
    return QuestionType("bridge", answer_type, [], direction, head, label)


def predict_answer_type(question: str) -> str:
    """The coarse answer type a question asks for, from its wh-word and head noun.

    One of PERSON, DATE, NUMBER, LOCATION, ORG, YES-NO, OTHER (:data:`ANSWER_LABELS`).

    >>> [predict_answer_type(q) for q in ("Who directed Jaws?", "Which record label signed the band?",
    ...                                    "Is Paris in France?", "What is the capital of the country?")]
    ['PERSON', 'ORG', 'YES-NO', 'OTHER']
    """
    return classify_question(question).label


def _head_words(lowered: str) -> list[str]:
    """Up to three words after 'what'/'which' ('which American film director' -> its words)."""
    match = re.search(r"\b(?:what|which)\s+((?:[a-z'-]+\s*){1,3})", lowered)
    if not match:
        return []
    found = []
    for word in match.group(1).split():
        if word in ("is", "was", "were", "are", "did", "does", "do", "has", "had", "of", "the", "a", "in"):
            break
        found.append(word)
    return found


def _answer_type(lowered: str, first: str) -> str:
    """The expected answer type of a bridge question from its wh-phrase (anywhere in it)."""
    if re.search(r"\bhow (many|much|long|old|tall|far|big|large|high)\b|\bpopulation\b", lowered):
        return "number"
    if first == "when" or re.search(r"\b(what|which)(?: \w+)? (year|date|decade|century|timeframe|"
                                    r"time ?frame|period|month|day)\b", lowered):
        return "date"
    if first == "where" or re.search(r"\b(what|which)(?: \w+){0,2} (city|country|state|town|county|"
                                     r"region|province|"
                                     r"village|place|location|island|continent)\b", lowered):
        return "place"
    if first in ("who", "whom", "whose") or re.search(r"\b(by|of|was|is) (who|whom)\b", lowered) \
            or lowered.rstrip(" ?").endswith(" who"):
        return "person"
    return "entity"
