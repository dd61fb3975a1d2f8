"""Text helpers shared by indexing, retrieval and answering.

Term analysis for BM25 (lower case, stop words, a light plural/possessive stemmer),
sentence splitting, and title normalisation for the mention graph.
"""

from __future__ import annotations

import re
import unicodedata

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

# Post-rules on BlingFire's sentences (chosen on the paragraphs of the development-half
# questions only, benchmarks/qa/sentence_split.py):
# a piece ending in an abbreviation or an initial is not a sentence end;
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(\[\"'])(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Rev|Gen|Col|Capt|Lt|Sgt|Hon|Mt|v|vs|b|d|c|ca|no|No"
    r"|[A-Z])\.$")
# a quote standing alone at the start of a piece closes the previous sentence;
_LEADING_QUOTE = re.compile(r'^(["\u201d\'])\s+(?=\S)')
# a word of three or more letters, a full stop, then a number: a sentence end BlingFire misses.
_STOP_BEFORE_NUMBER = re.compile(r"\b[A-Za-z][a-z]{2,}\.(\s+)(?=\d)")
# a company suffix ("Inc.", "Co.", "Bros.") before a capital or a number ends the sentence, as the
# HotpotQA sentence lists have it ("... via Warner Bros. | Records ...");
_COMPANY_END = re.compile(r"(?:^|\s)(?:Inc|Co|Corp|Ltd|Bros|Pub\.L|L\.P|Stat)\.\s+(?=[A-Z0-9])")
# "!" or "?" ends a sentence even before a lower-case word ("Get Christie Love! | is a 1974 film");
_BANG_BEFORE_LOWER = re.compile(r"[!?](\s+)(?=[a-z0-9(\[])")
# a regnal or ordinal Roman numeral after a name is no initial ("World War I. | A collection").
_ROMAN_END = re.compile(r"(?:^|\s)[A-Z][a-z]+\s(?:I|II|III|IV)\.$")
_NOT_SENTENCE_WORDS = frozenset("no nos vol vols pp pg fig figs stat ed eds dec jan feb mar apr jun jul aug "
                                "sep sept oct nov art ch sec op".split())
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


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences: BlingFire's English model plus a few general post-rules.

    Chosen over pysbd and a regular expression by exact agreement with HotpotQA's own
    sentence lists and speed (docs/qa.md, benchmarks/qa/sentence_split.py); it keeps
    abbreviations such as "U.S.", "Dr.", "St.", "Jr." and initials inside their sentence.

    >>> split_sentences("Dr. Smith moved to the U.S. in 1990. Mr. Jones lived on St. Mark Street!  Done")
    ['Dr. Smith moved to the U.S. in 1990.', 'Mr. Jones lived on St. Mark Street!', 'Done']
    """
    from mstool.toolkit.extras import require

    require("blingfire", extra="qa", what="sentence splitting")
    import blingfire

    text = " ".join(text.split())
    if not text:
        return []
    pieces = [p.strip() for p in blingfire.text_to_sentences(text).splitlines() if p.strip()]
    return _post_rules(pieces)


def _post_rules(pieces: list[str]) -> list[str]:
    """Merge pieces split at abbreviations, move stray quotes back, split before numbers.

    >>> _post_rules(["Hank Williams, Jr.", "The band won.", '" Lucifer" won too.', "In 1990."])
    ['Hank Williams, Jr. The band won. "', 'Lucifer" won too.', 'In 1990.']
    >>> _post_rules(["The parade ended. 17 bands played."])
    ['The parade ended.', '17 bands played.']
    """
    sentences: list[str] = []
    for piece in pieces:
        for part in _split_before_numbers(piece):
            quote = _LEADING_QUOTE.match(part)
            if quote and sentences:
                sentences[-1] += " " + quote.group(1)
                part = part[quote.end():]
            last = sentences[-1] if sentences else ""
            if last and _ABBREVIATION_END.search(last) and not _ROMAN_END.search(last):
                sentences[-1] += " " + part
            else:
                sentences.append(part)
    return [piece for sentence in sentences for piece in _split_after_marks(sentence)]


def _split_after_marks(sentence: str) -> list[str]:
    """Split after a company suffix before a capital, and after '!'/'?' before a lower-case word.

    >>> _split_after_marks("It came out via Warner Bros. Records sold it. Who Goes There? is a book.")
    ['It came out via Warner Bros.', 'Records sold it. Who Goes There?', 'is a book.']
    """
    cuts = [m.end() for m in _COMPANY_END.finditer(sentence)]
    cuts += [m.end(1) for m in _BANG_BEFORE_LOWER.finditer(sentence)]
    parts, start = [], 0
    for cut in sorted(cuts):
        parts.append(sentence[start:cut].strip())
        start = cut
    parts.append(sentence[start:].strip())
    return [p for p in parts if p]


def _split_before_numbers(piece: str) -> list[str]:
    """Split "... the parade. 17 bands ..." unless the word before the stop is an abbreviation."""
    parts, start = [], 0
    for stop in _STOP_BEFORE_NUMBER.finditer(piece):
        if stop.group(0).split(".")[0].lower() not in _NOT_SENTENCE_WORDS:
            parts.append(piece[start:stop.start(1)])
            start = stop.end(1)
    parts.append(piece[start:])
    return [p for p in parts if p]


def strip_disambiguation(title: str) -> str:
    """A title without its trailing parenthesis: 'Kiss and Tell (1945 film)' -> 'Kiss and Tell'.

    >>> strip_disambiguation("Kiss and Tell (1945 film)")
    'Kiss and Tell'
    """
    return re.sub(r"\s*\([^)]*\)\s*$", "", title).strip() or title
