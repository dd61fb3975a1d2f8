"""Candidate answer spans in a sentence: named entities, dates, numbers and noun phrases.

Rule-based: capitalised word runs (with 'of', 'the', 'and', 'de' inside),
date patterns, numerals, and runs of content words as a last resort.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mstool.toolkit.qa.text import STOP_WORDS

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DATE = re.compile(
    rf"\b(?:(?:from\s+)?\d{{4}}\s*(?:–|-|to|until)\s*\d{{4}}|(?:\d{{1,2}}\s+)?(?:{_MONTHS})\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}"
    rf"|\d{{4}}s?)\b")
_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:million|billion|thousand|"
                     r"hundred|percent|%|km|miles|metres|meters|feet|ft|m))?\b"
                     r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                     r"hundred)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w'’\-\.&]+", re.UNICODE)
_JOINERS = {"of", "the", "de", "da", "van", "von", "for", "&", "la", "le", "du", "del"}
SENTENCE_OPENERS = {"The", "A", "An", "It", "He", "She", "They", "In", "On", "At", "This", "His", "Her",
                    "Its", "After", "Before", "During", "As", "From", "With"}


@dataclass
class Span:
    """A candidate answer: text, kind (entity/date/number/phrase) and where it starts."""

    text: str
    kind: str
    start: int


def _capitalised_runs(sentence: str) -> list[Span]:
    tokens = [(m.group(0), m.start()) for m in _WORD.finditer(sentence)]
    spans, run = [], []
    for position, (token, start) in enumerate(tokens):
        if run and sentence[run[-1][1] + len(run[-1][0]):start].strip():
            spans.append(run)  # punctuation between words ends a name
            run = []
        capital = token[:1].isupper() or (token[:1].isdigit() and run)
        opener = position == 0 and token in SENTENCE_OPENERS
        if capital and not opener:
            run.append((token, start))
        elif (run and token.lower() in _JOINERS and position + 1 < len(tokens)
              and tokens[position + 1][0][:1].isupper()):
            run.append((token, start))
        else:
            if run:
                spans.append(run)
            run = []
    if run:
        spans.append(run)
    found = []
    for run in spans:
        while run and run[-1][0].lower() in _JOINERS:
            run = run[:-1]
        if run and all(re.fullmatch(rf"{_MONTHS}|\d+", tok) for tok, _ in run):
            continue  # 'December 1815' is a date, found by the date pattern
        if run:
            begin = run[0][1]
            end = run[-1][1] + len(run[-1][0])
            found.append(Span(sentence[begin:end].rstrip(".,"), "entity", begin))
    return found


def _phrases(sentence: str) -> list[Span]:
    found, run = [], []
    for match in _WORD.finditer(sentence):
        token = match.group(0)
        if token.lower() in STOP_WORDS or token.lower() in _JOINERS:
            if run:
                found.append(run)
            run = []
        else:
            run.append(match)
    if run:
        found.append(run)
    return [Span(sentence[r[0].start():r[-1].end()].rstrip(".,"), "phrase", r[0].start())
            for r in found if len(r) <= 4]


def candidate_spans(sentence: str) -> list[Span]:
    """All candidate spans of a sentence, entities first.

    >>> [(s.text, s.kind) for s in candidate_spans("Shirley Temple served as Chief of Protocol in 1976.")][:3]
    [('Shirley Temple', 'entity'), ('Chief of Protocol', 'entity'), ('1976', 'date')]
    """
    spans = _capitalised_runs(sentence)
    spans += [Span(m.group(0), "date", m.start()) for m in _DATE.finditer(sentence)]
    spans += [Span(m.group(0), "number", m.start()) for m in _NUMBER.finditer(sentence)]
    spans += _phrases(sentence)
    return [s for s in spans if s.text]


def years_in(text: str) -> list[int]:
    """Four-digit years mentioned in a text.

    >>> years_in("born 12 May 1931, died 2004")
    [1931, 2004]
    """
    return [int(y) for y in re.findall(r"\b(1\d{3}|20\d{2})\b", text)]


def numbers_in(text: str) -> list[float]:
    """Numbers (with thousands separators) mentioned in a text, years excluded.

    >>> numbers_in("a population of 12,345 in 2010")
    [12345.0]
    """
    values = []
    for match in re.finditer(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)", text):
        raw = match.group(1)
        if re.fullmatch(r"1\d{3}|20\d{2}", raw):
            continue
        value = float(raw.replace(",", ""))
        tail = text[match.end():match.end() + 10].lower()
        scale = {"million": 1e6, "billion": 1e9}.get(tail.strip().split(" ")[0], 1.0)
        value *= scale
        values.append(value)
    return values
