"""Sentence segmentation of running text, following the rules of a PTB-style tokenizer.

HotpotQA's Wikipedia was split by Stanford CoreNLP 3.8 (its PTB lexer, then a splitter that
ends a sentence at every "." "?" "!" token). This module decides, for each stop, whether the
lexer would make it a token of its own, with the lexer's abbreviation classes kept as data.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations normally followed by lower case: the stop ends the sentence only before
# whitespace and a capital ("via Warner Bros. | Records"), or at the end of the text.
# Matched caselessly, except the entries in _CAPITALISED (also ordinary words in lower case).
ABBREVIATIONS_BEFORE_LOWER = _words("""
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri
    ala ariz az ark calif colo conn ct dak del fla ga ill ind kan kans ky la mass md mich minn miss
    mo mont neb nev okla ore pa tex wash
    penn tenn va vt wis wisc wyo
    inc co cos corp pty pte ptys ptes ppty ppte ltd plc rt bancorp bhd assn univ intl sys
    tel est ext sq bros ph.d ed.d esq etc al seq bldg""")
# Abbreviations normally followed by a capital: titles, "St.", "Mt.", "vs." never end a sentence
# ("Jr." too: the dataset keeps it whole in 19 of 20 development cases, before a capital or not).
ABBREVIATIONS_BEFORE_CAPITAL = _words("""
    mr mrs ms mx dr drs prof profs sen sens rep reps atty attys lt col gen messrs gov govs adm
    rev maj sgt cpl pvt capt st ste ave pres lieut rt hon brig cmdr comdr pfc spc supt supts det
    mt ft adj adv asst assoc ens insp mlle mme msgr sfc sr jr invt elec natl mfg mtg dept blvd rd
    vs alex wm jos cie a.k.a cf treas ph""")
# Entries whose first letter must be a capital to count.
_CAPITALISED = {"az": "A", "ark": "A", "del": "D", "ill": "I", "la": "L", "mass": "M", "miss": "M",
                "ore": "O", "pa": "P", "tex": "T", "wash": "W", "pt": "P"}
# Abbreviations only before a number ("No. 5", "approx. 250", "pp. 3").
ABBREVIATIONS_BEFORE_NUMBER = _words(
    "ca fig figs prop no nos nr nrs vol vols ch chs sec secs sect sects art arts para paras bldg pp op"
    " approx pt rs")
# Words that open sentences: an acronym or initial before one of them ends the sentence
# ("in the U.S. | The film"), while "the U.S. Army" stays whole.
SENTENCE_OPENERS = _words("""
    A About According Additionally After All Also Although An Another As At Before Both But By Did
    During Each Earlier Following For From He Her Here His How However If In It Its Last Later Many
    More Most Mr. Mrs. Ms. Now On Once One Other Our She Since So Some Such That The Their Then There
    These They This Two Under Upon We When While What Who Why Yet You""")
# Words that keep their "!" ("Yahoo!", "Jeopardy!").
BANG_WORDS = _words("e yahoo jeopardy")

_STOPS = re.compile(r"[.!?\u2026]+")
_PREVIOUS_TOKEN = re.compile(r"[\w.'\u2019&-]*\Z")
_ACRONYM = re.compile(r"[A-Za-z](?:\.[A-Za-z])*")
_HYPHENATED_ACRONYM = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")
_OPENER_AFTER = re.compile(r"\s+(\S+?)(?=\s|[?!]|\Z)")
_SENTENCE_END_AFTER = re.compile(r"\s(?:\s|<)")
_NUMBER_AFTER = re.compile(r"\s*\d")
_PLACE_AFTER = re.compile(r"\s+(?:africa|korea|cal)", re.IGNORECASE)
_LIMITED_AFTER = re.compile(r"\s(?:ltd|lim)", re.IGNORECASE)
_ADDRESSES = re.compile(
    r"(?:ftp|https?|mailto)://[^\s\"<>|(){}\[\]]+[^\s\"'<>|.!?(){},;:&\[\]-]"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]"
    r"|www\.(?:[^\s\"<>|.!?(){},]+\.)+[a-zA-Z]{2,4}(?:/[^\s\"<>|()]*[^\s\"<>|.!?(){},-])?")
_CLOSERS = frozenset(")]}\u201d\u2019")
# HotpotQA's text lost its wiki markup after splitting, which left conventions no tokenizer rule
# explains; these held in most development cases: a stop, a space and a quote standing apart
# (`influence. " Billboard" historian`, 13 of 16; `Sandiego? " He produced`, 10 of 15) and a stop
# before a markup tag (`children. <br>`, 7 of 8) end no sentence; nor does a stop inside a quote
# that a comma follows (`"Is My Living in Vain?" , "Hallelujah"`, 7 of 7).
_QUOTE_OR_TAG_AFTER = re.compile(
    r'\s+"(?:\s|[,.;:)]|\Z)|"?\s*<[/!?A-Za-z]|["\u201d]\s?[,;:]')


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences, the way HotpotQA's sentence lists were made.

    A stop ends a sentence unless the lexer would keep it inside a token: abbreviations
    ("Dr.", "St.", "U.S.", "e.g.", "Inc." before lower case), initials, decimals, URLs and
    e-mail addresses. Closing quotes and brackets after a stop stay with its sentence.

    >>> split_sentences("Dr. Smith moved to the U.S. in 1990. Mr. Jones lived on St. Mark Street!  Done")
    ['Dr. Smith moved to the U.S. in 1990.', 'Mr. Jones lived on St. Mark Street!', 'Done']
    >>> split_sentences('He said "Stop!" and left. (It was late.) It sold well in the U.S. The end.')
    ['He said "Stop!"', 'and left.', '(It was late.)', 'It sold well in the U.S.', 'The end.']
    """
    masked = _ADDRESSES.sub(lambda m: "x" * len(m.group()), text) if ("@" in text or "/" in text
                                                                      or "www." in text) else text
    cuts, start = [], 0
    for stop in _STOPS.finditer(masked):
        if stop.start() < start or not _ends_sentence(masked, stop.start(), stop.end()):
            continue
        if _QUOTE_OR_TAG_AFTER.match(masked, stop.end()):
            continue
        end = _after_closers(masked, stop.end())
        cuts.append(end)
        start = end
    pieces, begin = [], 0
    for cut in cuts + [len(text)]:
        piece = " ".join(text[begin:cut].split())
        if piece:
            pieces.append(piece)
        begin = cut
    return pieces


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the stop run text[start:end] is a sentence-ending token.

    >>> [_ends_sentence(t, t.index("."), t.index(".") + 1) for t in ["a U.S. Army", "end. The", "2.5"]]
    [False, True, False]
    """
    run = text[start:end]
    after = text[end:]
    if run == ".":
        return _period_ends_sentence(text[max(0, start - 40):start], after)
    if "\u2026" in run:  # an ellipsis character is no stop; a full stop after it is
        return run.endswith(".") and not run.endswith("\u2026")
    if run == "..":  # an abbreviation's stop, then the sentence's
        return True
    if set(run) == {"."}:  # "..." never ends a sentence; "...." before a word does
        return len(run) > 3 and re.match(r"\s+[^\W\d_]", after) is not None
    previous = _PREVIOUS_TOKEN.search(text[max(0, start - 40):start]).group()
    if len(run) == 1 and previous[:1].isalpha() and after[:1].isalpha():
        return False  # inside a word such as "O!RUL8"
    if run[0] == "!" and previous.lower() in BANG_WORDS:
        return len(run) > 1
    if run == "!" and previous.upper() == "OK" and re.match(r"\s+magazine", after, re.IGNORECASE):
        return False
    return True


def _period_ends_sentence(before: str, after: str) -> bool:
    """Whether one full stop between ``before`` and ``after`` is a token of its own.

    >>> [_period_ends_sentence(b, a) for b, a in [("Warner Bros", " Records"), ("Acme Inc", " and"),
    ...     ("then-No", " 5"), ("See No", " 5"), ("J", " The"), ("J", " R. R."), ("the parade", " 17")]]
    [True, False, True, False, True, False, True]
    """
    token = _PREVIOUS_TOKEN.search(before).group().lstrip(".'\u2019-")
    following = after[:1]
    if following.isdigit():
        return False  # a decimal such as ".5"
    if following.isalpha() or (following and following in ",;:"):
        return not token[:1].isalpha()  # a word keeps a stop inside it or before "," ";" ":"
    if not token:
        return True
    if "-" in token:  # "non-U.S." keeps its stop; "then-No." does not
        return _HYPHENATED_ACRONYM.fullmatch(token.rsplit("-", 1)[1]) is None
    lower = token.lower()
    if _is_listed(token, lower, ABBREVIATIONS_BEFORE_LOWER):
        return len(after) < 2 or (after[1].isupper() and after[0].isspace()) \
            or _SENTENCE_END_AFTER.match(after) is not None
    if _ACRONYM.fullmatch(token):
        opener = _OPENER_AFTER.match(after)
        return opener is not None and _is_sentence_opener(opener.group(1))
    if _is_listed(token, lower, ABBREVIATIONS_BEFORE_CAPITAL):
        return False
    if lower in ABBREVIATIONS_BEFORE_NUMBER and _NUMBER_AFTER.match(after) and (
            lower != "pt" or token[0] == "P"):
        return False
    if lower in ("no", "so") and _PLACE_AFTER.match(after):
        return False
    return not (lower in ("pty", "pte", "co") and _LIMITED_AFTER.match(after))


def _is_listed(token: str, lower: str, words: frozenset[str]) -> bool:
    """Whether a token is one of ``words`` (case-blind, except the entries of _CAPITALISED)."""
    return lower in words and (lower not in _CAPITALISED or token[0] == _CAPITALISED[lower])


def _is_sentence_opener(word: str) -> bool:
    """A word from SENTENCE_OPENERS with its capital ("The", "THE"; not "the")."""
    return word[:1].isupper() and any(word.lower() == w.lower() for w in SENTENCE_OPENERS
                                      if w[0] == word[0])


def _after_closers(text: str, position: int) -> int:
    """The end of the closing brackets and quotes that follow a sentence end at ``position``."""
    end = position
    i = position
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return end
        char = text[i]
        nxt = text[i + 1:i + 2]
        if char in _CLOSERS or (char == '"' and not (nxt.isalnum() or nxt == "$")) or (
                char == "'" and not _opens_single_quote(text, i)):
            i += 1
            end = i
        else:
            return end


def _opens_single_quote(text: str, i: int) -> bool:
    """Whether the straight single quote at ``i`` opens a quotation ("'Tis", "'a ")."""
    nxt, after = text[i + 1:i + 2], text[i + 2:i + 3]
    return (nxt.isalpha() and after != "" and not after.isspace()) or (
        nxt in "AaIiUu" and nxt != "" and (after == "" or after.isspace()))
