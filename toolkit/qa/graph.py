"""Title-mention graph: paragraph i links to j when i's text names j's title.

This is the offline stand-in for Wikipedia hyperlinks: a capitalised mention of
another paragraph's title (without its disambiguation parenthesis) is an edge.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from mstool.toolkit.qa.text import STOP_WORDS, fold, strip_disambiguation

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TITLE_WORDS = 8


def title_key(title: str) -> tuple[str, ...]:
    """Folded words of a title without its disambiguation: the key titles are matched on."""
    return tuple(_fold_word(w) for w in _TOKEN.findall(strip_disambiguation(title)))


def _fold_word(word: str) -> str:
    """:func:`fold` of one word; an ASCII word only needs lower case (the fast path at 1M paragraphs)."""
    return word.lower() if word.isascii() else fold(word)


class TitleMatcher:
    """Find which titles a text mentions (capitalised n-gram match on folded words).

    >>> m = TitleMatcher(["Shirley Temple", "Kiss and Tell (1945 film)", "The", "Temple"])
    >>> sorted(m.mentions("Kiss and Tell starred Shirley Temple as Corliss."))
    [0, 1]
    """

    def __init__(self, titles: list[str]) -> None:
        self.by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for index, title in enumerate(titles):
            key = title_key(title)
            if not key or len(key) > MAX_TITLE_WORDS:
                continue
            if len(key) == 1 and (key[0] in STOP_WORDS or len(key[0]) < 3):
                continue
            self.by_key[key].append(index)
        self.first_words = {key[0] for key in self.by_key}
        self.longest = max((len(k) for k in self.by_key), default=0)

    def mentions(self, text: str) -> set[int]:
        """Indices of the titles named in ``text``."""
        raw = _TOKEN.findall(text)
        found: set[int] = set()
        resume = 0  # leftmost-longest: 'Ada Lovelace' hides the title 'Lovelace'
        for start, word in enumerate(raw):
            if start < resume or not (word[0].isupper() or word[0].isdigit()):
                continue
            if _fold_word(word) not in self.first_words:
                continue
            window = [_fold_word(w) for w in raw[start:start + self.longest]]
            for length in range(len(window), 0, -1):
                hit = self.by_key.get(tuple(window[:length]))
                if hit:
                    found.update(hit)
                    resume = start + length
                    break
        return found


def build_mention_graph(titles: list[str], texts: list[str],
                        explicit_links: list[list[str]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """CSR adjacency (indptr, targets) of paragraph -> mentioned paragraph, no self loops.

    >>> indptr, targets = build_mention_graph(["Paris", "France"], ["Paris is in France.", "A country."])
    >>> indptr.tolist(), targets.tolist()
    ([0, 1, 1], [1])
    """
    matcher = TitleMatcher(titles)
    by_title: dict[str, list[int]] = defaultdict(list)
    for index, title in enumerate(titles):
        by_title[title].append(index)
    rows: list[list[int]] = []
    for i, text in enumerate(texts):
        found = matcher.mentions(text)
        for linked in (explicit_links[i] if explicit_links else []):
            found.update(by_title.get(linked, []))
        found.discard(i)
        rows.append(sorted(found))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    targets = np.array([t for r in rows for t in r], dtype=np.int32)
    return indptr, targets
