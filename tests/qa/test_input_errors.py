"""Bad QA inputs: JSONL with bad JSON, wrong types, missing fields, non-UTF-8 bytes, empty files."""

from __future__ import annotations

import json
import os

import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qa.corpus import read_corpus
from mstool.toolkit.qa.dataset import read_questions

GOOD = {"question": "Who?", "answer": "Ann", "paragraphs": [{"title": "A", "text": "Ann did.",
                                                              "is_supporting": True}]}


def jsonl(tmp_path, *records, raw: bytes | None = None):
    path = tmp_path / "q.jsonl"
    path.write_bytes(raw if raw is not None else "\n".join(json.dumps(r) for r in records).encode())
    return path


def test_good_record_loads(tmp_path):
    question = read_questions(jsonl(tmp_path, GOOD))[0]
    assert question.gold_titles == ["A"] and question.answers == ["Ann"]


@pytest.mark.parametrize(("record", "message"), [
    ({**GOOD, "supporting_facts": 5}, "'supporting_facts' must be a list of \\[title, sentence"),
    ({**GOOD, "supporting_facts": [["A"]]}, "'supporting_facts' must be a list"),
    ({**GOOD, "supporting_facts": [["A", "x"]]}, "'supporting_facts' must be a list"),
    ({**GOOD, "answer_aliases": 3}, "'answer_aliases' must be a list"),
    ({**GOOD, "paragraphs": "text"}, "'paragraphs' must be a list of objects"),
    ({**GOOD, "paragraphs": [1, 2]}, "'paragraphs' must be a list of objects"),
    ({**GOOD, "paragraphs": [{"is_supporting": True}]}, "supporting paragraph has no 'title'"),
    ({**GOOD, "type": ["bridge"]}, "'type' must be a string"),
    ({**GOOD, "id": {"a": 1}}, "'id' must be a string or an integer"),
    ({**GOOD, "answer": None}, "no 'answer' string"),
    ({"answer": "x"}, "no 'question'"),
    ([1, 2], "expected a JSON object"),
])
def test_wrong_types_name_the_line(tmp_path, record, message):
    path = jsonl(tmp_path, GOOD, record)
    with pytest.raises(InputError, match=message) as err:
        read_questions(path)
    assert err.value.where == f"{path}:2"


@pytest.mark.parametrize(("raw", "message", "where"), [
    (b'{"question": "a"\n', "line is not JSON", ":1"),
    (b"\xff\xfe{}\n", "not UTF-8 text at byte 0", ""),
    (b"", "no questions found", ""),
    (b"\n\n  \n", "no questions found", ""),
    (b'{"q": ' * 100_000 + b"\n", "nested too deeply|not JSON", ":1"),
])
def test_unreadable_files(tmp_path, raw, message, where):
    path = jsonl(tmp_path, raw=raw)
    with pytest.raises(InputError, match=message) as err:
        read_questions(path)
    assert err.value.where == f"{path}{where}"


@pytest.mark.parametrize(("record", "message"), [
    ({"paragraphs": "x"}, "'paragraphs' must be a list"),
    ({"paragraphs": [5]}, "expected a paragraph object"),
    ({"context": {"A": 1}}, "'context' must be a list"),
    ({"title": "A", "sentences": [1]}, "'sentences' must be a list of strings"),
])
def test_corpus_wrong_types(tmp_path, record, message):
    with pytest.raises(InputError, match=message):
        read_corpus(jsonl(tmp_path, record))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_refused_without_blocking(tmp_path):
    fifo = tmp_path / "q.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        read_questions(fifo)
