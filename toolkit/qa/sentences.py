"""Sentence segmentation of running text: BlingFire's English model plus post-rules.

The post-rules follow the conventions of HotpotQA's sentence lists (a tokenizer-based
splitter with an abbreviation list) where they are also sound for a user's own text.
"""

from __future__ import annotations

import re

# Post-rules on BlingFire's sentences (chosen on the paragraphs of the development-half
# questions only, benchmarks/qa/sentence_split.py):
# a piece ending in an abbreviation or an initial is not a sentence end;
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(\[\"'])(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Rev|Gen|Col|Capt|Lt|Sgt|Hon|Mt|v|vs|b|d|c|ca|no|No"
    r"|[A-Z])\.$")
# a word of three or more letters, a full stop, then a number: a sentence end BlingFire misses.
_STOP_BEFORE_NUMBER = re.compile(r"\b[A-Za-z][a-z]{2,}\.(\s+)(?=\d)")
# a company suffix ("Inc.", "Co.", "Bros.") before a capital or a number ends the sentence, as the
# HotpotQA sentence lists have it ("... via Warner Bros. | Records ...");
_COMPANY_END = re.compile(r"(?:^|\s)(?:Inc|Co|Corp|Ltd|Bros|Pub\.L|L\.P|Stat)\.\s+(?=[A-Z0-9])")
# "!" or "?" ends a sentence even before a lower-case word ("Get Christie Love! | is a 1974 film");
_BANG_BEFORE_LOWER = re.compile(r"[!?](\s+)(?=[a-z0-9(\[])")
# a regnal or ordinal Roman numeral after a name is no initial ("World War I. | A collection").
_ROMAN_END = re.compile(r"(?:^|\s)[A-Z][a-z]+\s(?:I|II|III|IV)\.$")
# "approx.", "est.", "Vol." before a number are abbreviations ("with approx. 250 species");
_NUMBER_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(])(?:approx|est|ca|[Nn]os?|[Vv]ols?|pp|[Ff]igs?|[Aa]rt|[Cc]h|[Ss]ec)\.$")
_NOT_SENTENCE_WORDS = frozenset("no nos vol vols pp pg fig figs stat ed eds dec jan feb mar apr jun jul aug "
                                "sep sept oct nov art ch sec op".split())

# Second pass, the conventions of a tokenizer with an abbreviation list:
# an ellipsis ("When Harry Met Sally...", "[...]") never ends a sentence;
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|\u2026)[\"'\u201d)\]]*$")
# a stop before a quote that stands apart (". \" Esquire\" is") is not a sentence end;
_DETACHED_QUOTE = re.compile(r'^["\u201d]\s')
# a full stop, optionally closing a bracket, before a lower-case word, "(", "," or ";":
_STOP_BEFORE_LOWER = re.compile(r"\.(\)?)\s+(?=[a-z(,;])")
# a word's full stop before an initial ("... wrote it. C. S. Lewis read it.");
_STOP_BEFORE_INITIAL = re.compile(r"(?:\b[a-z]{2,}|\b[A-Z][a-z]{2,})\.\s+(?=[A-Z]\.\s)")
# an initial or an acronym ("H.O.", "U.S.") ends the sentence before one of these words;
_ACRONYM_BEFORE_STARTER = re.compile(
    r"(?:^|\s)(?:[A-Z]\.)+\s+(?=(?:The|It|He|She|They|In|His|Her|Their|Its|With"
    r"|This|These|There|After|During|When|While|We|But|However)\b)")
# an abbreviation only counts as a whole word: "then-No. | 5", "Zion-Mt. | Carmel" end the sentence;
_HYPHENATED_ABBREVIATION = re.compile(r"\w-(?:No|Mt|St|Dr|Jr|Sr)\.\s+(?=\S)")
_LETTERS = re.compile(r"[^\W\d_]+")
# abbreviations a lower-case word may follow (lower case; CoreNLP's and the usual English lists).
ABBREVIATIONS = frozenset("""etc al vs viz cf approx est ca fl inc co cos corp ltd plc pty bros jr sr esq
    mr mrs ms dr drs prof st ste mt ft rev gen col capt lt sgt maj hon sen rep gov pres no nos vol vols pp pg
    fig figs ed eds art ch sec op jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs
    fri dept univ assn intl ave blvd rd var spp ssp syn min max tel ext sq stat ala ariz calif colo conn fla
    ga ill ind kan kans ky la md mass mich minn miss mo mont neb nev okla ore pa penn tenn tex va vt wash wis
    wyo""".split())


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
    """Merge pieces split at abbreviations and ellipses, split before numbers and lower case.

    >>> _post_rules(["Hank Williams, Jr.", "The band won.", '" Lucifer" won.', "In 1990 (est.", "2.3 m)."])
    ['Hank Williams, Jr. The band won. " Lucifer" won.', 'In 1990 (est. 2.3 m).']
    >>> _post_rules(["The parade ended. 17 bands played."])
    ['The parade ended.', '17 bands played.']
    """
    sentences: list[str] = []
    for piece in pieces:
        for part in _split_before_numbers(piece):
            last = sentences[-1] if sentences else ""
            if last and (_ABBREVIATION_END.search(last) and not _ROMAN_END.search(last)
                         or _NUMBER_ABBREVIATION_END.search(last) and part[:1].isdigit()):
                sentences[-1] += " " + part
            else:
                sentences.append(part)
    sentences = [piece for sentence in sentences for piece in _split_after_marks(sentence)]
    return [piece for sentence in _join_across_ellipses(sentences) for piece in _split_at_stops(sentence)]


