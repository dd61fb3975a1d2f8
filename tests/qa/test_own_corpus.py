"""A user's own corpus: JSONL/TSV/folder formats, ids/URLs/fields kept into answers, HotpotQA predictions,
and the bad inputs of each (one line, exit 2)."""

from __future__ import annotations

import json

import pytest

from mstool.toolkit.errors import InputError
from mstool.toolkit.qa import read_corpus
from tests.conftest import run_cli
from tests.qa.conftest import write_tiny_reader

DOCS = [
    {"id": "doc-1", "title": "Guido van Rossum", "url": "https://example.org/guido", "lang": "en",
     "text": "Guido van Rossum is a Dutch programmer. He was born in Haarlem. "
             "He worked in the U.S. for years."},
    {"id": "doc-2", "title": "Python (programming language)", "url": "https://example.org/python",
     "lang": "en", "text": "Python is a programming language. It was created by Guido van Rossum."},
    {"id": "doc-3", "title": "Haarlem",
     "text": "Haarlem is a city in the Netherlands. Dr. Smith lived there."},
]


def _one_line_error(result):
    assert result.exit_code == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def _jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_jsonl_keeps_id_url_and_fields(tmp_path):
    paragraphs = read_corpus(_jsonl(tmp_path / "c.jsonl", DOCS))
    guido = paragraphs[0]
    assert (guido.doc_id, guido.url, guido.fields) == ("doc-1", "https://example.org/guido", {"lang": "en"})
    assert guido.sentences[-1] == "He worked in the U.S. for years."
    assert (paragraphs[2].doc_id, paragraphs[2].url, paragraphs[2].fields) == ("doc-3", None, {})


def test_tsv_corpus(tmp_path):
    rows = ["id\ttitle\turl\ttext\tsource"] + [
        f"{d['id']}\t{d['title']}\t{d.get('url', '')}\t{d['text']}\twiki" for d in DOCS]
    (tmp_path / "c.tsv").write_text("\n".join(rows) + "\n")
    paragraphs = read_corpus(tmp_path / "c.tsv")
    assert [p.doc_id for p in paragraphs] == ["doc-1", "doc-2", "doc-3"]
    assert paragraphs[0].url == "https://example.org/guido" and paragraphs[2].url is None
    assert paragraphs[1].fields == {"source": "wiki"}
    assert paragraphs[2].sentences == ["Haarlem is a city in the Netherlands.", "Dr. Smith lived there."]


def test_folder_one_document_per_file(tmp_path):
    (tmp_path / "docs" / "cities").mkdir(parents=True)
    (tmp_path / "docs" / "cities" / "St_Paul.txt").write_text("St. Paul is a city.\nIt is in Minnesota.\n")
    (tmp_path / "docs" / "Rivers.txt").write_text("The Seine flows through Paris.")
    paragraphs = read_corpus(tmp_path / "docs")
    assert [(p.title, p.doc_id) for p in paragraphs] == [("Rivers", "Rivers.txt"),
                                                         ("St Paul", "cities/St_Paul.txt")]
    assert paragraphs[1].sentences == ["St. Paul is a city.", "It is in Minnesota."]


def test_ids_and_fields_survive_index_and_show_in_answers(tmp_path, tiny_encoder_path):
    out = tmp_path / "i.h5"
    built = run_cli("qa", "index", _jsonl(tmp_path / "c.jsonl", DOCS[:2]), "-o", out,
                    "--encoder", tiny_encoder_path)
    assert built.exit_code == 0, built.stderr
    grown = run_cli("qa", "index", _jsonl(tmp_path / "d.jsonl", DOCS[2:]), "-o", out, "--append",
                    "--encoder", tiny_encoder_path)
    assert grown.exit_code == 0, grown.stderr
    ask = run_cli("qa", "ask", "In which city was the creator of Python born?", "--index", out,
                  "--encoder", tiny_encoder_path, "--paths", "5", "--json")
    assert ask.exit_code == 0, ask.stderr
    hops = {h["title"]: h for p in ask.json()["paths"] for h in p["hops"]}
    assert hops["Guido van Rossum"]["id"] == "doc-1"
    assert hops["Guido van Rossum"]["url"] == "https://example.org/guido"
    assert hops["Guido van Rossum"]["fields"] == {"lang": "en"}
    if "Haarlem" in hops:
        assert hops["Haarlem"]["id"] == "doc-3" and hops["Haarlem"]["url"] is None
    human = run_cli("qa", "ask", "In which city was the creator of Python born?", "--index", out,
                    "--encoder", tiny_encoder_path, "--paths", "5")
    assert "id=doc-1" in human.stdout and "https://example.org/guido" in human.stdout


