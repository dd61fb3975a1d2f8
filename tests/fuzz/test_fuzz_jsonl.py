"""Fuzz the QA readers: generated and mutated JSONL either load or raise InputError."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mstool.toolkit.qa.corpus import read_corpus
from mstool.toolkit.qa.dataset import read_questions
from tests.fuzz.budget import FUZZ, Outcomes
from tests.fuzz.mutate import edit

OUTCOMES = Outcomes("QA JSONL (questions + corpus)")
WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-jsonl-"))
GOOD = {"id": "q1", "question": "Who wrote it?", "answer": "Ann", "answer_aliases": ["A."],
        "type": "bridge", "supporting_facts": [["Book", 0]],
        "paragraphs": [{"title": "Book", "text": "Ann wrote it.", "is_supporting": True},
                       {"title": "Other", "sentences": ["One.", "Two."], "links": ["Book"]}],
        "context": [["Book", ["Ann wrote it."]]]}
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)


@st.composite
def records(draw) -> dict:
    """The good record with some fields replaced by arbitrary JSON values or removed."""
    record = json.loads(json.dumps(GOOD))
    for key in draw(st.lists(st.sampled_from(sorted(GOOD)), max_size=3)):
        if draw(st.booleans()):
            record[key] = draw(JSON_VALUES)
        else:
            record.pop(key, None)
    if draw(st.booleans()) and isinstance(record.get("paragraphs"), list) and record["paragraphs"]:
        para = record["paragraphs"][0]
        if isinstance(para, dict):
            para[draw(st.sampled_from(["title", "text", "sentences", "links", "is_supporting"]))] = draw(
                JSON_VALUES)
    return record


@st.composite
def files(draw) -> bytes:
    lines = [json.dumps(r).encode() for r in draw(st.lists(records(), min_size=0, max_size=3))]
    text = b"\n".join(lines)
    return edit(draw, text, max_edits=2) if draw(st.booleans()) else text


def read_both(data: bytes, suffix: str):
    path = WORKDIR / f"f{suffix}"
    path.write_bytes(data)
    try:
        return read_questions(path)
    finally:
        read_corpus(path)


@FUZZ
@given(data=files(), suffix=st.sampled_from([".jsonl", ".json"]))
def test_jsonl_loads_or_raises_input_error(data, suffix):
    OUTCOMES.run(read_both, data, suffix)
