"""Sentence splitters against HotpotQA's own sentence lists: exact-split rate and speed.

Run: python benchmarks/qa/sentence_split.py /work/shared/data/qa/hotpotqa_dev500.jsonl
"""

from __future__ import annotations

import json
import re
import sys
import time


def paragraphs(path: str) -> list[list[str]]:
    seen, out = set(), []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            for para in json.loads(line)["paragraphs"]:
                sents = [" ".join(s.split()) for s in para["sentences"]]
                sents = [s for s in sents if s]
                if para["title"] not in seen and sents:
                    seen.add(para["title"])
                    out.append(sents)
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
    from mstool.toolkit.qa.text import split_sentences

    found["blingfire + lone-title merge (mstool)"] = split_sentences
    return found


def main(path: str) -> None:
    paras = paragraphs(path)
    texts = [" ".join(p) for p in paras]
    print(f"{len(paras)} paragraphs")
    print("| splitter | exact split % | paragraphs/s |")
    print("|---|---|---|")
    for name, split in splitters().items():
        start = time.perf_counter()
        got = [split(t) for t in texts]
        seconds = time.perf_counter() - start
        exact = sum(g == p for g, p in zip(got, paras, strict=True)) / len(paras)
        print(f"| {name} | {100 * exact:.1f} | {len(paras) / seconds:,.0f} |")


if __name__ == "__main__":
    main(sys.argv[1])
