"""Sentence splitters against HotpotQA's own sentence lists: exact-split rate and speed.

The paragraphs are split in two by the question that brings them (first seen wins):
the development half (:func:`mstool.toolkit.qa.dataset.question_half`) chose the splitter
and mstool's post-rules; the held-out half is reported once. pysbd and spaCy are measured
when installed (neither is a dependency).

Each splitter gets the paragraph's own text (its sentences concatenated as stored, which is
the record's ``text`` field) and must return the dataset's sentence list (whitespace
normalised). ``--rejoined`` feeds the sentences joined by single spaces instead (the protocol
of earlier releases; it inserts spaces the paragraph does not have, e.g. ``Me! " for``).

Run: python benchmarks/qa/sentence_split.py /work/shared/data/qa/hotpotqa_dev500.jsonl [--rejoined]
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

    found["blingfire + post-rules (mstool)"] = split_sentences
    return found


def main(path: str, rejoined: bool = False) -> None:
    halves = paragraphs(path, rejoined)
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
    main(sys.argv[1], rejoined="--rejoined" in sys.argv[2:])
