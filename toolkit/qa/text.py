"""Text helpers shared by indexing, retrieval and answering.

Term analysis for BM25 (lower case, stop words, a light plural/possessive stemmer)
and title normalisation for the mention graph; sentence splitting lives in
:mod:`mstool.toolkit.qa.sentences` and is re-exported here.
"""

from __future__ import annotations

import re
import unicodedata

from mstool.toolkit.qa.sentences import split_sentences  # noqa: F401  (re-exported)

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can cannot could did didn't do does doesn't doing
    don't down during each few for from further had has have having he her here hers herself him
    himself his how i if in into is isn't it its itself let's me more most my myself no nor not
    of off on once only or other ought our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through to
    too under until up very was wasn't we were weren't what when where which while who whom why
    with won't would you your yours yourself yourselves whose s t did does also which what
    name named known many much one""".split()
)

_WORD = re.compile(r"[0-9a-z]+(?:'[a-z]+)?")


def fold(text: str) -> str:
    """Lower case and strip accents, so that 'Beyoncé' matches 'beyonce'.

    >>> fold("Beyoncé Knowles")
    'beyonce knowles'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A light stemmer: possessives and regular plurals only (keeps names intact).

    >>> [stem(w) for w in ["films", "cities", "glasses", "actor's", "is"]]
    ['film', 'city', 'glass', 'actor', 'is']
    """
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Folded word tokens, stop words kept.

    >>> words("The Beatles' 1965 album")
    ['the', 'beatles', '1965', 'album']
    """
    return [w.rstrip("'") for w in _WORD.findall(fold(text).replace("\u2019", "'"))]


def terms(text: str) -> list[str]:
    """BM25 terms: folded, stop words dropped, lightly stemmed.

    >>> terms("Who directed the films of Shirley Temple?")
    ['directed', 'film', 'shirley', 'temple']
    """
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def strip_disambiguation(title: str) -> str:
    """A title without its trailing parenthesis: 'Kiss and Tell (1945 film)' -> 'Kiss and Tell'.

    >>> strip_disambiguation("Kiss and Tell (1945 film)")
    'Kiss and Tell'
    """
    return re.sub(r"\s*\([^)]*\)\s*$", "", title).strip() or title
