"""Sentence splitters against HotpotQA's own sentence lists: exact-split rate and speed.

The paragraphs are split in two by the question that brings them (first seen wins):
the development half (:func:`mstool.toolkit.qa.dataset.question_half`) chose the splitter
and every rule of mstool's; the held-out half is reported once. ``--failures`` prints the
development paragraphs mstool splits differently, one line per differing boundary. pysbd
and spaCy are measured when installed (neither is a dependency).

Each splitter gets the paragraph's own text (its sentences concatenated as stored, which is
the record's ``text`` field) and must return the dataset's sentence list (whitespace
normalised). ``--rejoined`` feeds the sentences joined by single spaces instead (the protocol
of earlier releases; it inserts spaces the paragraph does not have, e.g. ``Me! " for``).

Run: python benchmarks/qa/sentence_split.py /work/shared/data/qa/hotpotqa_dev500.jsonl
[--rejoined] [--failures]
"""

from __future__ import annotations

import json
import re
import sys
import time


def paragraphs(path: str, rejoined: bool = False) -> dict[str, list[tuple[str, list[str]]]]:
    """(text, gold sentence list) of each distinct paragraph, by the half of its first question."""
    from mstool.toolkit.qa.dataset import question_half

    seen, out = set(), {"development": [], "held-out": []}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            for para in record["paragraphs"]:
                sents = [" ".join(s.split()) for s in para["sentences"]]
                sents = [s for s in sents if s]
                if para["title"] not in seen and sents:
                    seen.add(para["title"])
                    text = " ".join(sents) if rejoined else "".join(para["sentences"])
                    out[question_half(str(record["id"]))].append((text, sents))
    return out


def splitters() -> dict:
    # The splitter mstool used before: a period, then a capital or a digit.
    sentence_end = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
    found = {"regex (previous)": lambda t: [s for s in (p.strip() for p in sentence_end.split(t)) if s]}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        found["pysbd"] = lambda t: [s.strip() for s in seg.segment(t) if s.strip()]
    except ImportError:
        pass
    try:
        import blingfire

        def bling(text: str) -> list[str]:
            return [s.strip() for s in blingfire.text_to_sentences(text).splitlines() if s.strip()]

        found["blingfire"] = bling
    except ImportError:
        pass
    try:
        import spacy

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")  # rule-based; spaCy's trained senter needs a model package not on PyPI
        found["spaCy sentencizer"] = lambda t: [s.text.strip() for s in nlp(t).sents if s.text.strip()]
    except ImportError:
        pass
    from mstool.toolkit.qa.text import split_sentences

    found["PTB-style lexer rules (mstool)"] = split_sentences
    return found


def _boundaries(sentences: list[str]) -> set[int]:
    """Sentence ends as counts of non-space characters, so that spacing does not matter."""
    ends, count = set(), 0
    for sentence in sentences[:-1]:
        count += len(sentence.replace(" ", ""))
        ends.add(count)
    return ends


def print_failures(paras: list[tuple[str, list[str]]]) -> None:
    """One line per boundary the dataset has and mstool lacks (MISSING) or the reverse (EXTRA)."""
    from mstool.toolkit.qa.text import split_sentences

    for text, gold in paras:
        got = split_sentences(text)
        if got == gold:
            continue
        joined = " ".join(gold)
        offsets = [i for i, ch in enumerate(joined) if ch != " "] + [len(joined)]
        for end in sorted(_boundaries(gold) ^ _boundaries(got)):
            at = offsets[end]
            kind = "MISSING" if end in _boundaries(gold) else "EXTRA  "
            print(f"{kind} | {joined[max(0, at - 70):at]} || {joined[at:at + 40]}")


def main(path: str, rejoined: bool = False, failures: bool = False) -> None:
    halves = paragraphs(path, rejoined)
    if failures:
        print_failures(halves["development"])
        return
    print(" / ".join(f"{len(p)} {half}" for half, p in halves.items()) + " paragraphs")
    print("| splitter | exact split %, development | exact split %, held-out | paragraphs/s |")
    print("|---|---|---|---|")
    for name, split in splitters().items():
        exact, count, seconds = {}, 0, 0.0
        for half, paras in halves.items():
            start = time.perf_counter()
            got = [split(text) for text, _ in paras]
            seconds += time.perf_counter() - start
            count += len(paras)
            exact[half] = 100 * sum(g == gold for g, (_, gold) in zip(got, paras, strict=True)) / len(paras)
        print(f"| {name} | {exact['development']:.1f} | {exact['held-out']:.1f} | {count / seconds:,.0f} |")


if __name__ == "__main__":
    main(sys.argv[1], rejoined="--rejoined" in sys.argv[2:], failures="--failures" in sys.argv[2:])