def _join_across_ellipses(sentences: list[str]) -> list[str]:
    """Join a sentence that ends in an ellipsis, or is followed by a detached quote, to the next.

    >>> _join_across_ellipses(['He wrote "When Harry Met Sally..."', '(1989).', '" Esquire" came out.'])
    ['He wrote "When Harry Met Sally..." (1989). " Esquire" came out.']
    """
    joined: list[str] = []
    for sentence in sentences:
        if joined and (_ELLIPSIS_END.search(joined[-1]) or _DETACHED_QUOTE.match(sentence)):
            joined[-1] += " " + sentence
        else:
            joined.append(sentence)
    return joined


def _split_at_stops(sentence: str) -> list[str]:
    """Split after a stop that ends a word (not an abbreviation) before lower case, and after an
    initial or acronym before a word that starts sentences.

    >>> _split_at_stops("He played Hank Murphy. he also sang, etc. and wrote. (It was 1990.)")
    ['He played Hank Murphy.', 'he also sang, etc. and wrote.', '(It was 1990.)']
    >>> _split_at_stops("It sold well in the U.S. It was a hit in the U.S. Army.")
    ['It sold well in the U.S.', 'It was a hit in the U.S. Army.']
    """
    cuts = [stop.end(1) if stop.group(1) else stop.start() + 1
            for stop in _STOP_BEFORE_LOWER.finditer(sentence) if _ends_word(sentence[:stop.start()])]
    cuts += [stop.end() for stop in _ACRONYM_BEFORE_STARTER.finditer(sentence)]
    cuts += [stop.end() for stop in _HYPHENATED_ABBREVIATION.finditer(sentence)]
    cuts += [stop.end() for stop in _STOP_BEFORE_INITIAL.finditer(sentence)
             if _ends_word(sentence[:stop.end()].rstrip()[:-1])]
    return _cut_at(sentence, cuts)


def _cut_at(sentence: str, cuts: list[int]) -> list[str]:
    """The non-empty, stripped pieces of ``sentence`` between the cut offsets.

    >>> _cut_at("One. Two. Three.", [4, 9])
    ['One.', 'Two.', 'Three.']
    """
    parts, start = [], 0
    for cut in sorted(cuts):
        parts.append(sentence[start:cut].strip())
        start = cut
    parts.append(sentence[start:].strip())
    return [p for p in parts if p]


def _ends_word(before_stop: str) -> bool:
    """Whether the token before a full stop is a word (so the stop ends a sentence), not an
    abbreviation, an initial, an acronym or a number.

    >>> [_ends_word(t) for t in ["the parade", "Warner Bros", "the U.S", "J", "Savoir-Faire", "1990"]]
    [True, False, False, False, False, False]
    """
    token = before_stop.rsplit(None, 1)[-1] if before_stop.strip() else ""
    token = token.lstrip("\"'([\u201c")
    if not _LETTERS.fullmatch(token) or len(token) < 2:
        return False
    return token.lower() not in ABBREVIATIONS


def _split_after_marks(sentence: str) -> list[str]:
    """Split after a company suffix before a capital, and after '!'/'?' before a lower-case word.

    >>> _split_after_marks("It came out via Warner Bros. Records sold it. Who Goes There? is a book.")
    ['It came out via Warner Bros.', 'Records sold it. Who Goes There?', 'is a book.']
    """
    cuts = [m.end() for m in _COMPANY_END.finditer(sentence)]
    cuts += [m.end(1) for m in _BANG_BEFORE_LOWER.finditer(sentence)]
    return _cut_at(sentence, cuts)


def _split_before_numbers(piece: str) -> list[str]:
    """Split "... the parade. 17 bands ..." unless the word before the stop is an abbreviation."""
    parts, start = [], 0
    for stop in _STOP_BEFORE_NUMBER.finditer(piece):
        if stop.group(0).split(".")[0].lower() not in _NOT_SENTENCE_WORDS:
            parts.append(piece[start:stop.start(1)])
            start = stop.end(1)
    parts.append(piece[start:])
    return [p for p in parts if p]
