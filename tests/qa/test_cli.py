"""``mstool qa`` end to end: index, ask, eval, --append, --reader, and every bad input (exit 2)."""

from __future__ import annotations

import json

import pytest

from mstool.toolkit.qa.dataset import question_half
from tests.conftest import run_cli
from tests.qa.conftest import BUNDLED, write_tiny_encoder, write_tiny_reader


def _one_line_error(result, exit_code=2):
    assert result.exit_code == exit_code, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_index_ask_eval(tmp_path, bundled_index_file):
    result = run_cli("qa", "ask", "In which city was the creator of Python born?", "--index",
                     bundled_index_file, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["answer"] == "Haarlem"
    top = doc["paths"][0]
    assert [h["title"] for h in top["hops"]] == ["Python (programming language)", "Guido van Rossum"]
    assert any(s["text"].startswith("He was born in Haarlem") for h in top["hops"] for s in h["supporting"])
    human = run_cli("qa", "ask", "In which city was the creator of Python born?",
                    "--index", bundled_index_file)
    assert "Haarlem" in human.stdout and "hop 2" in human.stdout and "2 hops" in human.stdout
    report = tmp_path / "report.json"
    ev = run_cli("qa", "eval", BUNDLED / "questions.jsonl", "--index", bundled_index_file,
                 "-o", report, "--json")
    assert ev.exit_code == 0, ev.stderr
    summary = ev.json()
    for key in ("answer_em", "answer_f1", "sp_f1", "joint_f1", "path_em_at_1", "recall_all_gold_at_10"):
        assert 0 <= summary[key] <= 100
    assert summary["path_em_at_1"] >= 90 and summary["questions"] == 10
    assert json.loads(report.read_text())["summary"]["answer_f1"] == summary["answer_f1"]


def test_eval_pools_its_own_paragraphs(tmp_path, tiny_encoder_path):
    result = run_cli("qa", "eval", BUNDLED / "questions.jsonl", "--encoder", tiny_encoder_path,
                     "-o", tmp_path / "r.json", "--limit", "3", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["questions"] == 3 and result.json()["recall_all_gold_at_10"] == 100.0


def test_append_and_hops_and_reader(tmp_path, tiny_encoder_path):
    lines = (BUNDLED / "corpus.jsonl").read_text().splitlines()
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:12]) + "\n")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[12:]) + "\n")
    out = tmp_path / "i.h5"
    first = run_cli("qa", "index", tmp_path / "a.jsonl", "-o", out, "--encoder", tiny_encoder_path, "--json")
    assert first.exit_code == 0, first.stderr
    again = run_cli("qa", "index", tmp_path / "a.jsonl", "-o", out, "--encoder", tiny_encoder_path)
    assert "exists" in _one_line_error(again)
    grown = run_cli("qa", "index", tmp_path / "b.jsonl", "-o", out, "--append",
                    "--encoder", tiny_encoder_path, "--json")
    assert grown.exit_code == 0, grown.stderr
    assert grown.json()["paragraphs"] == len(lines) and grown.json()["added"] == len(lines) - 12
    write_tiny_reader(tmp_path / "reader.onnx")
    ask = run_cli("qa", "ask", "Where is the company that developed Fortran headquartered?", "--index", out,
                  "--encoder", tiny_encoder_path, "--reader", tmp_path / "reader.onnx",
                  "--hops", "3", "--json")
    assert ask.exit_code == 0, ask.stderr
    doc = ask.json()
    # --hops 3 is a maximum: this two-hop question's chain stops after IBM
    assert doc["method"] == "reader" and [h["title"] for h in doc["paths"][0]["hops"]] == ["Fortran", "IBM"]
    support = " ".join(s["text"] for h in doc["paths"][0]["hops"] for s in h["supporting"])
    assert doc["answer"] and doc["answer"] in support


@pytest.mark.parametrize("content, where", [
    ("", "corpus is empty"),
    ('{"title": "A", "text": "Fine."}\n[oops\n', "c.jsonl:2"),
    ('{"title": "A", "text": "Fine."}\n{"title": "B"}\n', "c.jsonl:2"),
])
def test_bad_corpus_exit_2(tmp_path, tiny_encoder_path, content, where):
    (tmp_path / "c.jsonl").write_text(content)
    result = run_cli("qa", "index", tmp_path / "c.jsonl", "-o", tmp_path / "i.h5",
                     "--encoder", tiny_encoder_path)
    assert where in _one_line_error(result)
    assert not (tmp_path / "i.h5").exists()


def test_index_from_another_encoder_exit_2(tmp_path, bundled_index_file):
    write_tiny_encoder(tmp_path / "other.onnx")
    result = run_cli("qa", "ask", "Who created Python?", "--index", bundled_index_file,
                     "--encoder", tmp_path / "other.onnx")
    assert "built with encoder" in _one_line_error(result)


@pytest.mark.parametrize("question", ["", "what is the?"])
def test_empty_question_exit_2(bundled_index_file, question):
    result = run_cli("qa", "ask", question, "--index", bundled_index_file)
    assert "stop words" in _one_line_error(result)


def test_wrong_artifact_kind_exit_2(tmp_path):
    (tmp_path / "x.h5").write_bytes(b"not hdf5")
    result = run_cli("qa", "ask", "Who?", "--index", tmp_path / "x.h5")
    _one_line_error(result)


def test_eval_on_one_half(tmp_path, bundled_index_file):
    counts = {}
    for half in ("development", "held-out"):
        result = run_cli("qa", "eval", BUNDLED / "questions.jsonl", "--index", bundled_index_file,
                         "--half", half, "-o", tmp_path / f"{half}.json", "--json")
        assert result.exit_code == 0, result.stderr
        counts[half] = result.json()["questions"]
        ids = {row["id"] for row in json.loads((tmp_path / f"{half}.json").read_text())["questions"]}
        assert {question_half(i) for i in ids} == {half}
    assert counts["development"] + counts["held-out"] == 10 and min(counts.values()) > 0
    bad = run_cli("qa", "eval", BUNDLED / "questions.jsonl", "--index", bundled_index_file, "--half", "test",
                  "-o", tmp_path / "bad.json")
    assert "--half" in _one_line_error(bad)