def test_predictions_in_hotpotqa_format(tmp_path, tiny_encoder_path):
    paragraphs = [{"title": d["title"], "sentences": [d["text"]], "is_supporting": i < 2}
                  for i, d in enumerate(DOCS)]
    questions = [{"_id": "q1", "question": "Where was the creator of Python born?", "answer": "Haarlem",
                  "paragraphs": paragraphs, "supporting_facts": [["Guido van Rossum", 0]]},
                 {"_id": "q2", "question": "Who created Python?", "answer": "Guido van Rossum",
                  "paragraphs": paragraphs}]
    data = _jsonl(tmp_path / "q.jsonl", questions)
    pred = tmp_path / "pred.json"
    result = run_cli("qa", "eval", data, "--encoder", tiny_encoder_path, "-o", tmp_path / "r.json",
                     "--predictions", pred, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(pred.read_text())
    assert set(doc) == {"answer", "sp"}
    assert set(doc["answer"]) == set(doc["sp"]) == {"q1", "q2"}
    sentences = {d["title"]: 1 for d in DOCS}
    for facts in doc["sp"].values():  # hotpot_evaluate_v1.py turns each fact into a (title, int) tuple
        assert facts
        assert all(isinstance(t, str) and isinstance(i, int) and 0 <= i < sentences[t] for t, i in facts)
    rows = {r["id"]: r for r in json.loads((tmp_path / "r.json").read_text())["questions"]}
    assert doc["answer"]["q1"] == rows["q1"]["prediction"]


@pytest.mark.parametrize("records, message", [
    ([DOCS[0], {"id": "doc-2", "title": "Empty", "text": "  "}], "c.jsonl:2: paragraph 'Empty' has no text"),
    ([DOCS[0], {"id": "doc-9", "title": "No text"}], "c.jsonl:2: paragraph 'No text' has no text"),
    ([DOCS[0], DOCS[1], dict(DOCS[2], id="doc-1")], "c.jsonl:3: duplicate document id 'doc-1' (first at"),
    ([dict(DOCS[0], url=5)], "c.jsonl:1: field 'url' must be a string"),
    ([dict(DOCS[0], extra={"a": 1})], "c.jsonl:1: field 'extra' must be a string, number or boolean"),
])
def test_bad_jsonl_corpus_exit_2(tmp_path, tiny_encoder_path, records, message):
    result = run_cli("qa", "index", _jsonl(tmp_path / "c.jsonl", records), "-o", tmp_path / "i.h5",
                     "--encoder", tiny_encoder_path)
    assert message in _one_line_error(result)
    assert not (tmp_path / "i.h5").exists()


@pytest.mark.parametrize("content, message", [
    ("title\tbody\nA\tx.\n", "c.tsv:1: TSV header must name 'title' and 'text'"),
    ("id\ttitle\ttext\n1\tA\tx.\n2\tB\n", "c.tsv:3: row has 2 columns, the header 3"),
    ("id\ttitle\ttext\n1\tA\tx.\n2\tB\t\n", "c.tsv:3: paragraph 'B' has no text"),
    ("id\ttitle\ttext\n1\tA\tx.\n1\tB\ty.\n", "c.tsv:3: duplicate document id '1' (first at"),
])
def test_bad_tsv_corpus(tmp_path, content, message):
    (tmp_path / "c.tsv").write_text(content)
    with pytest.raises(InputError) as err:
        read_corpus(tmp_path / "c.tsv")
    assert message in str(err.value)


def test_append_with_a_taken_id_exit_2(tmp_path, tiny_encoder_path):
    out = tmp_path / "i.h5"
    assert run_cli("qa", "index", _jsonl(tmp_path / "c.jsonl", DOCS[:2]), "-o", out,
                   "--encoder", tiny_encoder_path).exit_code == 0
    clash = _jsonl(tmp_path / "d.jsonl", [dict(DOCS[2], id="doc-2")])
    result = run_cli("qa", "index", clash, "-o", out, "--append", "--encoder", tiny_encoder_path)
    assert "duplicate document id 'doc-2' (already in the index)" in _one_line_error(result)


@pytest.mark.parametrize("questions, message", [
    ([{"id": "a", "question": "Who?", "answer": "X"}, {"id": "a", "question": "Why?", "answer": "Y"}],
     "q.jsonl:2: duplicate question id 'a' (first at line 1)"),
    ([{"id": "a", "question": "Who?", "answer": "X"}, {"question": "Why?", "answer": "Y"}],
     "q.jsonl:2: question has no 'id' or '_id'"),
])
def test_question_ids_that_cannot_match_the_gold_exit_2(tmp_path, tiny_encoder_path, questions, message):
    for q in questions:
        q["paragraphs"] = [{"title": "A", "text": "Some text here.", "is_supporting": True}]
    result = run_cli("qa", "eval", _jsonl(tmp_path / "q.jsonl", questions), "--encoder", tiny_encoder_path,
                     "-o", tmp_path / "r.json", "--predictions", tmp_path / "p.json")
    assert message in _one_line_error(result)
    assert not (tmp_path / "p.json").exists()


def test_reader_with_wrong_inputs_exit_2(tmp_path, tiny_encoder_path):
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["pixels"], ["start_logits"]),
         helper.make_node("Identity", ["pixels"], ["end_logits"])], "not_a_reader",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("start_logits", TensorProto.FLOAT, [1, 3]),
         helper.make_tensor_value_info("end_logits", TensorProto.FLOAT, [1, 3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(tmp_path / "bad.onnx"))
    write_tiny_reader(tmp_path / "good.onnx")
    out = tmp_path / "i.h5"
    assert run_cli("qa", "index", _jsonl(tmp_path / "c.jsonl", DOCS), "-o", out,
                   "--encoder", tiny_encoder_path).exit_code == 0
    result = run_cli("qa", "ask", "Who created Python?", "--index", out, "--encoder", tiny_encoder_path,
                     "--reader", tmp_path / "bad.onnx")
    assert "bad.onnx: reader inputs ['pixels'] are not SQuAD-style" in _one_line_error(result)
